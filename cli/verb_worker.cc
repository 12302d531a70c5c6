// worker: distributed mode. Connects to a coordinator, which ships the migration config (without
// secrets: each worker reads them from its own environment) and the map; runs tasks until
// stopped (SIGINT / SIGTERM).
#include <unistd.h>

#include <sstream>

#include "cli/engine_run.h"
#include "cli/verbs.h"
#include "state/redis_state_store.h"

namespace bridgework::cli {

void RegisterWorker(CLI::App& app) {
  auto* cmd = app.add_subcommand("worker", "Run tasks for a coordinator (distributed mode)");
  auto connect = std::make_shared<std::string>();
  auto roles = std::make_shared<std::string>("extract,load");
  auto capacity = std::make_shared<int>(1);
  auto id = std::make_shared<std::string>();
  cmd->add_option("--connect", *connect, "the coordinator, tcp://HOST:PORT")->required();
  cmd->add_option("--roles", *roles, "extract, load or extract,load");
  cmd->add_option("--capacity", *capacity, "tasks at once");
  cmd->add_option("--id", *id, "worker id (default: host:pid)");
  cmd->callback([=] {
    InstallStopHandlers();
    workers::WorkerOptions o;
    o.extract = roles->find("extract") != std::string::npos;
    o.load = roles->find("load") != std::string::npos;
    std::stringstream ss(*roles);
    for (std::string r; std::getline(ss, r, ',');) {
      if (r != "extract" && r != "load") Fail(kExitUsage, "--roles: unknown role " + r);
    }
    if (*capacity < 1 || *capacity > 64) Fail(kExitUsage, "--capacity must be 1..64");
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    o.id = id->empty() ? std::string(host) + ":" + std::to_string(::getpid()) : *id;
    o.capacity = *capacity;
    o.endpoint = *connect;
    transport::Context context;
    o.context = &context;
    o.parts = MakePartsFactory();
    o.store = [](const std::string& url) -> StatusOr<std::shared_ptr<state::StateStore>> {
      state::RedisStateStoreOptions so;
      so.url = url;
      BW_ASSIGN_OR_RETURN(auto store, state::RedisStateStore::Connect(so));
      return std::shared_ptr<state::StateStore>(std::move(store));
    };
    o.stop = &StopFlag();
    workers::Worker w(std::move(o));
    Status s = w.Run();
    if (!s.ok()) Fail(kExitFailed, s.ToString());
  });
}

}  // namespace bridgework::cli
