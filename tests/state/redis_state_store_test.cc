// The Redis state store against a real redis-server: each atomic step happens once however often
// it is repeated, the id map never takes a second id for a key, tasks fail for good after their
// attempts, and an unreachable Redis is a clear transient error.
#include "state/redis_state_store.h"

#include <gtest/gtest.h>

#include "tests/fakes/redis_server.h"

namespace bridgework::state {
namespace {

class RedisStateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(redis_.Start());
    RedisStateStoreOptions o;
    o.url = redis_.url();
    auto s = RedisStateStore::Connect(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    RunPlan plan;
    plan.run_id = "r1";
    plan.objects = {{"patients", 0, {}, 1}, {"notes", 1, {"patients"}, 1}};
    std::vector<TaskSpec> tasks(2);
    tasks[0].id = ExtractTaskId("patients", 0);
    tasks[0].shard_token = "0-10";
    tasks[1].id = ExtractTaskId("notes", 0);
    tasks[1].shard_token = "0-5";
    ASSERT_TRUE(store_->CreateRun("m", plan, tasks, 1000).ok());
    ASSERT_TRUE(store_->CreateRun("m", plan, tasks, 2000).ok());  // repeated: no change
  }

  testing::RedisServer redis_;
  std::unique_ptr<RedisStateStore> store_;
};

TEST_F(RedisStateStoreTest, CreateRunIsOnceAndResumable) {
  auto run = store_->CurrentRun("m");
  ASSERT_TRUE(run.ok());
  ASSERT_TRUE(run->has_value());
  EXPECT_EQ((*run)->plan.run_id, "r1");
  EXPECT_EQ((*run)->status, "running");
  EXPECT_EQ((*run)->started_ms, 1000);
  ASSERT_EQ((*run)->plan.objects.size(), 2u);
  EXPECT_EQ((*run)->plan.objects[1].parents, std::vector<std::string>{"patients"});
  auto t1 = store_->Lease("m", "r1", TaskKind::kExtract, "", "w", 5000);
  auto t2 = store_->Lease("m", "r1", TaskKind::kExtract, "", "w", 5000);
  auto t3 = store_->Lease("m", "r1", TaskKind::kExtract, "", "w", 5000);
  ASSERT_TRUE(t1.ok() && t2.ok() && t3.ok());
  ASSERT_TRUE(t1->has_value() && t2->has_value());
  EXPECT_FALSE(t3->has_value()) << "only two extract tasks were queued, once";
  EXPECT_EQ((*t1)->shard_token, "0-10");
  EXPECT_EQ((*t1)->attempt, 1);
}

TEST_F(RedisStateStoreTest, StagingCountsOncePerBatch) {
  std::vector<FailureEntry> errors = {{"patients", "p-9", "email", "invalid email", "failed"}};
  auto a =
      store_->StageBatch("m", "r1", "patients", LoadTaskId("patients", 0, 0), "bytes", 3, errors);
  auto b =
      store_->StageBatch("m", "r1", "patients", LoadTaskId("patients", 0, 0), "bytes", 3, errors);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(*a);
  EXPECT_FALSE(*b);
  auto c = store_->Counters("m", "r1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->at("patients").read, 4);
  EXPECT_EQ(c->at("patients").failed, 1);
  EXPECT_EQ(c->at("patients").load_total, 1);
  EXPECT_EQ(c->at("patients").queued_loads, 1);
  auto f = store_->Failures("m", "r1", 0, 10);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 1u);
  EXPECT_EQ((*f)[0].field, "email");
}

TEST_F(RedisStateStoreTest, CommitIsOncePerTaskAndTheIdMapNeverChangesAnId) {
  const std::string batch = LoadTaskId("patients", 0, 0);
  ASSERT_TRUE(store_->StageBatch("m", "r1", "patients", batch, "x", 2, {}).ok());
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
  auto first = store_->CommitLoad("m", "r1", c, 1);
  auto again = store_->CommitLoad("m", "r1", c, 2);
  ASSERT_TRUE(first.ok() && again.ok()) << first.status().ToString();
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*again);
  auto counters = store_->Counters("m", "r1");
  ASSERT_TRUE(counters.ok());
  EXPECT_EQ(counters->at("patients").loaded, 2);
  EXPECT_EQ(counters->at("patients").load_done, 1);
  auto batch_left = store_->ReadBatch("m", "r1", batch);
  EXPECT_EQ(batch_left.status().code(), StatusCode::kNotFound);
  auto ids = store_->LookupIds("m", {"patients/p-1/record", "patients/p-3/record"});
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ((*ids)[0], std::optional<std::string>("id-1"));
  EXPECT_FALSE((*ids)[1].has_value());

  // Another task claiming a different id for p-1: refused, nothing of it applied.
  ASSERT_TRUE(
      store_->StageBatch("m", "r1", "patients", LoadTaskId("patients", 0, 1), "y", 1, {}).ok());
  LoadCommit bad;
  bad.task_id = LoadTaskId("patients", 0, 1);
  bad.object = "patients";
  bad.id_map = {{"patients/p-1/record", "id-OTHER"}, {"patients/p-4/record", "id-4"}};
  bad.loaded = 1;
  auto r = store_->CommitLoad("m", "r1", bad, 3);
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  auto p4 = store_->LookupIds("m", {"patients/p-4/record"});
  ASSERT_TRUE(p4.ok());
  EXPECT_FALSE((*p4)[0].has_value());
  EXPECT_EQ(*store_->IdMapSize("m"), 2);
}

