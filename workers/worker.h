// Worker: the worker side of the engine protocol (docs/protocol.md), the Paranoid Pirate worker
// of the zguide: it says hello with its roles and capacity, takes the coordinator's welcome (the
// migration config, map and state store address), runs tasks on `capacity` executor threads,
// answers each with a result (which returns its credit), heartbeats both ways, and when the
// coordinator stays silent for `liveness` heartbeats it reconnects with a backoff doubling from
// 1 s to 32 s. The same code serves embedded mode (inproc, threads of `migrate`) and distributed
// mode (`bridgework worker --connect tcp://...`).
//
// Parts are built by factories handed in from cli/ (only cli/ reads config and wires parts).
//
// Thread contract: Run() on one thread, which owns the socket; executors are internal.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/rate_limiter.h"
#include "common/status.h"
#include "connectors/destination_connector.h"
#include "connectors/source_connector.h"
#include "state/state_store.h"
#include "transport/transport.h"

namespace bridgework::workers {

// What the coordinator's welcome tells a worker.
struct WorkerSetup {
  std::string migration;
  std::string run_id;
  std::string config_yaml;
  std::string config_dir;
  std::string map_yaml;  // empty: identity mapping
  std::string state_url;
  int batch_size = 500;
  std::string as_of;
};

struct WorkerParts {
  std::unique_ptr<RateLimiter> limiter;  // shared source limit; outlives the source below
  std::unique_ptr<connectors::SourceConnector> source;  // may be null for a load-only worker
  std::unique_ptr<connectors::DestinationConnector> destination;  // may be null: extract-only
};

using PartsFactory = std::function<StatusOr<WorkerParts>(const WorkerSetup&)>;
using StoreFactory =
    std::function<StatusOr<std::shared_ptr<state::StateStore>>(const std::string& url)>;

struct WorkerOptions {
  std::string id;  // unique among the coordinator's workers ("host:pid:n")
  bool extract = true;
  bool load = true;
  int capacity = 1;  // tasks at once (executor threads)
  std::string endpoint;
  transport::Context* context = nullptr;
  PartsFactory parts;
  StoreFactory store;
  Duration heartbeat = std::chrono::seconds(1);  // until the welcome says otherwise
  int liveness = 3;
  Duration reconnect_min = std::chrono::seconds(1);
  Duration reconnect_max = std::chrono::seconds(32);
  const std::atomic<bool>* stop = nullptr;  // required: Run returns once it is set
};

class Worker {
 public:
  explicit Worker(WorkerOptions options);
  ~Worker();

  // Runs until options.stop is set (OK), the coordinator refuses it (kFailedPrecondition with the
  // coordinator's reason), or its parts cannot be built from the welcome (that error).
  Status Run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bridgework::workers
