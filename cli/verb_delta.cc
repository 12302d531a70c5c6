// delta: the cutover pickup of what changed since the watermark (cli/delta/).
#include "cli/delta/delta_verb.h"
#include "cli/engine_run.h"
#include "cli/verbs.h"
#include "cli/wiring.h"

namespace bridgework::cli {

void RegisterDelta(CLI::App& app) {
  auto* cmd = app.add_subcommand("delta", "Upsert what changed in the source since the watermark");
  auto config_path = std::make_shared<std::string>();
  cmd->add_option("--config", *config_path, "migration config (YAML)")->required();
  cmd->callback([=] {
    auto config = LoadConfig(*config_path);
    if (!config.ok()) Fail(kExitUsage, config.status().message());
    auto source = MakeSource(*config, nullptr);
    if (!source.ok()) Fail(kExitFailed, source.status().ToString());
    sample::VerbEnv env;
    env.run_engine = RunEngine;
    env.source = source->get();
    int code = delta::RunDelta(*config, env);
    if (code != kExitOk) throw VerbExit{code};
  });
}

}  // namespace bridgework::cli
