#include "state/memory_state_store.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace bridgework::state {
namespace {

// Redis trims the audit stream to about this many entries (XADD MAXLEN ~).
constexpr size_t kAuditMaxLen = 1000000;
// The Redis store keeps at most this much of a requeue reason.
constexpr size_t kReasonMax = 500;

// Stream ids "<ms>-<seq>" compare as number pairs.
bool ParseStreamId(const std::string& id, std::pair<int64_t, int64_t>* out) {
  auto dash = id.find('-');
  char* end = nullptr;
  const std::string ms = id.substr(0, dash);
  if (ms.empty()) return false;
  out->first = std::strtoll(ms.c_str(), &end, 10);
  if (*end != '\0') return false;
  out->second = 0;
  if (dash == std::string::npos) return true;
  const std::string seq = id.substr(dash + 1);
  if (seq.empty()) return false;
  out->second = std::strtoll(seq.c_str(), &end, 10);
  return *end == '\0';
}

}  // namespace

struct MemoryStateStore::Run {
  // False for a run known only from calls naming it (as Redis would create its keys): it has no
  // plan, so it is no run to CurrentRun, GetRun or Counters, and CreateRun may still plan it.
  bool planned = false;
  RunPlan plan;
  std::deque<std::string> extract_queue;
  std::map<std::string, std::deque<std::string>> load_queues;  // by object
  std::unordered_map<std::string, std::string> tokens;
  std::unordered_map<std::string, int64_t> attempts;
  std::map<std::string, int64_t> leases;  // task -> lease end (ms)
  std::unordered_map<std::string, std::string> owners;
  std::unordered_set<std::string> done;
  std::unordered_map<std::string, std::string> failed;
  std::unordered_set<std::string> staged;  // every batch id ever staged
  std::unordered_map<std::string, std::string> batches;
  std::unordered_map<std::string, int64_t> batch_sizes;
  std::map<std::string, ObjectCounters> counters;
  std::vector<FailureEntry> failures;
  std::map<std::string, ManifestEntry> manifest;  // ordered: pages resume after a key

  std::deque<std::string>& QueueFor(const std::string& task_id) {
    return task_id[0] == 'x' ? extract_queue : load_queues[ObjectOfTask(task_id)];
  }
};

struct MemoryStateStore::Migration {
  std::string current_run;  // "" when there was none
  std::string status;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  std::vector<std::string> runs;
  std::map<std::string, std::unique_ptr<Run>> run_data;
  std::unordered_map<std::string, std::string> id_map;
  std::map<std::string, std::string> values;
  std::deque<AuditEntry> audit;
  std::pair<int64_t, int64_t> last_audit_id{0, 0};
};

MemoryStateStore::MemoryStateStore() = default;
MemoryStateStore::~MemoryStateStore() = default;

MemoryStateStore::Migration& MemoryStateStore::MigrationLocked(const std::string& migration) {
  auto& m = migrations_[migration];
  if (!m) m = std::make_unique<Migration>();
  return *m;
}

MemoryStateStore::Run* MemoryStateStore::RunLocked(const std::string& migration,
                                                   const std::string& run_id) {
  auto& run = MigrationLocked(migration).run_data[run_id];
  if (!run) run = std::make_unique<Run>();
  return run.get();
}

MemoryStateStore::Run* MemoryStateStore::PlannedRunLocked(const std::string& migration,
                                                          const std::string& run_id) {
  auto& runs = MigrationLocked(migration).run_data;
  auto it = runs.find(run_id);
  return it == runs.end() || !it->second->planned ? nullptr : it->second.get();
}

Status MemoryStateStore::Ping() { return Status::Ok(); }

StatusOr<std::optional<RunState>> MemoryStateStore::CurrentRun(const std::string& migration) {
  std::lock_guard<std::mutex> lock(mu_);
  Migration& m = MigrationLocked(migration);
  if (m.current_run.empty()) return std::optional<RunState>();
  Run* r = PlannedRunLocked(migration, m.current_run);
  if (r == nullptr) return DataLoss("state: run " + m.current_run + " has no plan");
  RunState s;
  s.plan = r->plan;
  s.status = m.status;
  s.started_ms = m.started_ms;
  s.finished_ms = m.finished_ms;
  return std::optional<RunState>(std::move(s));
}

