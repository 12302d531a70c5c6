// StateStore: everything a migration run remembers, kept outside the processes that run it
// (docs/state.md). The coordinator, every worker, `status` and the later verbs (delta, rollback,
// report) share one store; any of them may die and restart and the run goes on from the store.
//
// The steps that must happen together are single atomic operations of the store: staging a batch
// (batch bytes, its load task, the `read` counter and row errors, once per batch id), committing a
// load (id-map entries, manifest entries, counters, failures, the done mark, once per task), and
// leasing / requeueing a task. Everything is keyed by (migration, run); ids are deterministic, so
// each operation is safe to repeat.
//
// Implementations: RedisStateStore (state/redis_state_store.h) and the forwarding
// StateStoreWrapper below (fault injection in tests/fakes/).
//
// Thread contract: implementations are safe to call from several threads at once. Errors are
// Status values; kUnavailable / kDeadlineExceeded are transient (the store was unreachable).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/manifest.h"
#include "common/record.h"
#include "common/status.h"

namespace bridgework::state {

enum class TaskKind { kExtract, kLoad };

// A unit of work. Ids are deterministic: "x/<object>/<shard index>" for extraction,
// "l/<object>/<shard index>/<sequence>" for the load of one staged batch (its batch id too).
struct TaskSpec {
  std::string id;
  TaskKind kind = TaskKind::kExtract;
  std::string object;
  int shard_index = 0;
  int shard_count = 1;
  std::string shard_token;  // extract: the source connector's opaque shard token
  int attempt = 0;          // filled by Lease: 1 for the first try
  int depth = 0;            // the object's dependency depth (manifest entries; rollback order)
};

std::string ExtractTaskId(const std::string& object, int shard_index);
std::string LoadTaskId(const std::string& object, int shard_index, int64_t sequence);
// The object named in a task id ("" when the id is malformed).
std::string ObjectOfTask(const std::string& task_id);

// One source object in a run's plan.
struct ObjectPlan {
  std::string object;
  int depth = 0;                     // 0: no parents; a child is deeper than each parent
  std::vector<std::string> parents;  // objects whose loads must finish before this one's start
  int64_t extract_tasks = 0;
};

struct RunPlan {
  std::string run_id;
  std::string map_hash;
  std::string modified_since;       // empty: full run
  std::vector<ObjectPlan> objects;  // in dependency order (parents first)
};

// Per object counters of a run. read = loaded + skipped + failed + unlinked once finished;
// updated counts the loaded records that existed before this run.
struct ObjectCounters {
  int64_t read = 0, loaded = 0, updated = 0, skipped = 0, failed = 0, flagged = 0, unlinked = 0;
  int64_t extract_total = 0, extract_done = 0, extract_failed = 0;
  int64_t load_total = 0, load_done = 0, load_failed = 0;
  int64_t retries = 0;
  int64_t queued_loads = 0;  // staged batches not yet leased

  bool ExtractFinished() const { return extract_done + extract_failed >= extract_total; }
  bool FullyLoaded() const { return ExtractFinished() && load_done + load_failed >= load_total; }
};

struct RunState {
  RunPlan plan;
  std::string status;  // "running", "done", "failed"
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
};

// A record that did not land, with why (never a patient value).
struct FailureEntry {
  std::string object;
  std::string id;
  std::string field;
  std::string reason;
  std::string kind;  // "failed" or "unlinked"

  Json ToJson() const;
  static FailureEntry FromJson(const Json& j);
};

// What a finished load task changes, all at once.
struct LoadCommit {
  std::string task_id;
  std::string object;
  std::string worker;
  std::map<std::string, std::string> id_map;  // target key -> destination id (set if absent)
  std::vector<ManifestEntry> manifest;        // entries for records this run wrote
  std::vector<FailureEntry> failures;
  int64_t loaded = 0, updated = 0, skipped = 0, failed = 0, flagged = 0, unlinked = 0;
};

// One entry of the migration's audit stream: what one committed load batch did (counts and
// ids, never a patient value).
struct AuditEntry {
  std::string id;  // stream entry id ("<ms>-<seq>")
  std::string run, batch, object, worker;
  int64_t time_ms = 0;
  int64_t created = 0, updated = 0, failed = 0, unlinked = 0;
};

enum class RequeueOutcome { kRequeued, kFailed, kAlreadyDone };

class StateStore {
 public:
  virtual ~StateStore() = default;

