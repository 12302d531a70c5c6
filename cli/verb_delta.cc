// TODO(owner): placeholder until the verb is built; it says so and exits 2.
#include "cli/run_folder.h"
#include "cli/verbs.h"

namespace bridgework::cli {

void RegisterDelta(CLI::App& app) {
  auto* cmd = app.add_subcommand("delta", "(not built yet)");
  cmd->allow_extras();
  cmd->callback([] { Fail(kExitUsage, "delta is not built yet"); });
}

}  // namespace bridgework::cli