Status MemoryStateStore::CreateRun(const std::string& migration, const RunPlan& plan,
                                   const std::vector<TaskSpec>& extract_tasks, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Migration& m = MigrationLocked(migration);
  Run* run = RunLocked(migration, plan.run_id);
  if (run->planned) return Status::Ok();  // planned before: nothing changes
  run->planned = true;
  run->plan = plan;
  for (const auto& o : plan.objects) run->counters[o.object].extract_total = o.extract_tasks;
  for (const auto& t : extract_tasks) {
    run->extract_queue.push_back(t.id);
    run->tokens[t.id] = t.shard_token;
  }
  m.current_run = plan.run_id;
  m.status = "running";
  m.started_ms = now_ms;
  m.finished_ms = 0;
  m.runs.push_back(plan.run_id);
  return Status::Ok();
}

Status MemoryStateStore::FinishRun(const std::string& migration, const std::string& run_id,
                                   const std::string& status, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Migration& m = MigrationLocked(migration);
  if (m.current_run != run_id || run_id.empty()) {
    return FailedPrecondition("state: run " + run_id + " is not current");
  }
  m.status = status;
  m.finished_ms = now_ms;
  return Status::Ok();
}

StatusOr<std::optional<TaskSpec>> MemoryStateStore::Lease(const std::string& migration,
                                                          const std::string& run_id, TaskKind kind,
                                                          const std::string& object,
                                                          const std::string& worker,
                                                          int64_t lease_until_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Run* r = RunLocked(migration, run_id);
  std::deque<std::string>* queue = &r->extract_queue;
  if (kind == TaskKind::kLoad) {
    auto it = r->load_queues.find(object);
    if (it == r->load_queues.end()) return std::optional<TaskSpec>();
    queue = &it->second;
  }
  if (queue->empty()) return std::optional<TaskSpec>();
  TaskSpec t;
  t.id = std::move(queue->front());
  queue->pop_front();
  const int64_t attempt = ++r->attempts[t.id];
  r->leases[t.id] = lease_until_ms;
  r->owners[t.id] = worker;
  t.kind = t.id[0] == 'x' ? TaskKind::kExtract : TaskKind::kLoad;
  t.object = ObjectOfTask(t.id);
  if (attempt > 1) ++r->counters[t.object].retries;
  t.attempt = static_cast<int>(attempt);
  if (auto tok = r->tokens.find(t.id); tok != r->tokens.end()) t.shard_token = tok->second;
  // "x/<object>/<index>" and "l/<object>/<index>/<seq>": the shard index follows the object.
  size_t start = 3 + t.object.size();
  if (start < t.id.size()) t.shard_index = std::atoi(t.id.c_str() + start);
  return std::optional<TaskSpec>(std::move(t));
}

Status MemoryStateStore::ExtendLeases(const std::string& migration, const std::string& run_id,
                                      const std::vector<std::string>& task_ids,
                                      int64_t lease_until_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Run* r = RunLocked(migration, run_id);
  for (const auto& id : task_ids) {
    auto it = r->leases.find(id);
    if (it != r->leases.end()) it->second = lease_until_ms;  // a finished task stays finished
  }
  return Status::Ok();
}

StatusOr<std::vector<std::string>> MemoryStateStore::ExpiredLeases(const std::string& migration,
                                                                   const std::string& run_id,
                                                                   int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  Run* r = RunLocked(migration, run_id);
  std::vector<std::pair<int64_t, const std::string*>> expired;
  for (const auto& [id, until] : r->leases) {
    if (until <= now_ms) expired.emplace_back(until, &id);
  }
  // Soonest first, at most 1000 at a time, as ZRANGEBYSCORE ... LIMIT 0 1000 answers.
  std::sort(expired.begin(), expired.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : *a.second < *b.second;
  });
  for (size_t i = 0; i < expired.size() && i < 1000; ++i) out.push_back(*expired[i].second);
  return out;
}

