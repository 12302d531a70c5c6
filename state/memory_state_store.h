// MemoryStateStore: the StateStore held in this process's memory, with the same semantics as
// RedisStateStore (staging once per batch id, commit once per task, an id map that never changes
// an id, leases, requeue and failure after max attempts, counters, manifests, failures, audit,
// migration values). The contract tests in tests/state run against both.
//
// What it is for: single-process runs that need no resume after the process ends (`redis:
// "memory:"` in a migration config, docs/state.md), unit tests and benchmarks that want the
// engine without a redis-server. Everything is gone when the store is destroyed, so it cannot
// serve a coordinator and workers in different processes, nor a later `delta` or `rollback`.
//
// Thread contract: safe for concurrent use; one mutex makes every call atomic, which is what the
// Lua scripts of the Redis store give.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "state/state_store.h"

namespace bridgework::state {

// The `redis:` value of a migration config that selects this store.
inline constexpr char kMemoryStateUrl[] = "memory:";

class MemoryStateStore : public StateStore {
 public:
  MemoryStateStore();
  ~MemoryStateStore() override;
  MemoryStateStore(const MemoryStateStore&) = delete;
  MemoryStateStore& operator=(const MemoryStateStore&) = delete;

  Status Ping() override;
  StatusOr<std::optional<RunState>> CurrentRun(const std::string& migration) override;
  Status CreateRun(const std::string& migration, const RunPlan& plan,
                   const std::vector<TaskSpec>& extract_tasks, int64_t now_ms) override;
  Status FinishRun(const std::string& migration, const std::string& run_id,
                   const std::string& status, int64_t now_ms) override;
  StatusOr<std::optional<TaskSpec>> Lease(const std::string& migration, const std::string& run_id,
                                          TaskKind kind, const std::string& object,
                                          const std::string& worker,
                                          int64_t lease_until_ms) override;
  Status ExtendLeases(const std::string& migration, const std::string& run_id,
                      const std::vector<std::string>& task_ids, int64_t lease_until_ms) override;
  StatusOr<std::vector<std::string>> ExpiredLeases(const std::string& migration,
                                                   const std::string& run_id,
                                                   int64_t now_ms) override;
  StatusOr<RequeueOutcome> Requeue(const std::string& migration, const std::string& run_id,
                                   const std::string& task_id, const std::string& reason,
                                   int max_attempts, bool fatal) override;
  Status CompleteTask(const std::string& migration, const std::string& run_id,
                      const std::string& task_id) override;
  StatusOr<bool> IsDone(const std::string& migration, const std::string& run_id,
                        const std::string& task_id) override;
  StatusOr<bool> StageBatch(const std::string& migration, const std::string& run_id,
                            const std::string& object, const std::string& batch_id,
                            const std::string& bytes, int64_t records,
                            const std::vector<FailureEntry>& row_errors) override;
  StatusOr<std::string> ReadBatch(const std::string& migration, const std::string& run_id,
                                  const std::string& batch_id) override;
  StatusOr<std::vector<std::optional<std::string>>> LookupIds(
      const std::string& migration, const std::vector<std::string>& keys) override;
  StatusOr<std::vector<bool>> HasPriorValues(const std::string& migration,
                                             const std::string& run_id,
                                             const std::vector<std::string>& keys) override;
  Status RecordPriorValues(const std::string& migration, const std::string& run_id,
                           const std::vector<ManifestEntry>& entries) override;
  StatusOr<bool> CommitLoad(const std::string& migration, const std::string& run_id,
                            const LoadCommit& commit, int64_t now_ms) override;
  StatusOr<std::map<std::string, ObjectCounters>> Counters(const std::string& migration,
                                                           const std::string& run_id) override;
  StatusOr<std::vector<FailureEntry>> Failures(const std::string& migration,
                                               const std::string& run_id, int64_t offset,
                                               int64_t limit) override;
  // Cursors are opaque: "0" starts and ends, as with the Redis store.
  StatusOr<std::pair<std::string, std::vector<ManifestEntry>>> ManifestPage(
      const std::string& migration, const std::string& run_id, const std::string& cursor,
      int64_t count) override;
  StatusOr<int64_t> IdMapSize(const std::string& migration) override;
  StatusOr<std::optional<std::string>> GetValue(const std::string& migration,
                                                const std::string& name) override;
  Status SetValue(const std::string& migration, const std::string& name,
                  const std::string& value) override;
  StatusOr<std::vector<std::string>> ListRuns(const std::string& migration) override;
  StatusOr<std::optional<RunState>> GetRun(const std::string& migration,
                                           const std::string& run_id) override;
  Status SetIdMapEntries(const std::string& migration,
                         const std::map<std::string, std::string>& entries) override;
  Status RemoveIdMapEntries(const std::string& migration,
                            const std::vector<std::string>& keys) override;
  StatusOr<std::vector<AuditEntry>> AuditPage(const std::string& migration,
                                              const std::string& after_id, int64_t count) override;

 private:
  struct Migration;
  struct Run;
  Migration& MigrationLocked(const std::string& migration);
  // The run's state, created empty (unplanned) when missing.
  Run* RunLocked(const std::string& migration, const std::string& run_id);
  // nullptr unless CreateRun planned the run.
  Run* PlannedRunLocked(const std::string& migration, const std::string& run_id);

  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Migration>> migrations_;
};

}  // namespace bridgework::state
