// The StateStore contract, run against every store (Redis on a real redis-server, in-memory):
// each atomic step happens once however often it is repeated, the id map never takes a second id
// for a key, tasks fail for good after their attempts, leases end and come back, and the
// progress / outcome reads (counters, failures, manifest pages, audit pages) say what happened.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <thread>

#include "state/memory_state_store.h"
#include "state/redis_state_store.h"
#include "tests/fakes/redis_server.h"

namespace bridgework::state {
namespace {

// A store under test and whatever it needs running.
struct RedisBackend {
  bridgework::testing::RedisServer redis;
  std::unique_ptr<StateStore> Open() {
    if (!redis.Start()) return nullptr;
    RedisStateStoreOptions o;
    o.url = redis.url();
    auto s = RedisStateStore::Connect(o);
    if (!s.ok()) return nullptr;
    return std::move(*s);
  }
};

struct MemoryBackend {
  std::unique_ptr<StateStore> Open() { return std::make_unique<MemoryStateStore>(); }
};

template <typename Backend>
class StateStoreContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = backend_.Open();
    ASSERT_NE(store_, nullptr);
    RunPlan plan;
    plan.run_id = "r1";
    plan.map_hash = "hash-1";
    plan.objects = {{"patients", 0, {}, 1}, {"notes", 1, {"patients"}, 1}};
    std::vector<TaskSpec> tasks(2);
    tasks[0].id = ExtractTaskId("patients", 0);
    tasks[0].shard_token = "0-10";
    tasks[1].id = ExtractTaskId("notes", 0);
    tasks[1].shard_token = "0-5";
    ASSERT_TRUE(store_->CreateRun("m", plan, tasks, 1000).ok());
    ASSERT_TRUE(store_->CreateRun("m", plan, tasks, 2000).ok());  // repeated: no change
  }

  ObjectCounters CountersOf(const std::string& object) {
    auto c = store_->Counters("m", "r1");
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() && c->count(object) ? c->at(object) : ObjectCounters{};
  }

  // Stages a batch of `records` patients and leases it.
  std::string StageAndLease(int64_t sequence, int64_t records) {
    const std::string batch = LoadTaskId("patients", 0, sequence);
    EXPECT_TRUE(store_->StageBatch("m", "r1", "patients", batch, "b", records, {}).ok());
    auto t = store_->Lease("m", "r1", TaskKind::kLoad, "patients", "w", 5000);
    EXPECT_TRUE(t.ok() && t->has_value());
    return batch;
  }

  Backend backend_;
  std::unique_ptr<StateStore> store_;
};

using Backends = ::testing::Types<RedisBackend, MemoryBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, RedisBackend> ? "Redis" : "Memory";
  }
};
TYPED_TEST_SUITE(StateStoreContractTest, Backends, BackendNames);

TYPED_TEST(StateStoreContractTest, CreateRunIsOnceAndResumable) {
  auto& store = this->store_;
  auto run = store->CurrentRun("m");
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(run->has_value());
  EXPECT_EQ((*run)->plan.run_id, "r1");
  EXPECT_EQ((*run)->plan.map_hash, "hash-1");
  EXPECT_EQ((*run)->status, "running");
  EXPECT_EQ((*run)->started_ms, 1000);
  ASSERT_EQ((*run)->plan.objects.size(), 2u);
  EXPECT_EQ((*run)->plan.objects[1].parents, std::vector<std::string>{"patients"});
  auto t1 = store->Lease("m", "r1", TaskKind::kExtract, "", "w", 5000);
  auto t2 = store->Lease("m", "r1", TaskKind::kExtract, "", "w", 5000);
  auto t3 = store->Lease("m", "r1", TaskKind::kExtract, "", "w", 5000);
  ASSERT_TRUE(t1.ok() && t2.ok() && t3.ok());
  ASSERT_TRUE(t1->has_value() && t2->has_value());
  EXPECT_FALSE(t3->has_value()) << "only two extract tasks were queued, once";
  EXPECT_EQ((*t1)->id, ExtractTaskId("patients", 0));
  EXPECT_EQ((*t1)->kind, TaskKind::kExtract);
  EXPECT_EQ((*t1)->object, "patients");
  EXPECT_EQ((*t1)->shard_token, "0-10");
  EXPECT_EQ((*t1)->attempt, 1);
  EXPECT_EQ(this->CountersOf("patients").extract_total, 1);
}

