// Rollback against the in-memory destination and a real redis-server (EmbeddedRedis in a temp
// folder): order children-first, exact restore, id-map cleanup, and resumption after a failure
// part-way.
#include "cli/workflow/rollback_runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>

#include "cli/workflow/audit_records.h"
#include "connectors/destinations/memory/memory_destination.h"
#include "state/embedded_redis.h"
#include "state/redis_state_store.h"

namespace bridgework::cli::workflow {
namespace {

constexpr char kM[] = "wf-test";

TargetRecord Rec(const std::string& model, const std::string& object, const std::string& id,
                 Json values) {
  TargetRecord t;
  t.model = model;
  t.object = object;
  t.source_id = id;
  t.target = "t";
  t.values = std::move(values);
  return t;
}

// Fails every Revert call after the first `ok_calls` (as a destination outage would).
class FailingRevert : public connectors::DestinationConnectorWrapper {
 public:
  FailingRevert(connectors::DestinationConnector* t, int ok_calls)
      : DestinationConnectorWrapper(t), ok_calls_(ok_calls) {}
  StatusOr<std::vector<connectors::RevertOutcome>> Revert(
      const std::string& m, const std::vector<ManifestEntry>& e) override {
    if (calls_++ >= ok_calls_) return Internal("injected: destination refused the call");
    for (const auto& x : e) order.push_back(x.key);
    return target()->Revert(m, e);
  }
  std::vector<std::string> order;

 private:
  int ok_calls_;
  int calls_ = 0;
};

class RollbackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bw-wf-rb-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    auto redis = state::EmbeddedRedis::Start({dir_.string()});
    ASSERT_TRUE(redis.ok()) << redis.status().ToString();
    redis_ = std::move(*redis);
    auto store = state::RedisStateStore::Connect({redis_->url()});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    dest_ = connectors::NewMemoryDestination();
  }
  void TearDown() override {
    store_.reset();
    redis_.reset();
    std::filesystem::remove_all(dir_);
  }

  // A run that created `patients` patients (depth 0) with two notes each (depth 1), and updated
  // one record that existed before the run.
  void LoadRun(const std::string& run, int patients) {
    state::RunPlan plan;
    plan.run_id = run;
    plan.objects = {{"patients", 0, {}, 0}, {"notes", 1, {"patients"}, 0}};
    ASSERT_TRUE(store_->CreateRun(kM, plan, {}, 1).ok());
    std::vector<TargetRecord> recs;
    for (int i = 0; i < patients; ++i) {
      recs.push_back(Rec("res.partner", "patients", "P" + std::to_string(i), {{"name", "x"}}));
      for (int k = 0; k < 2; ++k) {
        recs.push_back(Rec("mail.message", "notes",
                           "N" + std::to_string(i) + "-" + std::to_string(k), {{"body", "y"}}));
      }
    }
    auto out = dest_->Upsert(kM, recs);
    ASSERT_TRUE(out.ok());
    state::LoadCommit c;
    c.task_id = "l/all/0/" + run;
    c.object = "patients";
    for (size_t i = 0; i < recs.size(); ++i) {
      const auto& o = (*out)[i];
      c.id_map[o.key] = o.destination_id;
      ManifestEntry e;
      e.key = o.key;
      e.model = recs[i].model;
      e.destination_id = o.destination_id;
      e.action = WriteAction::kCreated;
      e.depth = recs[i].object == "notes" ? 1 : 0;
      c.manifest.push_back(e);
    }
    ASSERT_TRUE(store_->CommitLoad(kM, run, c, 1).ok());
  }

  std::filesystem::path dir_;
  std::unique_ptr<state::EmbeddedRedis> redis_;
  std::unique_ptr<state::RedisStateStore> store_;
  std::unique_ptr<connectors::MemoryDestination> dest_;
};

TEST(OrderForRevert, DeepestFirstUpdatesBeforeDeletes) {
  std::vector<ManifestEntry> e(4);
  e[0].key = "patients/1/p";
  e[0].depth = 0;
  e[1].key = "notes/1/n";
  e[1].depth = 1;
  e[2].key = "patients/2/p";
  e[2].depth = 0;
  e[2].action = WriteAction::kUpdated;
  e[3].key = "docs/1/d";
  e[3].depth = 2;
  OrderForRevert(&e);
  EXPECT_EQ(e[0].key, "docs/1/d");
  EXPECT_EQ(e[1].key, "notes/1/n");
  EXPECT_EQ(e[2].key, "patients/2/p");
  EXPECT_EQ(e[3].key, "patients/1/p");
}

TEST_F(RollbackTest, WholeMigrationChildrenFirstAndIdMapCleared) {
  auto before = dest_->TakeSnapshot();
  LoadRun("run1", 5);
  FailingRevert recorder(dest_.get(), 1000);
  auto runs = RunsNewestFirst(store_.get(), kM);
  ASSERT_TRUE(runs.ok());
  auto r = RollbackRuns(store_.get(), &recorder, *runs, {kM, 4, 1});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->complete);
  EXPECT_EQ(r->objects["notes"].deleted, 10);
  EXPECT_EQ(r->objects["patients"].deleted, 5);
  // Every note was reverted before any patient.
  size_t last_note = 0, first_patient = recorder.order.size();
  for (size_t i = 0; i < recorder.order.size(); ++i) {
    if (recorder.order[i].rfind("notes/", 0) == 0) last_note = i;
    if (recorder.order[i].rfind("patients/", 0) == 0) first_patient = std::min(first_patient, i);
  }
  EXPECT_LT(last_note, first_patient);
  for (const auto& [model, recs] : dest_->TakeSnapshot()) EXPECT_TRUE(recs.empty()) << model;
  (void)before;
  auto size = store_->IdMapSize(kM);
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 0);
  // Run again: the run is marked done and skipped.
  auto again = RollbackRuns(store_.get(), dest_.get(), *runs, {kM, 4, 1});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->skipped_runs, std::vector<std::string>{"run1"});
}

