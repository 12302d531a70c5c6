// TODO(owner): placeholder until the verb is built; it says so and exits 2.
#include "cli/run_folder.h"
#include "cli/verbs.h"

namespace bridgework::cli {

void RegisterReport(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "(not built yet)");
  cmd->allow_extras();
  cmd->callback([] { Fail(kExitUsage, "report is not built yet"); });
}

}  // namespace bridgework::cli
