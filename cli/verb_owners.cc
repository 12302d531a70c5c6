// TODO(owner): placeholder until the verb is built; it says so and exits 2.
#include "cli/run_folder.h"
#include "cli/verbs.h"

namespace bridgework::cli {

void RegisterOwners(CLI::App& app) {
  auto* cmd = app.add_subcommand("owners", "(not built yet)");
  cmd->allow_extras();
  cmd->callback([] { Fail(kExitUsage, "owners is not built yet"); });
}

}  // namespace bridgework::cli