// The audit log of a rollback: one row per record reverted, with its key, model, id and what
// was done, never a stored value.
TEST_F(RollbackTest, EveryRevertedRecordReachesTheAuditLog) {
  LoadRun("run1", 3);
  std::string audit = RollbackAuditHeader();
  std::map<std::string, std::string> action_of;
  RollbackOptions options{kM, 4, 1};
  options.on_reverted = [&](const std::string& run, const ManifestEntry& e,
                            const std::string& action) {
    EXPECT_EQ(run, "run1");
    action_of[e.key] = action;
    audit += RollbackAuditRow(1700000000000, run, e, action);
  };
  auto r = RollbackRuns(store_.get(), dest_.get(), {"run1"}, options);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(action_of.size(), 9u);  // 3 patients, 6 notes
  for (const auto& [key, action] : action_of) EXPECT_EQ(action, "deleted") << key;
  EXPECT_NE(audit.find("1700000000000,run1,patients,patients/P0/t,res.partner,"), std::string::npos)
      << audit;
  EXPECT_EQ(audit.find("\"x\""), std::string::npos);  // no stored value
}

TEST(AuditRecords, ARowNamesBatchWorkerAndIdsOnly) {
  ManifestEntry e;
  e.key = "patients/P7/record";
  e.model = "res.partner";
  e.destination_id = "42";
  e.action = WriteAction::kUpdated;
  e.prior_values = {{"name", "Ada Lovelace"}};
  e.batch = "l/patients/0/3";
  e.worker = "w-1";
  e.time_ms = 5;
  EXPECT_EQ(AuditRecordRow("run9", e),
            "5,run9,l/patients/0/3,w-1,patients,patients/P7/record,res.partner,42,updated\r\n");
  // And it survives the manifest's JSON round trip.
  auto back = ManifestEntry::FromJson(e.ToJson());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->batch, "l/patients/0/3");
  EXPECT_EQ(back->worker, "w-1");
  EXPECT_EQ(back->time_ms, 5);
}

TEST_F(RollbackTest, InterruptedRollbackFinishesWhenRunAgain) {
  LoadRun("run1", 6);  // 18 entries, pages of 4: fails on the third call
  FailingRevert flaky(dest_.get(), 2);
  auto first = RollbackRuns(store_.get(), &flaky, {"run1"}, {kM, 4, 2});
  ASSERT_FALSE(first.ok());
  EXPECT_NE(first.status().message().find("stopped at entry 8 of 18"), std::string::npos)
      << first.status().message();
  auto second = RollbackRuns(store_.get(), dest_.get(), {"run1"}, {kM, 4, 1});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_TRUE(second->complete);
  int64_t done = 0;
  for (const auto& [o, c] : second->objects) {
    EXPECT_EQ(c.failed, 0);
    done += c.deleted + c.already_gone;
  }
  EXPECT_EQ(done, 10);  // resumed after the 8 already reverted
  for (const auto& [model, recs] : dest_->TakeSnapshot()) EXPECT_TRUE(recs.empty()) << model;
}

TEST_F(RollbackTest, RestoresUpdatedRecordsToPriorValuesNewestRunFirst) {
  LoadRun("run1", 1);
  // run2 updated the patient in place: rollback of everything restores, then deletes it.
  auto out = dest_->Upsert(kM, {Rec("res.partner", "patients", "P0", {{"name", "changed"}})});
  ASSERT_TRUE(out.ok());
  ASSERT_EQ((*out)[0].action, WriteAction::kUpdated);
  state::RunPlan plan;
  plan.run_id = "run2";
  plan.modified_since = "2024-01-01T00:00:00Z";
  ASSERT_TRUE(store_->CreateRun(kM, plan, {}, 2).ok());
  state::LoadCommit c;
  c.task_id = "l/patients/0/1";
  c.object = "patients";
  ManifestEntry e;
  e.key = (*out)[0].key;
  e.model = "res.partner";
  e.destination_id = (*out)[0].destination_id;
  e.action = WriteAction::kUpdated;
  e.prior_values = (*out)[0].prior_values;
  c.manifest.push_back(e);
  ASSERT_TRUE(store_->CommitLoad(kM, "run2", c, 2).ok());

  auto only2 = RollbackRuns(store_.get(), dest_.get(), {"run2"}, {kM, 10, 1});
  ASSERT_TRUE(only2.ok());
  EXPECT_EQ(only2->objects["patients"].restored, 1);
  auto snap = dest_->TakeSnapshot();
  EXPECT_EQ(snap["res.partner"].at(e.destination_id).values["name"], "x");
  auto id = store_->LookupIds(kM, {e.key});
  ASSERT_TRUE(id.ok());
  EXPECT_TRUE((*id)[0].has_value());  // created by run1: still mapped

  auto runs = RunsNewestFirst(store_.get(), kM);
  ASSERT_TRUE(runs.ok());
  EXPECT_EQ(*runs, (std::vector<std::string>{"run2", "run1"}));
  auto all = RollbackRuns(store_.get(), dest_.get(), *runs, {kM, 10, 1});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->skipped_runs, std::vector<std::string>{"run2"});
  EXPECT_TRUE(dest_->TakeSnapshot()["res.partner"].empty());
}

}  // namespace
}  // namespace bridgework::cli::workflow