TYPED_TEST(StateStoreContractTest, NoRunYetAndUnknownRuns) {
  auto& store = this->store_;
  auto none = store->CurrentRun("other");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(store->Counters("m", "no-such-run").status().code(), StatusCode::kNotFound);
  auto get = store->GetRun("m", "no-such-run");
  ASSERT_TRUE(get.ok());
  EXPECT_FALSE(get->has_value());
  EXPECT_EQ(store->FinishRun("m", "no-such-run", "done", 5).code(),
            StatusCode::kFailedPrecondition);
  auto t = store->Lease("m", "no-such-run", TaskKind::kExtract, "", "w", 5000);
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->has_value());
}

TYPED_TEST(StateStoreContractTest, RunsAreListedAndAFinishedRunIsKept) {
  auto& store = this->store_;
  ASSERT_TRUE(store->FinishRun("m", "r1", "done", 3000).ok());
  auto run = store->CurrentRun("m");
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->status, "done");
  EXPECT_EQ((*run)->finished_ms, 3000);

  RunPlan second;
  second.run_id = "r2";
  second.objects = {{"patients", 0, {}, 0}};
  ASSERT_TRUE(store->CreateRun("m", second, {}, 4000).ok());
  run = store->CurrentRun("m");
  ASSERT_TRUE(run.ok() && run->has_value());
  EXPECT_EQ((*run)->plan.run_id, "r2");
  EXPECT_EQ((*run)->status, "running");
  EXPECT_EQ((*run)->finished_ms, 0);
  EXPECT_EQ(*store->ListRuns("m"), (std::vector<std::string>{"r1", "r2"}));
  auto old = store->GetRun("m", "r1");
  ASSERT_TRUE(old.ok() && old->has_value());
  EXPECT_EQ((*old)->plan.objects.size(), 2u);
  EXPECT_EQ((*old)->status, "") << "only the current run has a status";
  EXPECT_EQ(store->FinishRun("m", "r1", "done", 5000).code(), StatusCode::kFailedPrecondition);
  // The old run's counters are still there.
  auto c = store->Counters("m", "r1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->at("notes").extract_total, 1);
}

TYPED_TEST(StateStoreContractTest, StagingCountsOncePerBatch) {
  auto& store = this->store_;
  std::vector<FailureEntry> errors = {{"patients", "p-9", "email", "invalid email", "failed"}};
  auto a =
      store->StageBatch("m", "r1", "patients", LoadTaskId("patients", 0, 0), "bytes", 3, errors);
  auto b =
      store->StageBatch("m", "r1", "patients", LoadTaskId("patients", 0, 0), "bytes", 3, errors);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(*a);
  EXPECT_FALSE(*b);
  ObjectCounters c = this->CountersOf("patients");
  EXPECT_EQ(c.read, 4);
  EXPECT_EQ(c.failed, 1);
  EXPECT_EQ(c.load_total, 1);
  EXPECT_EQ(c.queued_loads, 1);
  auto f = store->Failures("m", "r1", 0, 10);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 1u);
  EXPECT_EQ((*f)[0].field, "email");
  EXPECT_EQ((*f)[0].id, "p-9");
  auto bytes = store->ReadBatch("m", "r1", LoadTaskId("patients", 0, 0));
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, "bytes");
  EXPECT_EQ(store->ReadBatch("m", "r1", LoadTaskId("patients", 0, 7)).status().code(),
            StatusCode::kNotFound);
}

TYPED_TEST(StateStoreContractTest, LoadsLeaseInStagingOrderPerObject) {
  auto& store = this->store_;
  for (int64_t seq = 0; seq < 3; ++seq) {
    ASSERT_TRUE(
        store->StageBatch("m", "r1", "patients", LoadTaskId("patients", 2, seq), "b", 1, {}).ok());
  }
  auto notes = store->Lease("m", "r1", TaskKind::kLoad, "notes", "w", 5000);
  ASSERT_TRUE(notes.ok());
  EXPECT_FALSE(notes->has_value()) << "nothing of notes was staged";
  for (int64_t seq = 0; seq < 3; ++seq) {
    auto t = store->Lease("m", "r1", TaskKind::kLoad, "patients", "w", 5000);
    ASSERT_TRUE(t.ok() && t->has_value());
    EXPECT_EQ((*t)->id, LoadTaskId("patients", 2, seq));
    EXPECT_EQ((*t)->kind, TaskKind::kLoad);
    EXPECT_EQ((*t)->shard_index, 2);
  }
  EXPECT_EQ(this->CountersOf("patients").queued_loads, 0);
}

