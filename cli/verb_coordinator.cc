// coordinator: distributed mode. Plans (or resumes) the run and hands tasks to the workers that
// connect over tcp; serves /metrics, /healthz and /status; writes runs/<run-id>/migrate.json.
#include "cli/engine_run.h"
#include "cli/verbs.h"

namespace bridgework::cli {

void RegisterCoordinator(CLI::App& app) {
  auto* cmd = app.add_subcommand("coordinator", "Coordinate workers over tcp (distributed mode)");
  auto config_path = std::make_shared<std::string>();
  auto bind = std::make_shared<std::string>("tcp://0.0.0.0:5555");
  auto metrics_port = std::make_shared<int>(9464);
  auto metrics_host = std::make_shared<std::string>("0.0.0.0");
  cmd->add_option("--config", *config_path, "migration config (YAML)")->required();
  cmd->add_option("--bind", *bind, "where workers connect, tcp://HOST:PORT");
  cmd->add_option("--metrics-port", *metrics_port, "HTTP port of /metrics, /healthz, /status");
  cmd->add_option("--metrics-host", *metrics_host, "HTTP address to listen on");
  cmd->callback([=] {
    auto config = LoadConfig(*config_path);
    if (!config.ok()) Fail(kExitUsage, config.status().message());
    if (bind->rfind("tcp://", 0) != 0) Fail(kExitUsage, "--bind must be tcp://HOST:PORT");
    EngineRunOptions o;
    o.bind = *bind;
    o.metrics_port = *metrics_port;
    o.metrics_host = *metrics_host;
    o.embedded_workers = 0;
    o.verb = "migrate";
    int code = RunEngine(*config, o);
    if (code != kExitOk) throw VerbExit{code};
  });
}

}  // namespace bridgework::cli
