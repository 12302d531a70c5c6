// migrate: the full run in embedded mode: the coordinator and config.workers worker threads in
// this process over inproc, with the config's Redis or a private embedded redis-server.
#include "cli/engine_run.h"
#include "cli/verbs.h"

namespace bridgework::cli {

void RegisterMigrate(CLI::App& app) {
  auto* cmd = app.add_subcommand("migrate", "Run the full migration in this process");
  auto config_path = std::make_shared<std::string>();
  auto workers = std::make_shared<int>(0);
  auto metrics_port = std::make_shared<int>(-1);
  cmd->add_option("--config", *config_path, "migration config (YAML)")->required();
  cmd->add_option("--workers", *workers, "worker threads (default: the config's workers)");
  cmd->add_option("--metrics-port", *metrics_port, "serve /metrics, /healthz, /status here");
  cmd->callback([=] {
    auto config = LoadConfig(*config_path);
    if (!config.ok()) Fail(kExitUsage, config.status().message());
    EngineRunOptions o;
    o.bind = "inproc://bridgework-" + config->migration;
    o.embedded_workers = *workers > 0 ? *workers : config->workers;
    o.metrics_port = *metrics_port;
    o.verb = "migrate";
    int code = RunEngine(*config, o);
    if (code != kExitOk) throw VerbExit{code};
  });
}

}  // namespace bridgework::cli