TYPED_TEST(StateStoreContractTest, CommitIsOncePerTaskAndTheIdMapNeverChangesAnId) {
  auto& store = this->store_;
  const std::string batch = LoadTaskId("patients", 0, 0);
  ASSERT_TRUE(store->StageBatch("m", "r1", "patients", batch, "x", 2, {}).ok());
  LoadCommit c;
  c.task_id = batch;
  c.object = "patients";
  c.worker = "w";
  c.id_map = {{"patients/p-1/record", "id-1"}, {"patients/p-2/record", "id-2"}};
  ManifestEntry e;
  e.key = "patients/p-1/record";
  e.model = "patients";
  e.destination_id = "id-1";
  c.manifest.push_back(e);
  c.loaded = 2;
  auto first = store->CommitLoad("m", "r1", c, 1);
  auto again = store->CommitLoad("m", "r1", c, 2);
  ASSERT_TRUE(first.ok() && again.ok()) << first.status().ToString();
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*again);
  ObjectCounters counters = this->CountersOf("patients");
  EXPECT_EQ(counters.loaded, 2);
  EXPECT_EQ(counters.load_done, 1);
  auto done = store->IsDone("m", "r1", batch);
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(*done);
  auto batch_left = store->ReadBatch("m", "r1", batch);
  EXPECT_EQ(batch_left.status().code(), StatusCode::kNotFound);
  auto ids = store->LookupIds("m", {"patients/p-1/record", "patients/p-3/record"});
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ((*ids)[0], std::optional<std::string>("id-1"));
  EXPECT_FALSE((*ids)[1].has_value());

  // Another task claiming a different id for p-1: refused, nothing of it applied.
  ASSERT_TRUE(
      store->StageBatch("m", "r1", "patients", LoadTaskId("patients", 0, 1), "y", 1, {}).ok());
  LoadCommit bad;
  bad.task_id = LoadTaskId("patients", 0, 1);
  bad.object = "patients";
  bad.id_map = {{"patients/p-1/record", "id-OTHER"}, {"patients/p-4/record", "id-4"}};
  bad.loaded = 1;
  auto r = store->CommitLoad("m", "r1", bad, 3);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  auto p4 = store->LookupIds("m", {"patients/p-4/record"});
  ASSERT_TRUE(p4.ok());
  EXPECT_FALSE((*p4)[0].has_value());
  EXPECT_EQ(*store->IdMapSize("m"), 2);
  EXPECT_EQ(this->CountersOf("patients").loaded, 2);
  EXPECT_FALSE(*store->IsDone("m", "r1", bad.task_id));
}

