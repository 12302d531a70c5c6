// RedisStateStore: the StateStore over Redis (hiredis), with the atomic steps as Lua scripts.
// Key space in docs/state.md: every key of a migration starts "bw:{<migration>}:" so that a Redis
// Cluster keeps a migration on one shard and one script may touch all of them.
//
// Thread contract: safe for concurrent use; each call borrows one connection from a small pool,
// so threads do not queue behind each other's round trips.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "state/redis_client.h"
#include "state/state_store.h"

namespace bridgework::state {

struct RedisStateStoreOptions {
  std::string url;                                    // redis://host:port[/db] or unix:///path
  std::chrono::milliseconds io_timeout{5000};         // per command
  std::chrono::milliseconds connect_deadline{30000};  // Connect(): how long to wait for Redis
};

class RedisStateStore : public StateStore {
 public:
  // Parses the URL and waits (up to options.connect_deadline) for Redis to answer. kUnavailable
  // naming the address when it never does; kInvalidArgument for a bad URL.
  static StatusOr<std::unique_ptr<RedisStateStore>> Connect(const RedisStateStoreOptions& options);

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
  explicit RedisStateStore(RedisStateStoreOptions options, RedisAddress address)
      : options_(std::move(options)), address_(std::move(address)) {}

  // A pooled connection, returned to the pool when the handle goes.
  class Handle {
   public:
    Handle(RedisStateStore* store, std::unique_ptr<RedisClient> c)
        : store_(store), c_(std::move(c)) {}
    ~Handle();
    Handle(Handle&&) = default;
    RedisClient* operator->() { return c_.get(); }

   private:
    RedisStateStore* store_;
    std::unique_ptr<RedisClient> c_;
  };
  Handle Borrow();

  RedisStateStoreOptions options_;
  RedisAddress address_;
  std::mutex mu_;
  std::vector<std::unique_ptr<RedisClient>> pool_;
};

// Key prefixes (docs/state.md).
std::string MigrationPrefix(const std::string& migration);  // "bw:{m}:"
std::string RunPrefix(const std::string& migration,
                      const std::string& run_id);  // "bw:{m}:r:<run>:"

}  // namespace bridgework::state