  virtual Status Ping() = 0;

  // ---- runs ----
  // The run in progress or last run of the migration; nullopt when there was none.
  virtual StatusOr<std::optional<RunState>> CurrentRun(const std::string& migration) = 0;
  // Records the plan, queues the extract tasks and makes it the current run. Repeating it for the
  // same run id changes nothing.
  virtual Status CreateRun(const std::string& migration, const RunPlan& plan,
                           const std::vector<TaskSpec>& extract_tasks, int64_t now_ms) = 0;
  virtual Status FinishRun(const std::string& migration, const std::string& run_id,
                           const std::string& status, int64_t now_ms) = 0;

  // ---- dispatch (coordinator) ----
  // Pops the next extract task (object empty) or the next load task of `object`, leases it to
  // `worker` until `lease_until_ms` and counts the attempt. nullopt when that queue is empty.
  virtual StatusOr<std::optional<TaskSpec>> Lease(const std::string& migration,
                                                  const std::string& run_id, TaskKind kind,
                                                  const std::string& object,
                                                  const std::string& worker,
                                                  int64_t lease_until_ms) = 0;
  // Moves the leases of tasks still being worked on (their worker is alive) to `lease_until_ms`.
  virtual Status ExtendLeases(const std::string& migration, const std::string& run_id,
                              const std::vector<std::string>& task_ids, int64_t lease_until_ms) = 0;
  // Tasks whose lease ended before `now_ms`.
  virtual StatusOr<std::vector<std::string>> ExpiredLeases(const std::string& migration,
                                                           const std::string& run_id,
                                                           int64_t now_ms) = 0;
  // Ends a lease without success: back in its queue, or failed for good with `reason` when it
  // has had `max_attempts` attempts or `fatal` is set.
  virtual StatusOr<RequeueOutcome> Requeue(const std::string& migration, const std::string& run_id,
                                           const std::string& task_id, const std::string& reason,
                                           int max_attempts, bool fatal) = 0;
  // Ends a lease with success and sets the task's done mark; counts once.
  virtual Status CompleteTask(const std::string& migration, const std::string& run_id,
                              const std::string& task_id) = 0;
  virtual StatusOr<bool> IsDone(const std::string& migration, const std::string& run_id,
                                const std::string& task_id) = 0;

  // ---- extraction (extract workers) ----
  // Stages one batch under `batch_id` and queues its load task, adding `records` + row errors to
  // `read` and the row errors to `failed`, once per batch id. Returns false when it was staged
  // before (nothing changed).
  virtual StatusOr<bool> StageBatch(const std::string& migration, const std::string& run_id,
                                    const std::string& object, const std::string& batch_id,
                                    const std::string& bytes, int64_t records,
                                    const std::vector<FailureEntry>& row_errors) = 0;
  // The staged bytes; kNotFound once the batch is loaded (or was never staged).
  virtual StatusOr<std::string> ReadBatch(const std::string& migration, const std::string& run_id,
                                          const std::string& batch_id) = 0;

  // ---- loading (load workers) ----
  // Destination ids for target keys ("<object>/<source id>/<target>"); nullopt where unknown.
  virtual StatusOr<std::vector<std::optional<std::string>>> LookupIds(
      const std::string& migration, const std::vector<std::string>& keys) = 0;
  // Which keys have prior values recorded in this run already (an update's manifest entry): a
  // retried batch must not read them again, since its first attempt may have written already.
  virtual StatusOr<std::vector<bool>> HasPriorValues(const std::string& migration,
                                                     const std::string& run_id,
                                                     const std::vector<std::string>& keys) = 0;
  // Writes manifest entries only where none exists yet (prior values before an update: a retry
  // never replaces the original ones).
  virtual Status RecordPriorValues(const std::string& migration, const std::string& run_id,
                                   const std::vector<ManifestEntry>& entries) = 0;
  // Commits a load task atomically, once: returns false when the task was already done (nothing
  // changed). kDataLoss when a key is already mapped to a different destination id.
  // Manifest entries: the first entry of each key counts. For a key this commit maps for the
  // first time it is the key's entry in this run's manifest, replacing prior values recorded
  // meanwhile (the record was created in this run, so rollback deletes it); for any other key it
  // is written only where the key has no entry yet (a retry keeps the first prior values).
  virtual StatusOr<bool> CommitLoad(const std::string& migration, const std::string& run_id,
                                    const LoadCommit& commit, int64_t now_ms) = 0;