// A commit bigger than the store's internal chunks (Redis: 1,000 values per call from Lua): every
// id, manifest entry and failure lands once, an earlier run's entry for a key is kept, and a key
// already mapped to the same id is no conflict.
TYPED_TEST(StateStoreContractTest, AVeryLargeCommitLandsWhole) {
  auto& store = this->store_;
  auto key = [](int i) { return "patients/p-" + std::to_string(i) + "/record"; };
  ASSERT_TRUE(store->SetIdMapEntries("m", {{key(0), "id-0"}}).ok());  // from an earlier run
  ManifestEntry prior;
  prior.key = key(0);
  prior.model = "patients";
  prior.destination_id = "id-0";
  prior.action = WriteAction::kUpdated;
  prior.prior_values = {{"name", "before"}};
  ASSERT_TRUE(store->RecordPriorValues("m", "r1", {prior}).ok());

  const int n = 2500;
  const std::string batch = this->StageAndLease(0, n);
  LoadCommit c;
  c.task_id = batch;
  c.object = "patients";
  for (int i = 0; i < n; ++i) {
    c.id_map[key(i)] = "id-" + std::to_string(i);
    ManifestEntry e;
    e.key = key(i);
    e.model = "patients";
    e.destination_id = "id-" + std::to_string(i);
    e.action = WriteAction::kCreated;
    c.manifest.push_back(e);
  }
  ManifestEntry twice = c.manifest[5];  // a key twice in one commit: the first entry counts
  twice.action = WriteAction::kUpdated;
  twice.prior_values = {{"name", "not this one"}};
  c.manifest.push_back(twice);
  for (int i = 0; i < 1200; ++i) {
    c.failures.push_back({"patients", "f-" + std::to_string(i), "name", "empty", "failed"});
  }
  c.loaded = n;
  auto committed = store->CommitLoad("m", "r1", c, 1);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_TRUE(*committed);
  EXPECT_EQ(*store->IdMapSize("m"), n);
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) keys.push_back(key(i));
  auto ids = store->LookupIds("m", keys);
  ASSERT_TRUE(ids.ok());
  for (int i = 0; i < n; ++i) {
    ASSERT_EQ((*ids)[i], std::optional<std::string>("id-" + std::to_string(i))) << i;
  }
  std::map<std::string, ManifestEntry> manifest;
  ASSERT_TRUE(ForEachManifestEntry(store.get(), "m", "r1", [&](const ManifestEntry& e) {
                manifest[e.key] = e;
              }).ok());
  ASSERT_EQ(manifest.size(), static_cast<size_t>(n));
  EXPECT_EQ(manifest[key(0)].action, WriteAction::kUpdated);  // the earlier entry stays
  EXPECT_EQ(manifest[key(0)].prior_values["name"], "before");
  EXPECT_EQ(manifest[key(n - 1)].action, WriteAction::kCreated);
  EXPECT_EQ(manifest[key(5)].action, WriteAction::kCreated);
  auto failures = store->Failures("m", "r1", 0, 5000);
  ASSERT_TRUE(failures.ok());
  EXPECT_EQ(failures->size(), 1200u);
  EXPECT_EQ(this->CountersOf("patients").loaded, n);
}

// A worker killed part-way through an extract: the extract runs again and stages the same batch
// ids, including ones already loaded (their bodies deleted on commit). Those must not come back,
// or the object's read count doubles and its loads never finish.
TYPED_TEST(StateStoreContractTest, AnExtractRerunDoesNotRestageALoadedBatch) {
  auto& store = this->store_;
  const std::string batch = this->StageAndLease(0, 2);
  LoadCommit c;
  c.task_id = batch;
  c.object = "patients";
  c.worker = "w";
  c.loaded = 2;
  ASSERT_TRUE(store->CommitLoad("m", "r1", c, 1).ok());

  auto again = store->StageBatch("m", "r1", "patients", batch, "x", 2, {});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(*again);
  ObjectCounters counters = this->CountersOf("patients");
  EXPECT_EQ(counters.read, 2);
  EXPECT_EQ(counters.load_total, 1);
  EXPECT_EQ(counters.queued_loads, 0);
  EXPECT_TRUE(counters.FullyLoaded() || !counters.ExtractFinished());
  auto none = store->Lease("m", "r1", TaskKind::kLoad, "patients", "w", 5000);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TYPED_TEST(StateStoreContractTest, PriorValuesAreNeverOverwritten) {
  auto& store = this->store_;
  ManifestEntry first;
  first.key = "patients/p-1/record";
  first.model = "patients";
  first.destination_id = "id-1";
  first.action = WriteAction::kUpdated;
  first.prior_values = {{"name", "before"}};
  first.depth = 1;
  ManifestEntry later = first;
  later.prior_values = {{"name", "after-a-retry"}};
  ASSERT_TRUE(store->RecordPriorValues("m", "r1", {first}).ok());
  ASSERT_TRUE(store->RecordPriorValues("m", "r1", {later}).ok());
  auto page = store->ManifestPage("m", "r1", "0", 100);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->first, "0");
  ASSERT_EQ(page->second.size(), 1u);
  EXPECT_EQ(page->second[0].prior_values["name"], "before");
  EXPECT_EQ(page->second[0].action, WriteAction::kUpdated);
  EXPECT_EQ(page->second[0].depth, 1);
  auto in = store->HasPriorValues("m", "r1", {"patients/p-1/record", "patients/p-2/record"});
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(*in, (std::vector<bool>{true, false}));
  // A commit's entry for the same key does not replace it either.
  const std::string batch = this->StageAndLease(0, 1);
  LoadCommit c;
  c.task_id = batch;
  c.object = "patients";
  c.manifest.push_back(later);
  c.loaded = 1;
  c.updated = 1;
  ASSERT_TRUE(store->CommitLoad("m", "r1", c, 1).ok());
  page = store->ManifestPage("m", "r1", "0", 100);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->second.size(), 1u);
  EXPECT_EQ(page->second[0].prior_values["name"], "before");
}

