#include "common/manifest.h"

namespace bridgework {

Json ManifestEntry::ToJson() const {
  Json j{{"key", key},
         {"model", model},
         {"id", destination_id},
         {"action", std::string(WriteActionName(action))},
         {"depth", depth}};
  if (action == WriteAction::kUpdated) j["prior"] = prior_values;
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
  return e;
}

}  // namespace bridgework
