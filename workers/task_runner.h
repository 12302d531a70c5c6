// TaskRunner: does one task of a run: reads a shard and stages its batches (extract), or maps and
// writes one staged batch and commits it (load). It knows nothing of the wire: the worker loop
// hands it a task and sends back what it returns.
//
// Idempotent by construction: batch ids are the task id + a sequence, staging is once per batch
// id, and a load commits once per task (the store's done mark), so a task run twice, or by two
// workers at once after a lost lease, changes nothing the second time.
//
// Thread contract: Run may be called from several threads at once (each its own task).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "common/clock.h"
#include "connectors/destination_connector.h"
#include "connectors/source_connector.h"
#include "state/state_store.h"
#include "workers/record_mapper.h"

namespace bridgework::workers {

struct RunContext {
  std::string migration;
  std::string run_id;
  std::string worker_id;
  int batch_size = 500;
  std::string modified_since;
  // How long a step keeps retrying an unreachable state store or a transient destination error
  // before the task gives up with TRANSIENT (it then runs again, maybe elsewhere).
  Duration retry_budget = std::chrono::seconds(120);
};

// Per-run options a verb records in the store before its run starts, under the migration value
// kRunOptionsValue + run id (JSON), so that every worker, embedded or distributed, sees them:
//   {"modified_since": ISO-8601,          // delta: read only records modified since (if the
//                                         // task's context has none)
//    "only_ids": {object: [source ids]},  // sample: extract only these records of the objects
//                                         // listed (others are not staged, not counted as read)
//    "skip_unchanged": true}              // delta: an existing record whose stored values equal
//                                         // the mapped ones is skipped, not rewritten
// Absent: a plain run. Extract tasks also record the latest modified-at they read under
// kMaxModifiedValue + run id + "/" + task id (for the delta watermark).
inline constexpr char kRunOptionsValue[] = "run_options/";
inline constexpr char kMaxModifiedValue[] = "max_modified_at/";

struct TaskOutcome {
  enum class Code { kDone, kTransient, kFatal };
  Code code = Code::kDone;
  std::string reason;
  int64_t records = 0;
  int64_t batches = 0;
};

class TaskRunner {
 public:
  // The pointers must outlive the runner.
  TaskRunner(RunContext context, connectors::SourceConnector* source,
             connectors::DestinationConnector* destination, state::StateStore* store,
             const RecordMapper* mapper, Clock* clock = Clock::Real());

  TaskOutcome Run(const state::TaskSpec& task, const std::atomic<bool>& stop);

 private:
  TaskOutcome Extract(const state::TaskSpec& task, const std::atomic<bool>& stop);
  TaskOutcome Load(const state::TaskSpec& task, const std::atomic<bool>& stop);

  struct RunOptions {
    std::string modified_since;
    std::map<std::string, std::set<std::string>> only_ids;
    bool skip_unchanged = false;
  };
  // The run's options from the store, read once (nullptr while the store cannot be read).
  std::shared_ptr<const RunOptions> LoadRunOptions(const std::atomic<bool>& stop, Status* error);
  std::mutex options_mu_;
  std::shared_ptr<const RunOptions> options_;

  RunContext ctx_;
  connectors::SourceConnector* source_;
  connectors::DestinationConnector* destination_;
  state::StateStore* store_;
  const RecordMapper* mapper_;
  Clock* clock_;
};

// Runs `step` until it succeeds, fails with a non-transient error, `stop` is set or `budget`
// has passed; waits 100 ms doubling to 5 s between tries.
Status RetryTransient(const std::function<Status()>& step, Duration budget,
                      const std::atomic<bool>& stop, Clock* clock);

}  // namespace bridgework::workers