// A commit's created entries come back whole: who wrote them, in which batch, when.
TYPED_TEST(StateStoreContractTest, CreatedEntriesComeBackWithTheirAuditFields) {
  auto& store = this->store_;
  const std::string batch = this->StageAndLease(0, 3);
  LoadCommit c;
  c.task_id = batch;
  c.object = "patients";
  c.worker = "w-2";
  for (int i = 0; i < 3; ++i) {
    ManifestEntry e;
    e.key = "patients/p-" + std::to_string(i) + "/" + (i == 2 ? "contact" : "record");
    e.model = i == 2 ? "res.partner" : "crm.lead";
    e.destination_id = std::to_string(70 + i);
    e.depth = 1;
    e.batch = batch;
    e.worker = "w-2";
    e.time_ms = 1764095000000 + 10 * i;
    c.id_map[e.key] = e.destination_id;
    c.manifest.push_back(e);
  }
  c.loaded = 3;
  ASSERT_TRUE(store->CommitLoad("m", "r1", c, 1764095000100).ok());
  std::map<std::string, ManifestEntry> got;
  ASSERT_TRUE(ForEachManifestEntry(store.get(), "m", "r1", [&](const ManifestEntry& e) {
                got[e.key] = e;
              }).ok());
  ASSERT_EQ(got.size(), 3u);
  for (const auto& want : c.manifest) {
    const ManifestEntry& e = got[want.key];
    EXPECT_EQ(e.model, want.model);
    EXPECT_EQ(e.destination_id, want.destination_id);
    EXPECT_EQ(e.action, WriteAction::kCreated);
    EXPECT_EQ(e.depth, 1);
    EXPECT_EQ(e.batch, batch);
    EXPECT_EQ(e.worker, "w-2");
    EXPECT_EQ(e.time_ms, want.time_ms);
  }
  auto prior = store->HasPriorValues("m", "r1", {c.manifest[0].key});
  ASSERT_TRUE(prior.ok());
  EXPECT_EQ(*prior, std::vector<bool>{false});
}

// The same source id twice in one run: the second batch finds the record mapped and updates it,
// recording the values the first batch wrote as prior values. The record did not exist before
// the run, so its entry stays "created" and rollback deletes it.
TYPED_TEST(StateStoreContractTest, ARecordCreatedInThisRunStaysCreatedWhenUpdatedAgain) {
  auto& store = this->store_;
  const std::string key = "patients/p-1/record";
  // The second batch reads and records prior values before the first one commits.
  ManifestEntry prior;
  prior.key = key;
  prior.model = "crm.lead";
  prior.destination_id = "id-1";
  prior.action = WriteAction::kUpdated;
  prior.prior_values = {{"name", "as the first batch wrote it"}};
  ASSERT_TRUE(store->RecordPriorValues("m", "r1", {prior}).ok());
  const std::string first = this->StageAndLease(0, 1);
  LoadCommit c;
  c.task_id = first;
  c.object = "patients";
  c.id_map[key] = "id-1";
  ManifestEntry created = prior;
  created.action = WriteAction::kCreated;
  created.prior_values = nullptr;
  created.batch = first;
  c.manifest.push_back(created);
  c.loaded = 1;
  ASSERT_TRUE(store->CommitLoad("m", "r1", c, 1).ok());
  // And prior values recorded after it do not change it either.
  ASSERT_TRUE(store->RecordPriorValues("m", "r1", {prior}).ok());
  const std::string second = this->StageAndLease(1, 1);
  LoadCommit again;
  again.task_id = second;
  again.object = "patients";
  again.id_map[key] = "id-1";
  again.loaded = 1;
  again.updated = 1;
  ASSERT_TRUE(store->CommitLoad("m", "r1", again, 2).ok());
  std::vector<ManifestEntry> got;
  ASSERT_TRUE(ForEachManifestEntry(store.get(), "m", "r1", [&](const ManifestEntry& e) {
                got.push_back(e);
              }).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].action, WriteAction::kCreated);
  EXPECT_EQ(got[0].batch, first);
}

