#include "common/manifest.h"

namespace bridgework {

Json ManifestEntry::ToJson() const {
  Json j{{"key", key},
         {"model", model},
         {"id", destination_id},
         {"action", std::string(WriteActionName(action))},
         {"depth", depth}};
  if (action == WriteAction::kUpdated) j["prior"] = prior_values;
  if (!batch.empty()) j["batch"] = batch;
  if (!worker.empty()) j["worker"] = worker;
  if (time_ms != 0) j["time_ms"] = time_ms;
  return j;
}

StatusOr<ManifestEntry> ManifestEntry::FromJson(const Json& j) {
  if (!j.is_object() || !j.contains("key") || !j.contains("model") || !j.contains("id") ||
      !j.contains("action")) {
    return DataLoss("manifest entry lacks key, model, id or action");
  }
  ManifestEntry e;
  e.key = j["key"].get<std::string>();
  e.model = j["model"].get<std::string>();
  e.destination_id = j["id"].get<std::string>();
  std::string action = j["action"].get<std::string>();
  if (action == "created")
    e.action = WriteAction::kCreated;
  else if (action == "updated")
    e.action = WriteAction::kUpdated;
  else
    return DataLoss("manifest entry has unknown action " + action);
  e.depth = j.value("depth", 0);
  if (j.contains("prior")) e.prior_values = j["prior"];
  e.batch = j.value("batch", "");
  e.worker = j.value("worker", "");
  e.time_ms = j.value("time_ms", int64_t{0});
  return e;
}

}  // namespace bridgework
