// The engine as the CLI wires it: the state store (the config's Redis, or a private embedded
// redis-server), the coordinator with its metrics endpoint and progress line, worker threads or
// processes, and the verb's outcome file. Shared by `migrate` (embedded: coordinator + workers
// over inproc in one process), `coordinator` and `worker` (distributed: the same code over tcp),
// and `status`.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "cli/config.h"
#include "cli/run_folder.h"
#include "common/status.h"
#include "coordinator/coordinator.h"
#include "state/embedded_redis.h"
#include "state/state_store.h"
#include "workers/worker.h"

namespace bridgework::cli {

// The store of a migration: `config.redis`, or an embedded redis-server with its data in
// <run_dir>/state/<migration>/. Waits up to BW_STATE_CONNECT_SECONDS (default 30) for Redis.
// `redis: "memory:"` holds the state in this process (state/memory_state_store.h): only for a
// verb that runs the whole engine here (`runs_here`: migrate / sample in embedded mode); any
// other verb would find nothing there and is refused with the reason.
struct StateHandle {
  std::unique_ptr<state::EmbeddedRedis> embedded;  // null when the config names Redis
  std::shared_ptr<state::StateStore> store;
  std::string url;
};
StatusOr<StateHandle> OpenState(const Config& config, bool allow_embedded, bool runs_here = false);

// Builds a worker's source and destination from the welcome (the shipped config).
workers::PartsFactory MakePartsFactory();

struct EngineRunOptions {
  std::string bind;       // "inproc://..." (embedded) or "tcp://host:port"
  int metrics_port = -1;  // -1: no HTTP endpoint
  std::string metrics_host = "127.0.0.1";
  int embedded_workers = 0;  // worker threads in this process (embedded mode)
  std::string verb = "migrate";

  // Hooks for the verbs that shape a run (sample, delta; docs/sample-and-delta.md).
  // Recorded for every worker before a new run starts (workers::kRunOptionsValue); null: none.
  Json run_options;
  std::string modified_since;  // the plan's modified_since (a delta run)
  // Called with the open store after the map check and before the run; may set the run options
  // and modified_since (copies of the two above). A non-OK status refuses the run.
  std::function<Status(state::StateStore*, Json* run_options, std::string* modified_since)>
      before_run;
  // Called after the run (even with failed records) before <verb>.json is written: adds the
  // verb's own keys and files to `result`. A non-OK status fails the verb.
  std::function<Status(state::StateStore*, const RunFolder&, const std::string& run_id,
                       Json* result)>
      after_run;
  // Tests: the parts of every embedded worker and the coordinator's source (unset: the config's).
  workers::PartsFactory parts;
  connectors::SourceConnector* source = nullptr;
};

// The migration value holding the delta watermark (ISO-8601 UTC), advanced by every `migrate`
// and `delta` run that ends with no failure (cli/delta/watermark_store.h).
inline constexpr char kWatermarkValue[] = "delta.watermark";

// Runs (or resumes) the migration's run to its end and writes runs/<run-id>/<verb>.json and the
// failures file. Returns the exit code; writes a one-line reason to stderr when not 0.
int RunEngine(const Config& config, const EngineRunOptions& options);

// Signals SIGINT / SIGTERM set this flag (installed by RunEngine and the worker verb).
const std::atomic<bool>& StopFlag();
void InstallStopHandlers();

}  // namespace bridgework::cli