TYPED_TEST(StateStoreContractTest, ManifestPagesReturnEveryEntryOnce) {
  auto& store = this->store_;
  std::vector<ManifestEntry> entries;
  for (int i = 0; i < 1200; ++i) {
    ManifestEntry e;
    e.key = "patients/p-" + std::to_string(i) + "/record";
    e.model = "res.partner";
    e.destination_id = std::to_string(1000 + i);
    entries.push_back(e);
  }
  ASSERT_TRUE(store->RecordPriorValues("m", "r1", entries).ok());
  std::set<std::string> seen;
  std::string cursor = "0";
  int pages = 0;
  do {
    auto page = store->ManifestPage("m", "r1", cursor, 100);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& e : page->second) {
      EXPECT_TRUE(seen.insert(e.key).second) << e.key << " returned twice";
      EXPECT_EQ(e.destination_id, std::to_string(1000 + std::stoi(e.key.substr(11))));
    }
    cursor = page->first;
    ASSERT_LT(++pages, 1000);
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 1200u);
  EXPECT_GT(pages, 1) << "a page holds about `count` entries";
}

TYPED_TEST(StateStoreContractTest, TaskFailsForGoodAfterMaxAttemptsAndTheRunGoesOn) {
  auto& store = this->store_;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto t = store->Lease("m", "r1", TaskKind::kExtract, "", "w", 10);
    ASSERT_TRUE(t.ok() && t->has_value());
    if ((*t)->id != ExtractTaskId("patients", 0)) {
      ASSERT_TRUE(store->CompleteTask("m", "r1", (*t)->id).ok());
      t = store->Lease("m", "r1", TaskKind::kExtract, "", "w", 10);
      ASSERT_TRUE(t.ok() && t->has_value());
    }
    EXPECT_EQ((*t)->attempt, attempt);
    auto expired = store->ExpiredLeases("m", "r1", 100);
    ASSERT_TRUE(expired.ok());
    ASSERT_EQ(expired->size(), 1u);
    auto r = store->Requeue("m", "r1", (*t)->id, "source timed out", 3, false);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, attempt < 3 ? RequeueOutcome::kRequeued : RequeueOutcome::kFailed);
  }
  // The run goes on: the other extract tasks still lease and complete (whatever their order).
  for (;;) {
    auto t = store->Lease("m", "r1", TaskKind::kExtract, "", "w", 10);
    ASSERT_TRUE(t.ok());
    if (!t->has_value()) break;
    ASSERT_NE((*t)->id, ExtractTaskId("patients", 0));  // failed for good: never leased again
    ASSERT_TRUE(store->CompleteTask("m", "r1", (*t)->id).ok());
  }
  auto c = store->Counters("m", "r1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->at("patients").extract_failed, 1);
  EXPECT_EQ(c->at("patients").retries, 2);
  EXPECT_TRUE(c->at("patients").ExtractFinished());
  EXPECT_TRUE(c->at("notes").ExtractFinished());
  auto f = store->Failures("m", "r1", 0, 10);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 1u);
  EXPECT_EQ((*f)[0].reason, "source timed out");
  EXPECT_EQ((*f)[0].object, "patients");
  EXPECT_EQ((*f)[0].kind, "failed");
}

TYPED_TEST(StateStoreContractTest, AFailedLoadCountsItsRecordsAsFailed) {
  auto& store = this->store_;
  const std::string batch = this->StageAndLease(0, 7);
  auto r = store->Requeue("m", "r1", batch, "destination refused the batch", 5, /*fatal=*/true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, RequeueOutcome::kFailed);
  ObjectCounters c = this->CountersOf("patients");
  EXPECT_EQ(c.load_failed, 1);
  EXPECT_EQ(c.failed, 7);
  EXPECT_EQ(c.read, 7);
  // Ends the lease once: a second requeue of the same task changes nothing.
  auto again = store->Requeue("m", "r1", batch, "late", 5, true);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(this->CountersOf("patients").load_failed, 1);
  auto f = store->Failures("m", "r1", 0, 10);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 1u);
  EXPECT_EQ((*f)[0].id, "task " + batch);
}