StatusOr<RequeueOutcome> MemoryStateStore::Requeue(const std::string& migration,
                                                   const std::string& run_id,
                                                   const std::string& task_id,
                                                   const std::string& reason, int max_attempts,
                                                   bool fatal) {
  std::lock_guard<std::mutex> lock(mu_);
  Run* r = RunLocked(migration, run_id);
  // No lease: someone else ended it; nothing changes.
  if (r->leases.erase(task_id) == 0) return RequeueOutcome::kRequeued;
  r->owners.erase(task_id);
  if (r->done.count(task_id)) return RequeueOutcome::kAlreadyDone;
  const std::string object = ObjectOfTask(task_id);
  const int64_t attempts = r->attempts[task_id];
  if (fatal || attempts >= max_attempts) {
    const std::string why = reason.substr(0, kReasonMax);
    r->failed[task_id] = why;
    ObjectCounters& c = r->counters[object];
    if (task_id[0] == 'x') {
      ++c.extract_failed;
    } else {
      ++c.load_failed;
      auto n = r->batch_sizes.find(task_id);
      if (n != r->batch_sizes.end()) c.failed += n->second;
    }
    r->failures.push_back({object, "task " + task_id, "", why, "failed"});
    return RequeueOutcome::kFailed;
  }
  r->QueueFor(task_id).push_front(task_id);
  return RequeueOutcome::kRequeued;
}

Status MemoryStateStore::CompleteTask(const std::string& migration, const std::string& run_id,
                                      const std::string& task_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Run* r = RunLocked(migration, run_id);
  r->leases.erase(task_id);
  r->owners.erase(task_id);
  if (r->done.insert(task_id).second) {
    ObjectCounters& c = r->counters[ObjectOfTask(task_id)];
    if (task_id[0] == 'x') {
      ++c.extract_done;
    } else {
      ++c.load_done;
    }
  }
  return Status::Ok();
}

StatusOr<bool> MemoryStateStore::IsDone(const std::string& migration, const std::string& run_id,
                                        const std::string& task_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Run* r = RunLocked(migration, run_id);
  return r->done.count(task_id) > 0;
}

StatusOr<bool> MemoryStateStore::StageBatch(const std::string& migration, const std::string& run_id,
                                            const std::string& object, const std::string& batch_id,
                                            const std::string& bytes, int64_t records,
                                            const std::vector<FailureEntry>& row_errors) {
  std::lock_guard<std::mutex> lock(mu_);
  Run* r = RunLocked(migration, run_id);
  // Every batch id ever staged is remembered: an extract re-run must not bring back a batch that
  // was loaded (its bytes deleted) since.
  if (!r->staged.insert(batch_id).second) return false;
  r->batches[batch_id] = bytes;
  r->batch_sizes[batch_id] = records;
  r->load_queues[object].push_back(batch_id);
  ObjectCounters& c = r->counters[object];
  ++c.load_total;
  c.read += records + static_cast<int64_t>(row_errors.size());
  c.failed += static_cast<int64_t>(row_errors.size());
  r->failures.insert(r->failures.end(), row_errors.begin(), row_errors.end());
  return true;
}

StatusOr<std::string> MemoryStateStore::ReadBatch(const std::string& migration,
                                                  const std::string& run_id,
                                                  const std::string& batch_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Run* r = RunLocked(migration, run_id);
  auto it = r->batches.find(batch_id);
  if (it != r->batches.end()) return it->second;
  return NotFound("state: no staged batch " + batch_id);
}

StatusOr<std::vector<std::optional<std::string>>> MemoryStateStore::LookupIds(
    const std::string& migration, const std::vector<std::string>& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto& ids = MigrationLocked(migration).id_map;
  std::vector<std::optional<std::string>> out;
  out.reserve(keys.size());
  for (const auto& k : keys) {
    auto it = ids.find(k);
    out.push_back(it == ids.end() ? std::nullopt : std::optional<std::string>(it->second));
  }
  return out;
}

StatusOr<std::vector<bool>> MemoryStateStore::HasPriorValues(const std::string& migration,
                                                             const std::string& run_id,
                                                             const std::vector<std::string>& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  Run* r = RunLocked(migration, run_id);
  std::vector<bool> out;
  out.reserve(keys.size());
  for (const auto& k : keys) {
    auto it = r->manifest.find(k);
    out.push_back(it != r->manifest.end() && it->second.action == WriteAction::kUpdated);
  }
  return out;
}

