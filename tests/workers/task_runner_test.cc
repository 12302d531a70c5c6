// One load task, as a worker runs it, against the in-memory store and destination: what the
// task records for rollback when the records it writes exist already.
#include "workers/task_runner.h"

#include <gtest/gtest.h>

#include "connectors/destinations/memory/memory_destination.h"
#include "proto/protocol.h"
#include "state/memory_state_store.h"

namespace bridgework::workers {
namespace {

// Patients whose guarantor is another patient: in one batch, a record can be another's parent.
connectors::SourceDescription Patients() {
  connectors::SourceDescription d;
  d.kind = "test";
  d.objects.push_back({"patients", "Patient", "id", "", {{"guarantor_id", "patients"}}, {}});
  return d;
}

SourceRecord Patient(const std::string& id, const std::string& name, const std::string& guarantor) {
  SourceRecord r;
  r.object = "patients";
  r.id = id;
  r.Set("name", name);
  if (!guarantor.empty()) r.Set("guarantor_id", guarantor);
  return r;
}

class TaskRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override { mapper_ = NewIdentityMapper(Patients()); }

  // Plans run `run` with one staged load batch holding `records`, then runs that load task.
  TaskOutcome Load(const std::string& run, const std::vector<SourceRecord>& records) {
    state::RunPlan plan;
    plan.run_id = run;
    plan.objects = {{"patients", 0, {}, 1}};
    state::TaskSpec extract;
    extract.id = state::ExtractTaskId("patients", 0);
    EXPECT_TRUE(store_.CreateRun("m", plan, {extract}, 1).ok());
    v1::StagedBatch batch;
    for (const auto& r : records) proto::ToStaged(r, batch.add_records());
    state::TaskSpec task;
    task.kind = state::TaskKind::kLoad;
    task.object = "patients";
    task.id = state::LoadTaskId("patients", 0, 0);
    EXPECT_TRUE(store_
                    .StageBatch("m", run, "patients", task.id, batch.SerializeAsString(),
                                batch.records_size(), {})
                    .ok());
    RunContext ctx;
    ctx.migration = "m";
    ctx.run_id = run;
    ctx.worker_id = "w";
    TaskRunner runner(ctx, nullptr, &destination_, &store_, mapper_.get());
    std::atomic<bool> stop{false};
    return runner.Run(task, stop);
  }

  std::map<std::string, ManifestEntry> Manifest(const std::string& run) {
    std::map<std::string, ManifestEntry> out;
    EXPECT_TRUE(state::ForEachManifestEntry(&store_, "m", run, [&](const ManifestEntry& e) {
                  out[e.key] = e;
                }).ok());
    return out;
  }

  state::MemoryStateStore store_;
  connectors::MemoryDestination destination_;
  std::unique_ptr<RecordMapper> mapper_;
};

// A later run re-reads two patients that an earlier run created, one the other's guarantor, in
// one batch. Both existed before the run: both are updates, with their values from before it,
// and rolling the later run back must restore them, never delete them.
TEST_F(TaskRunnerTest, ARecordThatIsAlsoAParentInItsBatchIsStillAnUpdate) {
  // The first run: p-2 in its own batch first (a child's parent must be mapped before it).
  ASSERT_EQ(Load("r1", {Patient("p-2", "Guarantor", "")}).code, TaskOutcome::Code::kDone);
  ASSERT_EQ(destination_.creates(), 1);
  // The same task id in another run is another batch: p-1 now, linked to p-2.
  ASSERT_EQ(Load("r1b", {Patient("p-1", "Child", "p-2")}).code, TaskOutcome::Code::kDone);
  ASSERT_EQ(destination_.creates(), 2);

  const TaskOutcome later =
      Load("r2", {Patient("p-1", "Child renamed", "p-2"), Patient("p-2", "Guarantor renamed", "")});
  ASSERT_EQ(later.code, TaskOutcome::Code::kDone) << later.reason;
  EXPECT_EQ(destination_.creates(), 2) << "nothing is created twice";
  auto counters = store_.Counters("m", "r2");
  ASSERT_TRUE(counters.ok());
  EXPECT_EQ(counters->at("patients").loaded, 2);
  EXPECT_EQ(counters->at("patients").updated, 2);
  EXPECT_EQ(counters->at("patients").unlinked, 0);

  auto manifest = Manifest("r2");
  ASSERT_EQ(manifest.size(), 2u);
  const ManifestEntry& child = manifest["patients/p-1/record"];
  const ManifestEntry& guarantor = manifest["patients/p-2/record"];
  EXPECT_EQ(child.action, WriteAction::kUpdated);
  EXPECT_EQ(child.prior_values["name"], "Child");
  EXPECT_EQ(guarantor.action, WriteAction::kUpdated) << "p-2 existed before r2";
  EXPECT_EQ(guarantor.prior_values["name"], "Guarantor");

  // And the child points at its guarantor's one destination record.
  auto snapshot = destination_.TakeSnapshot();
  ASSERT_EQ(snapshot["patients"].size(), 2u);
  EXPECT_EQ(snapshot["patients"][child.destination_id].values["guarantor_id"],
            guarantor.destination_id);
}

}  // namespace
}  // namespace bridgework::workers
