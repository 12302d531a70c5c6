#include "cli/workflow/guards.h"

#include <cstdlib>

namespace bridgework::cli::workflow {

Status CheckMapConfirmed(const mapping::MapFile& map, const std::optional<std::string>& confirmed,
                         const std::string& map_path, const std::string& config_path) {
  if (!confirmed) {
    if (std::getenv("BW_ALLOW_UNCONFIRMED_MAP") != nullptr) return Status::Ok();
    return FailedPrecondition("the map " + map_path +
                              " is not confirmed; run `bridgework map confirm --config " +
                              config_path + " --by NAME` first");
  }
  if (*confirmed != map.content_hash) {
    return FailedPrecondition("the map " + map_path +
                              " changed since it was confirmed; confirm it again");
  }
  return Status::Ok();
}

}  // namespace bridgework::cli::workflow
