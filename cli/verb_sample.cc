// sample --size N: a representative slice migrated, read back and diffed (cli/sample/).
#include "cli/engine_run.h"
#include "cli/sample/sample_verb.h"
#include "cli/verbs.h"
#include "cli/wiring.h"

namespace bridgework::cli {

void RegisterSample(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "sample", "Migrate a representative slice, read it back and write a field-level diff");
  auto config_path = std::make_shared<std::string>();
  auto size = std::make_shared<int64_t>(20);
  cmd->add_option("--config", *config_path, "migration config (YAML)")->required();
  cmd->add_option("--size", *size, "root records (patients) to sample (default 20)");
  cmd->callback([=] {
    auto config = LoadConfig(*config_path);
    if (!config.ok()) Fail(kExitUsage, config.status().message());
    auto source = MakeSource(*config, nullptr);
    if (!source.ok()) Fail(kExitFailed, source.status().ToString());
    auto destination = MakeDestination(*config);
    if (!destination.ok()) Fail(kExitFailed, destination.status().ToString());
    sample::VerbEnv env;
    env.run_engine = RunEngine;
    env.source = source->get();
    env.destination = destination->get();
    int code = sample::RunSample(*config, *size, env);
    if (code != kExitOk) throw VerbExit{code};
  });
}

}  // namespace bridgework::cli