TEST_F(RedisStateStoreTest, PriorValuesAreNeverOverwritten) {
  ManifestEntry first;
  first.key = "patients/p-1/record";
  first.model = "patients";
  first.destination_id = "id-1";
  first.action = WriteAction::kUpdated;
  first.prior_values = {{"name", "before"}};
  ManifestEntry later = first;
  later.prior_values = {{"name", "after-a-retry"}};
  ASSERT_TRUE(store_->RecordPriorValues("m", "r1", {first}).ok());
  ASSERT_TRUE(store_->RecordPriorValues("m", "r1", {later}).ok());
  auto page = store_->ManifestPage("m", "r1", "0", 100);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->second.size(), 1u);
  EXPECT_EQ(page->second[0].prior_values["name"], "before");
  auto in = store_->InManifest("m", "r1", {"patients/p-1/record", "patients/p-2/record"});
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(*in, (std::vector<bool>{true, false}));
}

TEST_F(RedisStateStoreTest, TaskFailsForGoodAfterMaxAttemptsAndTheRunGoesOn) {
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto t = store_->Lease("m", "r1", TaskKind::kExtract, "", "w", 10);
    ASSERT_TRUE(t.ok() && t->has_value());
    if ((*t)->id != ExtractTaskId("patients", 0)) {
      ASSERT_TRUE(store_->CompleteTask("m", "r1", (*t)->id).ok());
      t = store_->Lease("m", "r1", TaskKind::kExtract, "", "w", 10);
      ASSERT_TRUE(t.ok() && t->has_value());
    }
    EXPECT_EQ((*t)->attempt, attempt);
    auto expired = store_->ExpiredLeases("m", "r1", 100);
    ASSERT_TRUE(expired.ok());
    ASSERT_EQ(expired->size(), 1u);
    auto r = store_->Requeue("m", "r1", (*t)->id, "source timed out", 3, false);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, attempt < 3 ? RequeueOutcome::kRequeued : RequeueOutcome::kFailed);
  }
  // The run goes on: the other extract tasks still lease and complete (whatever their order).
  for (;;) {
    auto t = store_->Lease("m", "r1", TaskKind::kExtract, "", "w", 10);
    ASSERT_TRUE(t.ok());
    if (!t->has_value()) break;
    ASSERT_NE((*t)->id, ExtractTaskId("patients", 0));  // failed for good: never leased again
    ASSERT_TRUE(store_->CompleteTask("m", "r1", (*t)->id).ok());
  }
  auto c = store_->Counters("m", "r1");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->at("patients").extract_failed, 1);
  EXPECT_TRUE(c->at("patients").ExtractFinished());
  EXPECT_TRUE(c->at("notes").ExtractFinished());
  auto f = store_->Failures("m", "r1", 0, 10);
  ASSERT_TRUE(f.ok());
  ASSERT_EQ(f->size(), 1u);
  EXPECT_EQ((*f)[0].reason, "source timed out");
}

TEST_F(RedisStateStoreTest, DoneTasksStayDoneWhenTheirLeaseIsRequeued) {
  auto t = store_->Lease("m", "r1", TaskKind::kExtract, "", "w", 10);
  ASSERT_TRUE(t.ok() && t->has_value());
  ASSERT_TRUE(store_->CompleteTask("m", "r1", (*t)->id).ok());
  ASSERT_TRUE(store_->CompleteTask("m", "r1", (*t)->id).ok());
  auto r = store_->Requeue("m", "r1", (*t)->id, "late", 3, false);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(*r, RequeueOutcome::kFailed);
  auto c = store_->Counters("m", "r1");
  EXPECT_EQ(c->at((*t)->object).extract_done, 1);
}

TEST(RedisStateStoreConnect, UnreachableRedisIsAClearTransientError) {
  RedisStateStoreOptions o;
  o.url = "redis://127.0.0.1:" + std::to_string(testing::FreePort());
  o.connect_deadline = std::chrono::milliseconds(300);
  auto s = RedisStateStore::Connect(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(s.status().message().find("unreachable"), std::string::npos) << s.status().message();
}

TEST(RedisStateStoreConnect, ReconnectsAfterARedisRestart) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  RedisStateStoreOptions o;
  o.url = redis.url();
  auto s = RedisStateStore::Connect(o);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->SetValue("m", "watermark:patients", "2024-01-01T00:00:00Z").ok());
  redis.Stop();
  EXPECT_EQ((*s)->Ping().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(redis.Start());
  auto v = (*s)->GetValue("m", "watermark:patients");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, std::optional<std::string>("2024-01-01T00:00:00Z"));
}

TEST(RedisAddress, ParsesTcpAndUnixUrlsAndRefusesCredentials) {
  auto a = ParseRedisAddress("redis://10.0.0.5:6380/2");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "10.0.0.5");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->db, 2);
  auto u = ParseRedisAddress("unix:///tmp/r.sock?db=1");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->unix_path, "/tmp/r.sock");
  EXPECT_EQ(u->db, 1);
  EXPECT_FALSE(ParseRedisAddress("redis://user:secret@host:1").ok());
  EXPECT_FALSE(ParseRedisAddress("http://host").ok());
}

}  // namespace
}  // namespace bridgework::state
