// Coordinator: plans a run (or resumes the one in the state store), then hands tasks to workers
// over the Transport (docs/protocol.md): only to workers with credit, each task under a lease that
// their heartbeats extend; a task whose worker goes silent or whose lease runs out goes back in
// its queue, and after max_attempts it fails with its reason while the run goes on. A child
// object's loads start only once every parent object is fully loaded; extraction runs ahead.
//
// It holds no record data and nothing that is not also in the store: per-worker credit and
// liveness are the only memory, and both are rebuilt from the workers' hellos after a restart.
// Per-object counters are read back from the store a few times a second.
//
// Thread contract: Start and Run on one thread (which owns the transport); Snapshot from any.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "connectors/source_connector.h"
#include "mapping/map_model.h"
#include "state/state_store.h"
#include "transport/transport.h"

namespace bridgework::coordinator {

struct CoordinatorOptions {
  std::string migration;
  std::string new_run_id;  // used when no run of the migration is in progress
  // Shipped to workers in the welcome (no secrets: the config only names their variables).
  std::string config_yaml;
  std::string config_dir;
  std::string map_yaml;
  std::string state_url;
  int batch_size = 500;
  int max_attempts = 5;
  Duration lease = std::chrono::seconds(60);
  Duration heartbeat = std::chrono::seconds(1);
  int liveness = 3;  // heartbeats a worker may miss before its tasks go back in the queue
  int max_shards_per_object = 64;
  std::string modified_since;
  const std::atomic<bool>* stop = nullptr;  // required
  Clock* clock = Clock::Real();
};

// Upper bounds (seconds) of the load-batch latency histogram.
inline constexpr double kLatencyBuckets[] = {0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
inline constexpr size_t kLatencyBucketCount = sizeof(kLatencyBuckets) / sizeof(double);

// What /status, /metrics and the progress line show. Counters come from the store.
struct Snapshot {
  std::string migration;
  std::string run_id;
  std::string status;              // "starting", "running", "done", "stopped"
  std::vector<std::string> order;  // objects in plan order
  std::map<std::string, state::ObjectCounters> objects;
  int workers = 0;
  int64_t tasks_in_flight = 0;
  int64_t started_ms = 0;
  int64_t now_ms = 0;
  bool store_ok = true;
  std::string store_error;
  int64_t messages_dropped = 0;
  int64_t workers_refused = 0;
  int64_t rate_limit_waits = 0;
  int64_t latency_count = 0;
  double latency_sum_s = 0;
  int64_t latency_buckets[kLatencyBucketCount] = {};
};

struct RunSummary {
  std::string run_id;
  std::vector<std::string> order;
  std::map<std::string, state::ObjectCounters> objects;
  int64_t failed_tasks = 0;
};

class Coordinator {
 public:
  // The pointers must outlive the coordinator; `map` may be null (identity mapping).
  Coordinator(CoordinatorOptions options, transport::Transport* transport, state::StateStore* store,
              connectors::SourceConnector* source, const mapping::MapFile* map);
  ~Coordinator();

  // Resumes the run in progress, or plans and records a new one.
  Status Start();
  const std::string& run_id() const;

  // Runs until every object is fully loaded (the run is then marked done) or stop is set
  // (kCancelled; the run stays resumable).
  StatusOr<RunSummary> Run();

  Snapshot GetSnapshot() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bridgework::coordinator
