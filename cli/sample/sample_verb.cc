#include "cli/sample/sample_verb.h"

#include <cstdio>
#include <ctime>
#include <set>

#include "cli/delta/watermark.h"
#include "cli/sample/sample_selection.h"
#include "cli/verbs.h"
#include "cli/workflow/guards.h"
#include "mapping/field_diff.h"
#include "mapping/lookups.h"
#include "mapping/mapper.h"
#include "workers/record_mapper.h"

namespace bridgework::cli::sample {
namespace {

constexpr size_t kReadChunk = 200;
constexpr int64_t kFailurePage = 10000;

std::string ParentKey(const Reference& ref) {
  return ref.object + "/" + ref.source_id + "/" + ref.target;
}

// The sampled records as the map expects them (references resolved through the id map) against
// what the destination holds under the ids the id map gives.
StatusOr<mapping::DiffReport> ReadBackAndDiff(const Config& config, const mapping::MapFile* map,
                                              const Selection& sel, state::StateStore* store,
                                              const std::string& run_id, const VerbEnv& env) {
  BW_ASSIGN_OR_RETURN(auto desc, env.source->Describe());
  std::unique_ptr<workers::RecordMapper> mapper;
  auto schema = env.destination->Discover();
  if (map != nullptr) {
    mapping::MapperOptions mo;
    if (schema.ok()) mo.modules = schema->modules;
    BW_ASSIGN_OR_RETURN(auto run, store->GetRun(config.migration, run_id));
    if (run) mo.as_of = delta::FormatIsoSeconds(run->started_ms / 1000);  // as the workers did
    BW_ASSIGN_OR_RETURN(auto m, mapping::Mapper::Create(*map, mo));
    mapper = workers::NewMapFileMapper(std::move(m));
  } else {
    mapper = workers::NewIdentityMapper(desc);
  }

  // Records that failed or were unlinked in the run are reported in failures.csv with their
  // reason; diffing them again would count each of their fields as "missing".
  std::set<std::string> failed;
  for (int64_t off = 0;; off += kFailurePage) {
    BW_ASSIGN_OR_RETURN(auto page, store->Failures(config.migration, run_id, off, kFailurePage));
    for (const auto& f : page) failed.insert(f.object + "/" + f.id);
    if (static_cast<int64_t>(page.size()) < kFailurePage) break;
  }
  std::vector<TargetRecord> expected;
  for (const auto& [object, ids] : sel.ids) {
    if (ids.empty()) continue;
    BW_RETURN_IF_ERROR(ScanObject(env.source, object, [&](const SourceRecord& r) {
      if (!ids.count(r.id) || failed.count(r.object + "/" + r.id)) return;
      mapping::MapResult res = mapper->Apply(r);
      for (auto& t : res.targets) expected.push_back(std::move(t));
    }));
  }

  // References, as the load worker resolves them.
  std::vector<std::string> parent_keys;
  for (const auto& t : expected) {
    for (const auto& ref : t.references) {
      if (!ref.source_id.empty()) parent_keys.push_back(ParentKey(ref));
    }
  }
  std::map<std::string, std::string> parents;
  for (size_t i = 0; i < parent_keys.size(); i += kReadChunk) {
    std::vector<std::string> chunk(
        parent_keys.begin() + i,
        parent_keys.begin() + std::min(parent_keys.size(), i + kReadChunk));
    BW_ASSIGN_OR_RETURN(auto found, store->LookupIds(config.migration, chunk));
    for (size_t k = 0; k < chunk.size(); ++k) {
      if (found[k]) parents[chunk[k]] = *found[k];
    }
  }
  for (auto& t : expected) {
    for (const auto& ref : t.references) {
      auto it = parents.find(ParentKey(ref));
      if (it != parents.end()) {
        t.values[ref.field] = it->second;
      } else if (ref.source_id.empty() && !t.values.contains(ref.field)) {
        t.values[ref.field] = nullptr;
      }
    }
    // No value for a required field: the destination applies its default (Odoo's
    // mail.activity.user_id is the calling user), so there is nothing to expect.
    for (auto v = t.values.begin(); schema.ok() && v != t.values.end();) {
      const connectors::FieldInfo* f = schema->FindField(t.model, v.key());
      if (v->is_null() && f != nullptr && f->required) {
        v = t.values.erase(v);
      } else {
        ++v;
      }
    }
  }

  // What the destination holds, model by model.
  std::map<std::string, connectors::StoredRecord> stored;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> by_model;  // key, id
  for (size_t i = 0; i < expected.size(); i += kReadChunk) {
    std::vector<std::string> keys;
    for (size_t k = i; k < std::min(expected.size(), i + kReadChunk); ++k) {
      keys.push_back(expected[k].Key());
    }
    BW_ASSIGN_OR_RETURN(auto ids, store->LookupIds(config.migration, keys));
    for (size_t k = 0; k < keys.size(); ++k) {
      if (ids[k]) {
        by_model[expected[i + k].model].push_back({keys[k], *ids[k]});
      } else {
        stored[keys[k]] = connectors::StoredRecord{"", false, Json::object()};
      }
    }
  }
  for (const auto& [model, list] : by_model) {
    for (size_t i = 0; i < list.size(); i += kReadChunk) {
      std::vector<std::string> ids;
      for (size_t k = i; k < std::min(list.size(), i + kReadChunk); ++k)
        ids.push_back(list[k].second);
      BW_ASSIGN_OR_RETURN(auto recs, env.destination->Read(model, ids, {}));
      for (size_t k = 0; k < ids.size(); ++k) {
        stored[list[i + k].first] =
            k < recs.size() ? recs[k] : connectors::StoredRecord{ids[k], false, Json::object()};
      }
    }
  }
  // Lookups (countries, states, activity types) as the load worker resolves them: a value with
  // no match is not written (the run flagged the record), so it is not expected either.
  BW_RETURN_IF_ERROR(mapping::ResolveLookups(*env.destination, &expected).status());
  return mapping::DiffRecords(expected, stored);
}

}  // namespace

int RunSample(const Config& config, int64_t size, const VerbEnv& env) {
  auto fail = [](int code, const std::string& reason) {
    std::fprintf(stderr, "bridgework: %s\n", reason.c_str());
    return code;
  };
  if (size < 1) return fail(kExitUsage, "--size must be at least 1");
  auto map = LoadConfigMap(config);
  if (!map.ok()) return fail(kExitUsage, map.status().message());
  Status confirmed = workflow::CheckMapConfirmed(config.map, config.path);
  if (!confirmed.ok()) return fail(kExitFailed, confirmed.message());
  const mapping::MapFile* mp = *map ? &**map : nullptr;

  // 1. Select: one scan of every object the selection needs.
  auto desc = env.source->Describe();
  if (!desc.ok()) return fail(kExitFailed, "source: " + desc.status().ToString());
  SelectionRules rules = RulesFrom(mp, *desc);
  std::map<std::string, std::vector<RecordFacts>> facts;
  for (const auto& o : rules.objects) {
    auto& list = facts[o.object];
    Status s = ScanObject(env.source, o.object,
                          [&](const SourceRecord& r) { list.push_back(FactsOf(r, o)); });
    if (!s.ok()) return fail(kExitFailed, "reading " + o.object + ": " + s.ToString());
  }
  const Selection sel = SelectSample(rules, facts, size);
  facts.clear();

  // 2. Run the engine on the selection alone.
  EngineRunOptions eo;
  eo.bind = "inproc://bridgework-sample-" + config.migration;
  eo.embedded_workers = config.workers;
  eo.verb = "sample";
  Json only = Json::object();
  for (const auto& o : rules.objects) {
    auto it = sel.ids.find(o.object);
    only[o.object] = it == sel.ids.end()
                         ? Json::array()
                         : Json(std::vector<std::string>(it->second.begin(), it->second.end()));
  }
  eo.run_options = Json{{"only_ids", only}};
  eo.parts = env.engine_parts;
  eo.source = env.engine_source;
  eo.before_run = [&](state::StateStore* store, Json*, std::string*) {
    return CheckOwners(config, mp, store);
  };
  // 3. Read back and diff, into the run's folder.
  eo.after_run = [&](state::StateStore* store, const RunFolder& folder, const std::string& run_id,
                     Json* result) -> Status {
    BW_RETURN_IF_ERROR(folder.WriteJson("sample-selection.json", sel.ToJson()));
    int64_t for_coverage = 0;
    for (const auto& r : sel.roots) for_coverage += r.fill ? 0 : 1;
    (*result)["selection"] = {
        {"root_object", sel.root_object},     {"roots", sel.roots.size()},
        {"roots_for_coverage", for_coverage}, {"roots_available", sel.roots_available},
        {"features_covered", sel.features},   {"size_requested", size}};
    BW_ASSIGN_OR_RETURN(mapping::DiffReport diff,
                        ReadBackAndDiff(config, mp, sel, store, run_id, env));
    BW_RETURN_IF_ERROR(folder.WriteJson("sample-diff.json", diff.ToJson()));
    BW_RETURN_IF_ERROR(folder.WriteFile("sample-diff.csv", diff.ToCsv()));
    BW_RETURN_IF_ERROR(folder.WriteFile("sample-diff.html", diff.ToHtml()));
    int64_t unexpected = 0;
    for (const auto& [verdict, n] : diff.counts) {
      if (verdict == mapping::VerdictName(mapping::Verdict::kDiffers) ||
          verdict == mapping::VerdictName(mapping::Verdict::kMissing)) {
        unexpected += n;
      }
    }
    (*result)["diff"] = diff.counts;
    (*result)["unexpected_differences"] = unexpected;
    (*result)["files"]["selection"] = folder.File("sample-selection.json");
    (*result)["files"]["diff_json"] = folder.File("sample-diff.json");
    (*result)["files"]["diff_csv"] = folder.File("sample-diff.csv");
    (*result)["files"]["diff_html"] = folder.File("sample-diff.html");
    std::fprintf(stdout, "sample: %zu %s record(s) selected, %lld unexpected difference(s): %s\n",
                 sel.roots.size(), sel.root_object.c_str(), static_cast<long long>(unexpected),
                 folder.File("sample-diff.html").c_str());
    return Status::Ok();
  };
  return env.run_engine(config, eo);
}

}  // namespace bridgework::cli::sample
