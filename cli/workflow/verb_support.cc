#include "cli/workflow/verb_support.h"

#include <ctime>

#include "common/civil_time.h"
#include "mapping/mapper.h"

namespace bridgework::cli::workflow {

StatusOr<VerbContext> LoadVerbContext(const std::string& config_path) {
  VerbContext c;
  BW_ASSIGN_OR_RETURN(c.config, LoadConfig(config_path));
  if (c.config.map.empty()) return InvalidArgument("config " + config_path + ": no `map:` given");
  auto map = mapping::LoadMapFile(c.config.map);
  if (!map.ok()) return map.status().Annotate("map " + c.config.map);
  c.map = std::move(*map);
  return c;
}

std::string NewWorkflowRunId(const std::string& verb) { return CompactUtcNow() + "-" + verb; }

StatusOr<std::vector<SourceRecord>> ReadAllRecords(connectors::SourceConnector* source,
                                                   const std::string& object, int64_t* row_errors) {
  std::vector<SourceRecord> out;
  BW_ASSIGN_OR_RETURN(std::vector<connectors::ShardSpec> shards, source->PlanShards(object, 1));
  for (const auto& shard : shards) {
    BW_ASSIGN_OR_RETURN(std::unique_ptr<connectors::RecordCursor> cursor,
                        source->Open(shard, connectors::ReadOptions{}));
    connectors::SourceRow row;
    while (true) {
      BW_ASSIGN_OR_RETURN(bool more, cursor->Next(&row));
      if (!more) break;
      if (row.record) {
        out.push_back(std::move(*row.record));
      } else if (row_errors != nullptr) {
        ++*row_errors;
      }
      row = connectors::SourceRow{};
    }
  }
  return out;
}

}  // namespace bridgework::cli::workflow