Status MemoryStateStore::RecordPriorValues(const std::string& migration, const std::string& run_id,
                                           const std::vector<ManifestEntry>& entries) {
  if (entries.empty()) return Status::Ok();
  std::lock_guard<std::mutex> lock(mu_);
  Run* r = RunLocked(migration, run_id);
  for (const auto& e : entries) r->manifest.emplace(e.key, e);  // never replaces an entry
  return Status::Ok();
}

StatusOr<bool> MemoryStateStore::CommitLoad(const std::string& migration, const std::string& run_id,
                                            const LoadCommit& c, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  Migration& m = MigrationLocked(migration);
  Run* r = RunLocked(migration, run_id);
  if (r->done.count(c.task_id)) return false;
  // Check every entry before changing anything: a refused commit leaves no trace.
  for (const auto& [key, id] : c.id_map) {
    auto it = m.id_map.find(key);
    if (it != m.id_map.end() && it->second != id) {
      return DataLoss("state: id map: " + key + " is already mapped to another destination id");
    }
  }
  std::set<std::string_view> mapped_here;  // keys this commit maps first
  for (const auto& [key, id] : c.id_map) {
    if (m.id_map.emplace(key, id).second) mapped_here.insert(key);
  }
  std::set<std::string_view> seen;  // the first entry of a key counts
  for (const auto& e : c.manifest) {
    if (!seen.insert(e.key).second) continue;
    if (mapped_here.count(e.key)) {
      r->manifest[e.key] = e;  // created in this run: replaces prior values a duplicate recorded
    } else {
      r->manifest.emplace(e.key, e);  // never replaces an entry
    }
  }
  r->failures.insert(r->failures.end(), c.failures.begin(), c.failures.end());
  ObjectCounters& oc = r->counters[c.object];
  oc.loaded += c.loaded;
  oc.updated += c.updated;
  oc.skipped += c.skipped;
  oc.failed += c.failed;
  oc.flagged += c.flagged;
  oc.unlinked += c.unlinked;
  r->done.insert(c.task_id);
  ++oc.load_done;
  r->leases.erase(c.task_id);
  r->owners.erase(c.task_id);
  r->batches.erase(c.task_id);

  // The audit entry, its id "<ms>-<seq>" from the wall clock as Redis makes them: increasing.
  int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  std::pair<int64_t, int64_t> id{ms, 0};
  if (id <= m.last_audit_id) id = {m.last_audit_id.first, m.last_audit_id.second + 1};
  m.last_audit_id = id;
  AuditEntry a;
  a.id = std::to_string(id.first) + "-" + std::to_string(id.second);
  a.run = run_id;
  a.batch = c.task_id;
  a.object = c.object;
  a.worker = c.worker;
  a.time_ms = now_ms;
  a.created = c.loaded - c.updated;
  a.updated = c.updated;
  a.failed = c.failed;
  a.unlinked = c.unlinked;
  m.audit.push_back(std::move(a));
  while (m.audit.size() > kAuditMaxLen) m.audit.pop_front();
  return true;
}

StatusOr<std::map<std::string, ObjectCounters>> MemoryStateStore::Counters(
    const std::string& migration, const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Run* r = PlannedRunLocked(migration, run_id);
  if (r == nullptr) return NotFound("state: no run " + run_id + " of " + migration);
  std::map<std::string, ObjectCounters> out;
  for (const auto& o : r->plan.objects) {
    ObjectCounters c;
    if (auto it = r->counters.find(o.object); it != r->counters.end()) c = it->second;
    auto q = r->load_queues.find(o.object);
    c.queued_loads = q == r->load_queues.end() ? 0 : static_cast<int64_t>(q->second.size());
    out[o.object] = c;
  }
  return out;
}