TYPED_TEST(StateStoreContractTest, ARequeuedTaskComesBackFirstWithTheNextAttempt) {
  auto& store = this->store_;
  for (int64_t seq = 0; seq < 2; ++seq) {
    ASSERT_TRUE(
        store->StageBatch("m", "r1", "patients", LoadTaskId("patients", 0, seq), "b", 1, {}).ok());
  }
  auto t = store->Lease("m", "r1", TaskKind::kLoad, "patients", "w1", 5000);
  ASSERT_TRUE(t.ok() && t->has_value());
  auto r = store->Requeue("m", "r1", (*t)->id, "worker w1 stopped heartbeating", 5, false);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, RequeueOutcome::kRequeued);
  auto back = store->Lease("m", "r1", TaskKind::kLoad, "patients", "w2", 5000);
  ASSERT_TRUE(back.ok() && back->has_value());
  EXPECT_EQ((*back)->id, (*t)->id);
  EXPECT_EQ((*back)->attempt, 2);
  EXPECT_EQ(this->CountersOf("patients").retries, 1);
}

TYPED_TEST(StateStoreContractTest, LeasesExpireUnlessExtended) {
  auto& store = this->store_;
  auto a = store->Lease("m", "r1", TaskKind::kExtract, "", "w", 100);
  auto b = store->Lease("m", "r1", TaskKind::kExtract, "", "w", 200);
  ASSERT_TRUE(a.ok() && a->has_value() && b.ok() && b->has_value());
  auto expired = store->ExpiredLeases("m", "r1", 150);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(*expired, std::vector<std::string>{(*a)->id});
  ASSERT_TRUE(store->ExtendLeases("m", "r1", {(*a)->id, (*b)->id}, 1000).ok());
  expired = store->ExpiredLeases("m", "r1", 500);
  ASSERT_TRUE(expired.ok());
  EXPECT_TRUE(expired->empty());
  // A finished task's lease is not brought back by an extension.
  ASSERT_TRUE(store->CompleteTask("m", "r1", (*a)->id).ok());
  ASSERT_TRUE(store->ExtendLeases("m", "r1", {(*a)->id}, 2000).ok());
  expired = store->ExpiredLeases("m", "r1", 1500);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(*expired, std::vector<std::string>{(*b)->id});
}

TYPED_TEST(StateStoreContractTest, DoneTasksStayDoneWhenTheirLeaseIsRequeued) {
  auto& store = this->store_;
  auto t = store->Lease("m", "r1", TaskKind::kExtract, "", "w", 10);
  ASSERT_TRUE(t.ok() && t->has_value());
  ASSERT_TRUE(store->CompleteTask("m", "r1", (*t)->id).ok());
  ASSERT_TRUE(store->CompleteTask("m", "r1", (*t)->id).ok());
  auto r = store->Requeue("m", "r1", (*t)->id, "late", 3, false);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(*r, RequeueOutcome::kFailed);
  EXPECT_EQ(this->CountersOf((*t)->object).extract_done, 1);
  auto again = store->Lease("m", "r1", TaskKind::kExtract, "", "w", 10);
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_NE((*again)->id, (*t)->id) << "a done task is never queued again";
}