  // ---- progress and outcome ----
  virtual StatusOr<std::map<std::string, ObjectCounters>> Counters(const std::string& migration,
                                                                   const std::string& run_id) = 0;
  // Failure entries from `offset`, at most `limit`.
  virtual StatusOr<std::vector<FailureEntry>> Failures(const std::string& migration,
                                                       const std::string& run_id, int64_t offset,
                                                       int64_t limit) = 0;
  // Manifest entries of a run, a page at a time (cursor "0" starts; returns the next, "0" at end).
  // A key may come twice: then the entry that counts (CommitLoad) comes first. Read through
  // ForEachManifestEntry, which hands over each key once.
  virtual StatusOr<std::pair<std::string, std::vector<ManifestEntry>>> ManifestPage(
      const std::string& migration, const std::string& run_id, const std::string& cursor,
      int64_t count) = 0;
  // Number of id-map entries of the migration.
  virtual StatusOr<int64_t> IdMapSize(const std::string& migration) = 0;

  // ---- migration-wide values (watermarks, confirmed map hash, ...) ----
  virtual StatusOr<std::optional<std::string>> GetValue(const std::string& migration,
                                                        const std::string& name) = 0;
  virtual Status SetValue(const std::string& migration, const std::string& name,
                          const std::string& value) = 0;

  // ---- workflow verbs (owners, rollback, report); defaults: kUnimplemented ----
  // Run ids of the migration, oldest first.
  virtual StatusOr<std::vector<std::string>> ListRuns(const std::string& migration);
  // One run's plan and status (status "" for a run that is no longer the current one);
  // nullopt when there is no such run.
  virtual StatusOr<std::optional<RunState>> GetRun(const std::string& migration,
                                                   const std::string& run_id);
  // Sets id-map entries, replacing what they held (owners: a re-run may change a match).
  virtual Status SetIdMapEntries(const std::string& migration,
                                 const std::map<std::string, std::string>& entries);
  // Removes id-map entries (rollback: a later migrate recreates those records).
  virtual Status RemoveIdMapEntries(const std::string& migration,
                                    const std::vector<std::string>& keys);
  // Audit stream entries after `after_id` ("0": from the start), at most `count`.
  virtual StatusOr<std::vector<AuditEntry>> AuditPage(const std::string& migration,
                                                      const std::string& after_id, int64_t count);
};

// Forwards every call; fault injectors subclass it (LevelDB's EnvWrapper).
class StateStoreWrapper : public StateStore {
 public:
  explicit StateStoreWrapper(StateStore* target) : target_(target) {}
  StateStore* target() const { return target_; }