StatusOr<std::vector<FailureEntry>> MemoryStateStore::Failures(const std::string& migration,
                                                               const std::string& run_id,
                                                               int64_t offset, int64_t limit) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<FailureEntry> out;
  Run* r = RunLocked(migration, run_id);
  if (offset < 0 || limit <= 0) return out;
  const auto size = static_cast<int64_t>(r->failures.size());
  for (int64_t i = offset; i < size && i < offset + limit; ++i) out.push_back(r->failures[i]);
  return out;
}

StatusOr<std::pair<std::string, std::vector<ManifestEntry>>> MemoryStateStore::ManifestPage(
    const std::string& migration, const std::string& run_id, const std::string& cursor,
    int64_t count) {
  // A cursor is "k:" + the last key returned; entries are kept in key order, so a page resumes
  // after it and every entry present for the whole scan is returned once.
  if (cursor != "0" && cursor.rfind("k:", 0) != 0) {
    return InvalidArgument("state: invalid manifest cursor");
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ManifestEntry> out;
  Run* r = RunLocked(migration, run_id);
  auto it = cursor == "0" ? r->manifest.begin() : r->manifest.upper_bound(cursor.substr(2));
  for (; it != r->manifest.end() && static_cast<int64_t>(out.size()) < std::max<int64_t>(count, 1);
       ++it) {
    out.push_back(it->second);
  }
  std::string next = it == r->manifest.end() ? "0" : "k:" + out.back().key;
  return std::make_pair(std::move(next), std::move(out));
}

StatusOr<int64_t> MemoryStateStore::IdMapSize(const std::string& migration) {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int64_t>(MigrationLocked(migration).id_map.size());
}

StatusOr<std::optional<std::string>> MemoryStateStore::GetValue(const std::string& migration,
                                                                const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto& values = MigrationLocked(migration).values;
  auto it = values.find(name);
  if (it == values.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status MemoryStateStore::SetValue(const std::string& migration, const std::string& name,
                                  const std::string& value) {
  std::lock_guard<std::mutex> lock(mu_);
  MigrationLocked(migration).values[name] = value;
  return Status::Ok();
}

StatusOr<std::vector<std::string>> MemoryStateStore::ListRuns(const std::string& migration) {
  std::lock_guard<std::mutex> lock(mu_);
  return MigrationLocked(migration).runs;
}

StatusOr<std::optional<RunState>> MemoryStateStore::GetRun(const std::string& migration,
                                                           const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  Migration& m = MigrationLocked(migration);
  Run* r = PlannedRunLocked(migration, run_id);
  if (r == nullptr) return std::optional<RunState>();
  RunState s;
  s.plan = r->plan;
  if (m.current_run == run_id) {
    s.status = m.status;
    s.started_ms = m.started_ms;
    s.finished_ms = m.finished_ms;
  }
  return std::optional<RunState>(std::move(s));
}

Status MemoryStateStore::SetIdMapEntries(const std::string& migration,
                                         const std::map<std::string, std::string>& entries) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& ids = MigrationLocked(migration).id_map;
  for (const auto& [k, v] : entries) ids[k] = v;
  return Status::Ok();
}

Status MemoryStateStore::RemoveIdMapEntries(const std::string& migration,
                                            const std::vector<std::string>& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& ids = MigrationLocked(migration).id_map;
  for (const auto& k : keys) ids.erase(k);
  return Status::Ok();
}

StatusOr<std::vector<AuditEntry>> MemoryStateStore::AuditPage(const std::string& migration,
                                                              const std::string& after_id,
                                                              int64_t count) {
  std::pair<int64_t, int64_t> after{-1, -1};
  if (!after_id.empty() && after_id != "0" && !ParseStreamId(after_id, &after)) {
    return InvalidArgument("state: invalid audit stream id");
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<AuditEntry> out;
  const auto& audit = MigrationLocked(migration).audit;
  // Entries are in id order: start after `after`.
  auto it = std::upper_bound(audit.begin(), audit.end(), after,
                             [](const std::pair<int64_t, int64_t>& key, const AuditEntry& a) {
                               std::pair<int64_t, int64_t> id{0, 0};
                               ParseStreamId(a.id, &id);
                               return key < id;
                             });
  for (; it != audit.end() && static_cast<int64_t>(out.size()) < count; ++it) out.push_back(*it);
  return out;
}

}  // namespace bridgework::state
