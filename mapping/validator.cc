#include "mapping/validator.h"

#include <algorithm>

#include "common/text.h"

namespace bridgework::mapping {
namespace {

std::string Placement(const MapFile& map, const Mapper& mapper, const std::string& object) {
  for (const RebuildOnly& r : map.rebuild_only) {
    if (r.object == object) return "rebuild_only";
  }
  for (const RebuildOnly& r : map.schema_only) {
    if (r.object == object) return "schema_only";
  }
  if (const ObjectMap* o = map.Find(object)) {
    if (o->match) return "match";
    if (mapper.ExportedAsCsv(object)) return "no_home (csv)";
    return "mapped";
  }
  if (mapper.ExportedAsCsv(object)) return "no_home (csv)";
  return "not in map";
}

}  // namespace

StatusOr<ValidationReport> Validate(const Mapper& mapper, connectors::SourceConnector& source,
                                    const ValidateOptions& options) {
  ValidationReport report;
  report.fallbacks = mapper.AppliedFallbacks();
  BW_ASSIGN_OR_RETURN(connectors::SourceDescription desc, source.Describe());
  int64_t kept = 0;
  auto keep = [&](std::vector<RowError>* list, RowError e) {
    if (kept < options.max_errors) {
      list->push_back(std::move(e));
      ++kept;
    } else {
      ++report.dropped_errors;
    }
  };
  for (const connectors::SourceObject& so : desc.objects) {
    if (!options.objects.empty() && std::find(options.objects.begin(), options.objects.end(),
                                              so.name) == options.objects.end()) {
      continue;
    }
    ObjectValidation& ov = report.objects[so.name];
    ov.placement = Placement(mapper.map(), mapper, so.name);
    BW_ASSIGN_OR_RETURN(std::vector<connectors::ShardSpec> shards, source.PlanShards(so.name, 1));
    int64_t seen = 0;
    for (const connectors::ShardSpec& shard : shards) {
      BW_ASSIGN_OR_RETURN(std::unique_ptr<connectors::RecordCursor> cursor,
                          source.Open(shard, connectors::ReadOptions{}));
      connectors::SourceRow row;
      while (true) {
        if (options.limit_per_object > 0 && seen >= options.limit_per_object) break;
        row = connectors::SourceRow{};
        BW_ASSIGN_OR_RETURN(bool more, cursor->Next(&row));
        if (!more) break;
        ++seen;
        if (row.error) {
          ++ov.unreadable;
          keep(&report.source_errors, *row.error);
          continue;
        }
        if (!row.record) continue;
        ++ov.read;
        if (ov.placement == "not in map") {
          ++ov.failed;
          if (ov.failed == 1) {
            RowError e;
            e.object = so.name;
            e.record_id = row.record->id;
            e.file = row.record->file;
            e.line = row.record->line;
            e.reason = "object '" + so.name + "' is not in the map (every record of it)";
            keep(&report.mapping_errors, e);
          }
          continue;
        }
        MapResult r = mapper.Apply(*row.record);
        if (!r.errors.empty()) {
          ++ov.failed;
          for (RowError& e : r.errors) keep(&report.mapping_errors, std::move(e));
          continue;
        }
        if (r.targets.empty()) {
          ++ov.skipped;
          continue;
        }
        ++ov.mapped;
        for (const TargetRecord& t : r.targets) ++ov.targets[t.model];
      }
    }
  }
  return report;
}

Json ValidationReport::ToJson() const {
  Json objs = Json::object();
  for (const auto& [name, o] : objects) {
    objs[name] =
        Json{{"placement", o.placement}, {"read", o.read},     {"unreadable", o.unreadable},
             {"mapped", o.mapped},       {"failed", o.failed}, {"skipped", o.skipped},
             {"targets", o.targets}};
  }
  Json src = Json::array(), map = Json::array();
  for (const RowError& e : source_errors) src.push_back(e.ToJson());
  for (const RowError& e : mapping_errors) map.push_back(e.ToJson());
  return Json{{"ok", ok()},
              {"objects", objs},
              {"source_errors", src},
              {"mapping_errors", map},
              {"dropped_errors", dropped_errors},
              {"fallbacks", fallbacks}};
}

std::string RowErrorsCsv(const ValidationReport& report) {
  std::string out = "kind,object,record_id,file,line,field,reason,value_kind\n";
  auto add = [&](const char* kind, const RowError& e) {
    out += std::string(kind) + "," + CsvField(e.object) + "," + CsvField(e.record_id) + "," +
           CsvField(e.file) + "," + std::to_string(e.line) + "," + CsvField(e.field) + "," +
           CsvField(e.reason) + "," + CsvField(e.value_kind) + "\n";
  };
  for (const RowError& e : report.source_errors) add("source", e);
  for (const RowError& e : report.mapping_errors) add("mapping", e);
  return out;
}

}  // namespace bridgework::mapping