  Status Ping() override { return target_->Ping(); }
  StatusOr<std::optional<RunState>> CurrentRun(const std::string& m) override {
    return target_->CurrentRun(m);
  }
  Status CreateRun(const std::string& m, const RunPlan& p, const std::vector<TaskSpec>& t,
                   int64_t now) override {
    return target_->CreateRun(m, p, t, now);
  }
  Status FinishRun(const std::string& m, const std::string& r, const std::string& s,
                   int64_t now) override {
    return target_->FinishRun(m, r, s, now);
  }
  StatusOr<std::optional<TaskSpec>> Lease(const std::string& m, const std::string& r, TaskKind k,
                                          const std::string& o, const std::string& w,
                                          int64_t until) override {
    return target_->Lease(m, r, k, o, w, until);
  }
  Status ExtendLeases(const std::string& m, const std::string& r, const std::vector<std::string>& t,
                      int64_t until) override {
    return target_->ExtendLeases(m, r, t, until);
  }
  StatusOr<std::vector<std::string>> ExpiredLeases(const std::string& m, const std::string& r,
                                                   int64_t now) override {
    return target_->ExpiredLeases(m, r, now);
  }
  StatusOr<RequeueOutcome> Requeue(const std::string& m, const std::string& r, const std::string& t,
                                   const std::string& reason, int max, bool fatal) override {
    return target_->Requeue(m, r, t, reason, max, fatal);
  }
  Status CompleteTask(const std::string& m, const std::string& r, const std::string& t) override {
    return target_->CompleteTask(m, r, t);
  }
  StatusOr<bool> IsDone(const std::string& m, const std::string& r, const std::string& t) override {
    return target_->IsDone(m, r, t);
  }
  StatusOr<bool> StageBatch(const std::string& m, const std::string& r, const std::string& o,
                            const std::string& b, const std::string& bytes, int64_t n,
                            const std::vector<FailureEntry>& e) override {
    return target_->StageBatch(m, r, o, b, bytes, n, e);
  }
  StatusOr<std::string> ReadBatch(const std::string& m, const std::string& r,
                                  const std::string& b) override {
    return target_->ReadBatch(m, r, b);
  }
  StatusOr<std::vector<std::optional<std::string>>> LookupIds(
      const std::string& m, const std::vector<std::string>& k) override {
    return target_->LookupIds(m, k);
  }
  StatusOr<std::vector<bool>> HasPriorValues(const std::string& m, const std::string& r,
                                             const std::vector<std::string>& k) override {
    return target_->HasPriorValues(m, r, k);
  }
  Status RecordPriorValues(const std::string& m, const std::string& r,
                           const std::vector<ManifestEntry>& e) override {
    return target_->RecordPriorValues(m, r, e);
  }
  StatusOr<bool> CommitLoad(const std::string& m, const std::string& r, const LoadCommit& c,
                            int64_t now) override {
    return target_->CommitLoad(m, r, c, now);
  }
  StatusOr<std::map<std::string, ObjectCounters>> Counters(const std::string& m,
                                                           const std::string& r) override {
    return target_->Counters(m, r);
  }
  StatusOr<std::vector<FailureEntry>> Failures(const std::string& m, const std::string& r,
                                               int64_t off, int64_t lim) override {
    return target_->Failures(m, r, off, lim);
  }
  StatusOr<std::pair<std::string, std::vector<ManifestEntry>>> ManifestPage(const std::string& m,
                                                                            const std::string& r,
                                                                            const std::string& c,
                                                                            int64_t n) override {
    return target_->ManifestPage(m, r, c, n);
  }
  StatusOr<int64_t> IdMapSize(const std::string& m) override { return target_->IdMapSize(m); }
  StatusOr<std::optional<std::string>> GetValue(const std::string& m,
                                                const std::string& n) override {
    return target_->GetValue(m, n);
  }
  Status SetValue(const std::string& m, const std::string& n, const std::string& v) override {
    return target_->SetValue(m, n, v);
  }
  StatusOr<std::vector<std::string>> ListRuns(const std::string& m) override {
    return target_->ListRuns(m);
  }
  StatusOr<std::optional<RunState>> GetRun(const std::string& m, const std::string& r) override {
    return target_->GetRun(m, r);
  }
  Status SetIdMapEntries(const std::string& m,
                         const std::map<std::string, std::string>& e) override {
    return target_->SetIdMapEntries(m, e);
  }
  Status RemoveIdMapEntries(const std::string& m, const std::vector<std::string>& k) override {
    return target_->RemoveIdMapEntries(m, k);
  }
  StatusOr<std::vector<AuditEntry>> AuditPage(const std::string& m, const std::string& after,
                                              int64_t n) override {
    return target_->AuditPage(m, after, n);
  }

 private:
  StateStore* target_;
};

// Calls `fn` once per key of a run's manifest, with the entry that counts, paging through
// ManifestPage (which may return a key twice: the first one seen is handed over). Stops at the
// first error.
Status ForEachManifestEntry(StateStore* store, const std::string& migration,
                            const std::string& run_id,
                            const std::function<void(const ManifestEntry&)>& fn);

}  // namespace bridgework::state
