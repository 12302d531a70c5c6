#include "cli/workflow/guards.h"

#include "mapping/confirmation.h"

namespace bridgework::cli::workflow {

Status CheckMapConfirmed(const std::string& map_path, const std::string& config_path) {
  if (map_path.empty()) return Status::Ok();
  Status s = mapping::CheckConfirmed(map_path);
  if (s.ok()) return s;
  auto recorded = mapping::ReadConfirmation(map_path);
  if (!recorded.ok() && recorded.status().code() == StatusCode::kNotFound) {
    return FailedPrecondition(s.message() + "; run `bridgework map confirm --config " +
                              config_path + " --by NAME` first");
  }
  return s;
}

}  // namespace bridgework::cli::workflow
