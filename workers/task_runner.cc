#include "workers/task_runner.h"

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/logging.h"
#include "mapping/field_diff.h"
#include "mapping/lookups.h"
#include "mapping/transforms.h"
#include "proto/protocol.h"

namespace bridgework::workers {
namespace {

using state::FailureEntry;
using state::TaskSpec;

std::string ParentKey(const Reference& ref) {
  return ref.object + "/" + ref.source_id + "/" + ref.target;
}

TaskOutcome Transient(const Status& s) {
  return {TaskOutcome::Code::kTransient, s.ToString(), 0, 0};
}

TaskOutcome FromStatus(const Status& s) {
  if (s.IsTransient() || s.code() == StatusCode::kCancelled) return Transient(s);
  return {TaskOutcome::Code::kFatal, s.ToString(), 0, 0};
}

// Per source record of a load batch: what happened to it.
// Replaces every {"$file": path} value by the file's bytes, base64-encoded (the form both
// destinations take: Odoo's ir.attachment.datas, Twenty's upload). A missing or unreadable file
// fails the record with the source's reason.
Status ReadAttachments(connectors::SourceConnector* source, TargetRecord* t) {
  for (auto& [field, value] : t->values.items()) {
    if (!value.is_object() || !value.contains("$file") || !value["$file"].is_string()) continue;
    if (source == nullptr) return FailedPrecondition("attachment: this worker has no source");
    std::string path = value["$file"].get<std::string>();
    auto bytes = source->ReadAttachment(path);
    if (!bytes.ok()) return bytes.status().Annotate("attachment in " + field);
    auto encoded = mapping::Base64(Json(std::move(*bytes)), Json::object());
    if (!encoded.ok()) return encoded.status().Annotate("attachment in " + field);
    value = std::move(*encoded);
  }
  return Status::Ok();
}

struct RecordState {
  std::string id;
  std::vector<TargetRecord> targets;
  bool failed = false;
  bool unlinked = false;
  bool updated = false;
  bool flagged = false;
  int unchanged = 0;  // targets skipped because the destination already holds their values
};

// True when every field of `t` already holds its value in `stored` (equal, or equal after the
// diff's normalisation). Anything else, or a doubt, means write.
bool Unchanged(const TargetRecord& t, const connectors::StoredRecord& stored) {
  if (!stored.exists) return false;
  mapping::DiffReport d = mapping::DiffRecords({t}, {{t.Key(), stored}});
  for (const auto& row : d.rows) {
    if (row.verdict == mapping::Verdict::kDiffers || row.verdict == mapping::Verdict::kMissing) {
      return false;
    }
  }
  return true;
}

}  // namespace

Status RetryTransient(const std::function<Status()>& step, Duration budget,
                      const std::atomic<bool>& stop, Clock* clock) {
  const TimePoint until = clock->Now() + budget;
  Duration wait = std::chrono::milliseconds(100);
  while (true) {
    Status s = step();
    if (s.ok() || !s.IsTransient()) return s;
    if (stop.load() || clock->Now() + wait > until) return s;
    clock->SleepFor(wait);
    wait = std::min<Duration>(wait * 2, std::chrono::seconds(5));
  }
}

TaskRunner::TaskRunner(RunContext context, connectors::SourceConnector* source,
                       connectors::DestinationConnector* destination, state::StateStore* store,
                       const RecordMapper* mapper, Clock* clock)
    : ctx_(std::move(context)),
      source_(source),
      destination_(destination),
      store_(store),
      mapper_(mapper),
      clock_(clock) {}

std::shared_ptr<const TaskRunner::RunOptions> TaskRunner::LoadRunOptions(
    const std::atomic<bool>& stop, Status* error) {
  std::lock_guard<std::mutex> lock(options_mu_);
  if (options_) return options_;
  std::optional<std::string> text;
  *error = RetryTransient(
      [&]() -> Status {
        BW_ASSIGN_OR_RETURN(text, store_->GetValue(ctx_.migration, kRunOptionsValue + ctx_.run_id));
        return Status::Ok();
      },
      ctx_.retry_budget, stop, clock_);
  if (!error->ok()) return nullptr;
  auto o = std::make_shared<RunOptions>();
  if (text) {
    Json j = Json::parse(*text, nullptr, false);
    if (!j.is_object()) {
      *error = DataLoss("run options of run " + ctx_.run_id + " are unreadable");
      return nullptr;
    }
    o->modified_since = j.value("modified_since", "");
    o->skip_unchanged = j.value("skip_unchanged", false);
    if (j.contains("only_ids") && j["only_ids"].is_object()) {
      for (const auto& [object, ids] : j["only_ids"].items()) {
        auto& set = o->only_ids[object];
        for (const auto& id : ids) {
          if (id.is_string()) set.insert(id.get<std::string>());
        }
      }
    }
  }
  if (o->modified_since.empty()) o->modified_since = ctx_.modified_since;
  options_ = o;
  return options_;
}

TaskOutcome TaskRunner::Run(const TaskSpec& task, const std::atomic<bool>& stop) {
  return task.kind == state::TaskKind::kExtract ? Extract(task, stop) : Load(task, stop);
}

TaskOutcome TaskRunner::Extract(const TaskSpec& task, const std::atomic<bool>& stop) {
  if (source_ == nullptr) return {TaskOutcome::Code::kFatal, "worker has no source", 0, 0};
  Status options_error;
  auto run_options = LoadRunOptions(stop, &options_error);
  if (!run_options) return FromStatus(options_error);
  const std::set<std::string>* only = nullptr;  // sample runs: the selected ids of this object
  if (auto it = run_options->only_ids.find(task.object); it != run_options->only_ids.end()) {
    only = &it->second;
  }
  std::string max_modified;  // the latest modified-at read (ISO-8601 UTC text compares in order)
  connectors::ShardSpec shard{task.object, task.shard_index, task.shard_count, task.shard_token};
  connectors::ReadOptions options{run_options->modified_since};
  auto cursor = source_->Open(shard, options);
  if (!cursor.ok()) return FromStatus(cursor.status().Annotate("opening " + task.id));

  TaskOutcome out;
  int64_t sequence = 0;
  ::bridgework::v1::StagedBatch batch;
  std::vector<FailureEntry> row_errors;
  auto stage = [&]() -> Status {
    if (batch.records_size() == 0 && row_errors.empty()) return Status::Ok();
    const std::string id = state::LoadTaskId(task.object, task.shard_index, sequence++);
    batch.set_batch_id(id);
    batch.set_object(task.object);
    const std::string bytes = batch.SerializeAsString();
    const int64_t n = batch.records_size();
    Status s = RetryTransient(
        [&] {
          return store_
              ->StageBatch(ctx_.migration, ctx_.run_id, task.object, id, bytes, n, row_errors)
              .status();
        },
        ctx_.retry_budget, stop, clock_);
    if (!s.ok()) return s;
    out.records += n;
    ++out.batches;
    batch.Clear();
    row_errors.clear();
    return Status::Ok();
  };

  connectors::SourceRow row;
  while (true) {
    if (stop.load()) return {TaskOutcome::Code::kTransient, "worker stopping", 0, 0};
    auto more = (*cursor)->Next(&row);
    if (!more.ok()) return FromStatus(more.status().Annotate("reading " + task.id));
    if (!*more) break;
    if (row.record) {
      if (only != nullptr && !only->count(row.record->id)) continue;
      if (row.record->modified_at > max_modified) max_modified = row.record->modified_at;
      proto::ToStaged(*row.record, batch.add_records());
    } else if (row.error) {
      const RowError& e = *row.error;
      if (only != nullptr && !only->count(e.record_id)) continue;
      row_errors.push_back(
          {task.object, e.record_id.empty() ? e.file + ":" + std::to_string(e.line) : e.record_id,
           e.field, e.reason, "failed"});
    }
    if (batch.records_size() + static_cast<int>(row_errors.size()) >= ctx_.batch_size) {
      Status s = stage();
      if (!s.ok()) return FromStatus(s);
    }
  }
  Status s = stage();
  if (!s.ok()) return FromStatus(s);
  if (!max_modified.empty()) {
    s = RetryTransient(
        [&] {
          return store_->SetValue(ctx_.migration, kMaxModifiedValue + ctx_.run_id + "/" + task.id,
                                  max_modified);
        },
        ctx_.retry_budget, stop, clock_);
    if (!s.ok()) return FromStatus(s);
  }
  return out;
}

TaskOutcome TaskRunner::Load(const TaskSpec& task, const std::atomic<bool>& stop) {
  if (destination_ == nullptr)
    return {TaskOutcome::Code::kFatal, "worker has no destination", 0, 0};
  const std::string& m = ctx_.migration;
  const std::string& run = ctx_.run_id;
  auto retry = [&](const std::function<Status()>& step) {
    return RetryTransient(step, ctx_.retry_budget, stop, clock_);
  };
  // Who wrote a manifest entry, in which batch and when: the per-record audit log.
  auto stamp = [&](ManifestEntry* e) {
    e->depth = task.depth;
    e->batch = task.id;
    e->worker = ctx_.worker_id;
    e->time_ms = clock_->UnixMillis();
  };

  Status options_error;
  auto run_options = LoadRunOptions(stop, &options_error);
  if (!run_options) return FromStatus(options_error);

  std::string bytes;
  Status s = retry([&]() -> Status {
    BW_ASSIGN_OR_RETURN(bytes, store_->ReadBatch(m, run, task.id));
    return Status::Ok();
  });
  if (s.code() == StatusCode::kNotFound) {
    // A retry of a task that committed already (the commit deletes the batch), or never staged.
    bool done = false;
    s = retry([&]() -> Status {
      BW_ASSIGN_OR_RETURN(done, store_->IsDone(m, run, task.id));
      return Status::Ok();
    });
    if (!s.ok()) return FromStatus(s);
    if (done) return {};
    return {TaskOutcome::Code::kFatal, "staged batch " + task.id + " is missing", 0, 0};
  }
  if (!s.ok()) return FromStatus(s);
  ::bridgework::v1::StagedBatch batch;
  if (!batch.ParseFromString(bytes)) {
    return {TaskOutcome::Code::kFatal, "staged batch " + task.id + " is corrupt", 0, 0};
  }

  // 1. Map every record.
  state::LoadCommit commit;
  commit.task_id = task.id;
  commit.object = task.object;
  commit.worker = ctx_.worker_id;
  std::vector<RecordState> records(batch.records_size());
  for (int i = 0; i < batch.records_size(); ++i) {
    SourceRecord r = proto::FromStaged(task.object, batch.records(i));
    records[i].id = r.id;
    mapping::MapResult mapped = mapper_->Apply(r);
    if (!mapped.errors.empty()) {
      records[i].failed = true;
      // A source field feeding several targets fails once per target: report it once.
      std::set<std::string> fields_reported;
      for (const auto& e : mapped.errors) {
        if (!fields_reported.insert(e.field).second) continue;
        commit.failures.push_back({task.object, r.id, e.field, e.reason, "failed"});
      }
    } else {
      records[i].targets = std::move(mapped.targets);
    }
  }

  // 2. Resolve references to other objects through the id map, before anything is written: a
  // child whose parent is not migrated is unlinked and not written at all. The same round trip
  // asks which of the batch's own records are mapped already (updates, step 3).
  std::vector<std::string> lookup_keys;  // parent keys first, then the batch's own keys
  size_t parent_count = 0;
  std::unordered_set<std::string> own;  // target keys of this batch's records
  {
    std::unordered_set<std::string> seen;
    for (const auto& rs : records) {
      for (const auto& t : rs.targets) {
        for (const auto& ref : t.references) {
          if (ref.object == task.object && ref.source_id == rs.id) continue;  // sibling
          if (!ref.source_id.empty() && seen.insert(ParentKey(ref)).second) {
            lookup_keys.push_back(ParentKey(ref));
          }
        }
      }
    }
    parent_count = lookup_keys.size();
    for (const auto& rs : records) {
      for (const auto& t : rs.targets) {
        std::string key = t.Key();
        own.insert(key);
        // A record of this batch may also be another one's parent: asked once, used for both.
        if (seen.insert(key).second) lookup_keys.push_back(std::move(key));
      }
    }
  }
  std::unordered_map<std::string, std::string> ids;     // parent target key -> destination id
  std::unordered_map<std::string, std::string> mapped;  // own target key -> destination id
  if (!lookup_keys.empty()) {
    std::vector<std::optional<std::string>> found;
    s = retry([&]() -> Status {
      BW_ASSIGN_OR_RETURN(found, store_->LookupIds(m, lookup_keys));
      return Status::Ok();
    });
    if (!s.ok()) return FromStatus(s);
    for (size_t i = 0; i < lookup_keys.size() && i < found.size(); ++i) {
      if (!found[i]) continue;
      if (i < parent_count) ids[lookup_keys[i]] = *found[i];
      if (own.count(lookup_keys[i])) mapped[lookup_keys[i]] = *found[i];
    }
  }
  for (auto& rs : records) {
    for (const auto& t : rs.targets) {
      for (const auto& ref : t.references) {
        if (ref.object == task.object && ref.source_id == rs.id) continue;
        std::string why;
        if (ref.source_id.empty()) {
          if (ref.required) why = "required reference is empty";
        } else if (!ids.count(ParentKey(ref))) {
          why = "parent " + ref.object + " " + ref.source_id + " is not migrated";
        }
        if (!why.empty() && !rs.unlinked) {
          rs.unlinked = true;
          commit.failures.push_back({task.object, rs.id, ref.field, why, "unlinked"});
        }
      }
    }
  }

  // 3. Write target by target, in map order (siblings may reference earlier targets).
  for (const std::string& tag : mapper_->Tags(task.object)) {
    std::vector<std::pair<size_t, size_t>> where;  // (record, target) for each target written
    std::vector<TargetRecord> batch_targets;
    for (size_t i = 0; i < records.size(); ++i) {
      auto& rs = records[i];
      if (rs.failed || rs.unlinked) continue;
      for (size_t k = 0; k < rs.targets.size(); ++k) {
        TargetRecord& t = rs.targets[k];
        if (t.target != tag) continue;
        bool missing_sibling = false;
        for (const auto& ref : t.references) {
          auto it = ids.find(ParentKey(ref));
          if (it != ids.end()) {
            t.values[ref.field] = it->second;
          } else if (ref.source_id.empty()) {
            if (!t.values.contains(ref.field)) t.values[ref.field] = nullptr;
          } else {
            missing_sibling = true;  // a sibling target that failed
          }
        }
        if (missing_sibling) {
          rs.failed = true;
          commit.failures.push_back(
              {task.object, rs.id, tag, "an earlier target of this record failed", "failed"});
          continue;
        }
        where.push_back({i, k});
        // Nothing reads the record's own copy after this but its tag (later tags skip it).
        batch_targets.push_back(std::move(t));
        t.target = tag;
      }
    }
    if (batch_targets.empty()) continue;
    const std::string model = batch_targets.front().model;

    // Which of these records exist already (updates: from an earlier run, found by `owners`, or
    // a source id seen twice), and which of those have their prior values recorded in this run
    // (a retry of a batch that may have written them already: they are not read again).
    std::vector<std::string> keys;
    for (const auto& t : batch_targets) keys.push_back(t.Key());
    std::vector<std::optional<std::string>> existing(keys.size());
    std::vector<bool> has_prior(keys.size(), false);
    std::vector<std::string> updates;  // keys the id map holds: on a first run, none
    std::vector<size_t> updates_at;
    for (size_t j = 0; j < keys.size(); ++j) {
      if (auto it = mapped.find(keys[j]); it != mapped.end()) {
        existing[j] = it->second;
        updates.push_back(keys[j]);
        updates_at.push_back(j);
      }
    }
    if (!updates.empty()) {
      std::vector<bool> found;
      s = retry([&]() -> Status {
        BW_ASSIGN_OR_RETURN(found, store_->HasPriorValues(m, run, updates));
        return Status::Ok();
      });
      if (!s.ok()) return FromStatus(s);
      for (size_t n = 0; n < updates_at.size() && n < found.size(); ++n) {
        has_prior[updates_at[n]] = found[n];
      }
    }
    // Values naming existing destination records ({"$lookup": ...}: countries, states, activity
    // types...) become their ids before the unchanged check below compares them with what is
    // stored (attachment paths, {"$file": ...}, become bytes just before the write). An
    // unmatched lookup leaves the field unset and flags the record.
    std::vector<mapping::UnresolvedLookup> unresolved;
    s = retry([&]() -> Status {
      BW_ASSIGN_OR_RETURN(unresolved, mapping::ResolveLookups(*destination_, &batch_targets));
      return Status::Ok();
    });
    if (!s.ok()) return FromStatus(s.Annotate("looking up " + model));
    for (const auto& u : unresolved) {
      for (size_t j = 0; j < keys.size(); ++j) {
        if (keys[j] == u.key) records[where[j].first].flagged = true;
      }
    }
    std::vector<bool> is_update(keys.size(), false);
    std::vector<bool> unchanged(keys.size(), false);
    std::map<std::string, std::vector<size_t>> to_read;  // model -> index
    for (size_t j = 0; j < keys.size(); ++j) {
      is_update[j] = existing[j].has_value();
      if (existing[j] && !has_prior[j]) to_read[batch_targets[j].model].push_back(j);
    }
    // Prior values go to the manifest before the write, set-if-absent: a retry never replaces
    // the values from before this run first touched the record.
    for (const auto& [mdl, idx] : to_read) {
      std::vector<std::string> read_ids;
      for (size_t j : idx) read_ids.push_back(*existing[j]);
      std::vector<connectors::StoredRecord> stored;
      s = retry([&]() -> Status {
        BW_ASSIGN_OR_RETURN(stored, destination_->Read(mdl, read_ids, {}));
        return Status::Ok();
      });
      if (!s.ok()) return FromStatus(s.Annotate("reading prior values"));
      std::vector<ManifestEntry> priors;
      for (size_t n = 0; n < idx.size() && n < stored.size(); ++n) {
        if (run_options->skip_unchanged && Unchanged(batch_targets[idx[n]], stored[n])) {
          unchanged[idx[n]] = true;  // nothing to write, so no prior values either
          continue;
        }
        ManifestEntry e;
        e.key = keys[idx[n]];
        e.model = mdl;
        e.destination_id = *existing[idx[n]];
        e.action = WriteAction::kUpdated;
        e.prior_values = stored[n].values;
        stamp(&e);
        priors.push_back(std::move(e));
      }
      s = retry([&] { return store_->RecordPriorValues(m, run, priors); });
      if (!s.ok()) return FromStatus(s);
    }
    // Unchanged records (delta re-reads) are not written: they keep their destination id.
    if (std::find(unchanged.begin(), unchanged.end(), true) != unchanged.end()) {
      std::vector<std::pair<size_t, size_t>> w2;
      std::vector<TargetRecord> t2;
      std::vector<std::string> k2;
      std::vector<std::optional<std::string>> e2;
      std::vector<bool> u2;
      for (size_t j = 0; j < keys.size(); ++j) {
        if (unchanged[j]) {
          ids[keys[j]] = *existing[j];
          ++records[where[j].first].unchanged;
          continue;
        }
        w2.push_back(where[j]);
        t2.push_back(std::move(batch_targets[j]));
        k2.push_back(keys[j]);
        e2.push_back(existing[j]);
        u2.push_back(is_update[j]);
      }
      where = std::move(w2);
      batch_targets = std::move(t2);
      keys = std::move(k2);
      existing = std::move(e2);
      is_update = std::move(u2);
      if (batch_targets.empty()) continue;
    }

    for (size_t j = 0; j < batch_targets.size(); ++j) {
      Status file_status = ReadAttachments(source_, &batch_targets[j]);
      if (!file_status.ok()) {
        RecordState& rs = records[where[j].first];
        if (!rs.failed) {
          rs.failed = true;
          commit.failures.push_back({task.object, rs.id, tag, file_status.message(), "failed"});
        }
      }
    }
    {
      // Records whose attachment could not be read are not written.
      std::vector<std::pair<size_t, size_t>> w2;
      std::vector<TargetRecord> t2;
      std::vector<std::string> k2;
      std::vector<bool> u2;
      for (size_t j = 0; j < batch_targets.size(); ++j) {
        if (records[where[j].first].failed) continue;
        w2.push_back(where[j]);
        t2.push_back(std::move(batch_targets[j]));
        k2.push_back(keys[j]);
        u2.push_back(is_update[j]);
      }
      where = std::move(w2);
      batch_targets = std::move(t2);
      keys = std::move(k2);
      is_update = std::move(u2);
      if (batch_targets.empty()) continue;
    }

    std::vector<WriteOutcome> outcomes;
    s = retry([&]() -> Status {
      BW_ASSIGN_OR_RETURN(outcomes, destination_->Upsert(m, batch_targets));
      return Status::Ok();
    });
    if (!s.ok() && !s.IsTransient() && batch_targets.size() > 1) {
      // The call as a whole was refused: write one by one so a bad record fails alone.
      outcomes.clear();
      s = Status::Ok();
      for (const auto& t : batch_targets) {
        auto one = destination_->Upsert(m, {t});
        if (one.ok() && one->size() == 1) {
          outcomes.push_back(std::move((*one)[0]));
        } else {
          WriteOutcome w;
          w.key = t.Key();
          w.action = WriteAction::kFailed;
          w.error = one.ok() ? Internal("no outcome") : one.status();
          outcomes.push_back(std::move(w));
        }
      }
    }
    if (!s.ok()) return FromStatus(s.Annotate("writing " + model));
    if (outcomes.size() != batch_targets.size()) {
      return {TaskOutcome::Code::kTransient, "destination answered the wrong number of outcomes", 0,
              0};
    }
    for (size_t j = 0; j < outcomes.size(); ++j) {
      const WriteOutcome& o = outcomes[j];
      RecordState& rs = records[where[j].first];
      if (o.action == WriteAction::kFailed) {
        rs.failed = true;
        commit.failures.push_back({task.object, rs.id, tag, o.error.ToString(), "failed"});
        continue;
      }
      ids[keys[j]] = o.destination_id;
      commit.id_map[keys[j]] = o.destination_id;
      if (!o.flag.empty()) rs.flagged = true;
      if (is_update[j]) {
        rs.updated = true;  // its manifest entry (prior values) is recorded already
      } else {
        // Not in the id map before this write: ours, so created, whatever the connector said.
        ManifestEntry e;
        e.key = keys[j];
        e.model = batch_targets[j].model;
        e.destination_id = o.destination_id;
        e.action = WriteAction::kCreated;
        stamp(&e);
        commit.manifest.push_back(std::move(e));
      }
    }
  }

  for (const auto& rs : records) {
    if (rs.unlinked) {
      ++commit.unlinked;
    } else if (rs.failed) {
      ++commit.failed;
    } else if (rs.targets.empty() || rs.unchanged == static_cast<int>(rs.targets.size())) {
      ++commit.skipped;
    } else {
      ++commit.loaded;
      if (rs.updated) ++commit.updated;
      if (rs.flagged) ++commit.flagged;
    }
  }
  bool committed = false;
  s = retry([&]() -> Status {
    BW_ASSIGN_OR_RETURN(committed, store_->CommitLoad(m, run, commit, clock_->UnixMillis()));
    return Status::Ok();
  });
  if (!s.ok()) return FromStatus(s);
  (void)committed;  // false: another attempt committed first; the outcome is the same
  TaskOutcome out;
  out.records = static_cast<int64_t>(records.size());
  out.batches = 1;
  return out;
}

}  // namespace bridgework::workers
