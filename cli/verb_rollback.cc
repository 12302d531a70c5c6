// TODO(owner): placeholder until the verb is built; it says so and exits 2.
#include "cli/run_folder.h"
#include "cli/verbs.h"

namespace bridgework::cli {

void RegisterRollback(CLI::App& app) {
  auto* cmd = app.add_subcommand("rollback", "(not built yet)");
  cmd->allow_extras();
  cmd->callback([] { Fail(kExitUsage, "rollback is not built yet"); });
}

}  // namespace bridgework::cli