TYPED_TEST(StateStoreContractTest, TheAuditStreamHasOneEntryPerCommittedBatch) {
  auto& store = this->store_;
  for (int64_t seq = 0; seq < 3; ++seq) {
    const std::string batch = this->StageAndLease(seq, 4);
    LoadCommit c;
    c.task_id = batch;
    c.object = "patients";
    c.worker = std::string("w-").append(std::to_string(seq));
    c.loaded = 3;
    c.updated = 1;
    c.failed = 1;
    ASSERT_TRUE(store->CommitLoad("m", "r1", c, 100 + seq).ok());
    ASSERT_TRUE(store->CommitLoad("m", "r1", c, 200 + seq).ok());  // once per task
  }
  auto first = store->AuditPage("m", "0", 2);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].batch, LoadTaskId("patients", 0, 0));
  EXPECT_EQ((*first)[0].run, "r1");
  EXPECT_EQ((*first)[0].object, "patients");
  EXPECT_EQ((*first)[0].worker, "w-0");
  EXPECT_EQ((*first)[0].time_ms, 100);
  EXPECT_EQ((*first)[0].created, 2);
  EXPECT_EQ((*first)[0].updated, 1);
  EXPECT_EQ((*first)[0].failed, 1);
  auto rest = store->AuditPage("m", first->back().id, 10);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].batch, LoadTaskId("patients", 0, 2));
  auto none = store->AuditPage("m", (*rest)[0].id, 10);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TYPED_TEST(StateStoreContractTest, ValuesAndIdMapEditsAreMigrationWide) {
  auto& store = this->store_;
  auto none = store->GetValue("m", "delta.watermark");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store->SetValue("m", "delta.watermark", "2024-01-01T00:00:00Z").ok());
  ASSERT_TRUE(store->SetValue("m", "delta.watermark", "2024-02-01T00:00:00Z").ok());
  EXPECT_EQ(*store->GetValue("m", "delta.watermark"),
            std::optional<std::string>("2024-02-01T00:00:00Z"));
  EXPECT_FALSE(store->GetValue("other", "delta.watermark")->has_value());

  ASSERT_TRUE(store->SetIdMapEntries("m", {{"patients/p-1/record", "7"}}).ok());
  ASSERT_TRUE(store->SetIdMapEntries("m", {{"patients/p-1/record", "8"}}).ok());  // owners: replace
  EXPECT_EQ((*store->LookupIds("m", {"patients/p-1/record"}))[0], std::optional<std::string>("8"));
  EXPECT_EQ(*store->IdMapSize("m"), 1);
  EXPECT_EQ(*store->IdMapSize("other"), 0);
  ASSERT_TRUE(store->RemoveIdMapEntries("m", {"patients/p-1/record", "patients/p-x/record"}).ok());
  EXPECT_EQ(*store->IdMapSize("m"), 0);
  EXPECT_FALSE((*store->LookupIds("m", {"patients/p-1/record"}))[0].has_value());
}

// Several workers staging and committing at once: every batch counted once, every id kept.
TYPED_TEST(StateStoreContractTest, ConcurrentWorkersLoseAndDoubleNothing) {
  auto& store = this->store_;
  constexpr int kThreads = 4, kBatches = 25;
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int w = 0; w < kThreads; ++w) {
    threads.emplace_back([&, w] {
      for (int b = 0; b < kBatches; ++b) {
        const std::string batch = LoadTaskId("patients", w, b);
        // Two workers stage the same batch (an extract re-run): counted once.
        if (!store->StageBatch("m", "r1", "patients", batch, "b", 2, {}).ok()) ++errors;
        if (!store->StageBatch("m", "r1", "patients", batch, "b", 2, {}).ok()) ++errors;
        auto t = store->Lease("m", "r1", TaskKind::kLoad, "patients", "w", 5000);
        if (!t.ok() || !t->has_value()) {
          ++errors;
          continue;
        }
        LoadCommit c;
        c.task_id = (*t)->id;
        c.object = "patients";
        c.worker = std::string("w").append(std::to_string(w));
        c.id_map = {{(*t)->id + "/a", (*t)->id + "-a"}, {(*t)->id + "/b", (*t)->id + "-b"}};
        c.loaded = 2;
        for (int k = 0; k < 2; ++k) {  // the commit is retried: applied once
          if (!store->CommitLoad("m", "r1", c, 1).ok()) ++errors;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(errors.load(), 0);
  ObjectCounters c = this->CountersOf("patients");
  EXPECT_EQ(c.read, 2 * kThreads * kBatches);
  EXPECT_EQ(c.loaded, 2 * kThreads * kBatches);
  EXPECT_EQ(c.load_total, kThreads * kBatches);
  EXPECT_EQ(c.load_done, kThreads * kBatches);
  EXPECT_EQ(c.queued_loads, 0);
  EXPECT_EQ(*store->IdMapSize("m"), 2 * kThreads * kBatches);
}

}  // namespace
}  // namespace bridgework::state
