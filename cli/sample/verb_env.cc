#include "cli/sample/verb_env.h"

#include "cli/workflow/owner_matching.h"
#include "mapping/mapper.h"

namespace bridgework::cli::sample {

StatusOr<std::optional<mapping::MapFile>> LoadConfigMap(const Config& config) {
  if (config.map.empty()) return std::optional<mapping::MapFile>();
  auto map = mapping::LoadMapFile(config.map);
  if (!map.ok()) return InvalidArgument("map " + config.map + ": " + map.status().message());
  return std::optional<mapping::MapFile>(std::move(*map));
}

Status CheckOwners(const Config& config, const mapping::MapFile* map, state::StateStore* store) {
  if (map == nullptr) return Status::Ok();
  BW_ASSIGN_OR_RETURN(auto status, store->GetValue(config.migration, workflow::kOwnersStatusValue));
  return workflow::CheckOwnersResolved(*map, status, config.fallback_owner);
}

Status ScanObject(connectors::SourceConnector* source, const std::string& object,
                  const std::function<void(const SourceRecord&)>& fn, int64_t* row_errors) {
  BW_ASSIGN_OR_RETURN(auto shards, source->PlanShards(object, 16));
  for (const auto& shard : shards) {
    BW_ASSIGN_OR_RETURN(auto cursor, source->Open(shard, connectors::ReadOptions{}));
    connectors::SourceRow row;
    while (true) {
      BW_ASSIGN_OR_RETURN(bool more, cursor->Next(&row));
      if (!more) break;
      if (row.record) {
        fn(*row.record);
      } else if (row_errors != nullptr) {
        ++*row_errors;
      }
    }
  }
  return Status::Ok();
}

}  // namespace bridgework::cli::sample
