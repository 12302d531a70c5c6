// The figures a person watches a run by: the live progress line (done/read, rate, ETA per object)
// and the /status JSON (`bridgework status --json` renders the same document from the store).
// Checked on hand-made snapshots, then after a real embedded run (coordinator and two workers
// over inproc, synthetic source, null destination, in-memory state store) against the run's
// own outcome and the store's counters.
#include <gtest/gtest.h>

#include <thread>

#include "connectors/destinations/null/null_destination.h"
#include "connectors/sources/synthetic/synthetic_source.h"
#include "coordinator/coordinator.h"
#include "coordinator/metrics.h"
#include "state/memory_state_store.h"
#include "transport/transport.h"
#include "workers/worker.h"

namespace bridgework::coordinator {
namespace {

Snapshot TwoObjects(int64_t now_ms) {
  Snapshot s;
  s.migration = "m";
  s.run_id = "r1";
  s.status = "running";
  s.order = {"patients", "notes"};
  s.now_ms = now_ms;
  s.objects["patients"] = {};
  s.objects["notes"] = {};
  return s;
}

TEST(ProgressLine, ShowsDoneOverReadRateAndEtaPerObject) {
  Snapshot prev = TwoObjects(10000);
  prev.objects["patients"].loaded = 1000;
  Snapshot now = TwoObjects(12000);
  auto& p = now.objects["patients"];
  p.read = 5000;
  p.loaded = 2850;
  p.skipped = 50;
  p.failed = 60;
  p.unlinked = 40;
  p.extract_total = p.extract_done = 4;  // extraction finished: read is final, so an ETA
  auto& n = now.objects["notes"];
  n.read = 300;
  n.extract_total = 2;
  n.extract_done = 1;  // still extracting: "+" after read, no ETA
  // patients: 3000 done (2850 + 50 + 60 + 40), 2000 more in 2 s, 2000 left at 1000/s.
  EXPECT_EQ(RenderProgressLine(now, &prev),
            "patients 3000/5000 (100 failed) 1000/s ETA 2s | notes 0/300+ 0/s");
  // The first line has no previous snapshot: no rate, no ETA.
  EXPECT_EQ(RenderProgressLine(now, nullptr), "patients 3000/5000 (100 failed) | notes 0/300+");
}

TEST(ProgressLine, SaysWhenTheStateStoreIsUnreachable) {
  Snapshot s = TwoObjects(1);
  s.store_ok = false;
  EXPECT_EQ(RenderProgressLine(s, nullptr),
            "patients 0/0 | notes 0/0 | state store unreachable, waiting");
}

TEST(StatusJson, CarriesEveryCounterOfEveryObject) {
  Snapshot s = TwoObjects(5000);
  s.started_ms = 1000;
  s.workers = 3;
  s.tasks_in_flight = 2;
  auto& p = s.objects["patients"];
  p.read = 10;
  p.loaded = 7;
  p.updated = 2;
  p.skipped = 1;
  p.failed = 1;
  p.flagged = 3;
  p.unlinked = 1;
  p.extract_total = p.extract_done = 1;
  p.load_total = 2;
  p.load_done = 1;
  p.queued_loads = 1;
  p.retries = 4;
  Json j = RenderStatus(s);
  EXPECT_EQ(j["migration"], "m");
  EXPECT_EQ(j["run_id"], "r1");
  EXPECT_EQ(j["status"], "running");
  EXPECT_EQ(j["workers"], 3);
  EXPECT_EQ(j["tasks_in_flight"], 2);
  EXPECT_EQ(j["state_store"], "up");
  const Json& o = j["objects"]["patients"];
  EXPECT_EQ(o["read"], 10);
  EXPECT_EQ(o["loaded"], 7);
  EXPECT_EQ(o["updated"], 2);
  EXPECT_EQ(o["skipped"], 1);
  EXPECT_EQ(o["failed"], 1);
  EXPECT_EQ(o["flagged"], 3);
  EXPECT_EQ(o["unlinked"], 1);
  EXPECT_EQ(o["load_tasks"]["total"], 2);
  EXPECT_EQ(o["load_tasks"]["done"], 1);
  EXPECT_EQ(o["load_tasks"]["queued"], 1);
  EXPECT_EQ(o["retries"], 4);
  EXPECT_EQ(o["extracted"], true);
  EXPECT_EQ(o["loaded_all"], false);
  EXPECT_EQ(j["objects"]["notes"]["read"], 0);
}

// A whole run: what the snapshot, the progress line and the status document say at the end is
// exactly what was moved, and what `status --json` reads back from the store says the same.
TEST(ProgressOfARun, FiguresAtTheEndAreTheRunsOwn) {
  constexpr int64_t kPatients = 600;  // 600 patients, 1200 appointments, 600 notes
  auto store = std::make_shared<state::MemoryStateStore>();
  connectors::SyntheticSourceOptions so;
  so.patients = kPatients;
  so.appointments_per_patient = 2;
  so.notes_per_patient = 1;
  auto source = connectors::NewSyntheticSource(so);
  transport::Context ctx;
  auto router = transport::BindRouter(&ctx, "inproc://progress-test");
  ASSERT_TRUE(router.ok());
  std::atomic<bool> stop_workers{false}, stop{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      workers::WorkerOptions wo;
      wo.id = "w" + std::to_string(i);
      wo.endpoint = (*router)->endpoint();
      wo.context = &ctx;
      wo.parts = [&](const workers::WorkerSetup&) -> StatusOr<workers::WorkerParts> {
        workers::WorkerParts p;
        p.source = connectors::NewSyntheticSource(so);
        p.destination = connectors::NewNullDestination();
        return p;
      };
      wo.store = [store](const std::string&) -> StatusOr<std::shared_ptr<state::StateStore>> {
        return std::shared_ptr<state::StateStore>(store);
      };
      wo.stop = &stop_workers;
      EXPECT_TRUE(workers::Worker(std::move(wo)).Run().ok());
    });
  }
  CoordinatorOptions co;
  co.migration = "progress";
  co.new_run_id = "run-1";
  co.batch_size = 100;
  co.heartbeat = std::chrono::milliseconds(200);
  co.stop = &stop;
  Coordinator c(co, router->get(), store.get(), source.get(), nullptr);
  ASSERT_TRUE(c.Start().ok());
  auto summary = c.Run();
  stop_workers = true;
  for (auto& t : threads) t.join();
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();

  Snapshot s = c.GetSnapshot();
  EXPECT_EQ(s.status, "done");
  EXPECT_EQ(s.order, (std::vector<std::string>{"patients", "appointments", "notes"}));
  EXPECT_EQ(RenderProgressLine(s, nullptr),
            "patients 600/600 | appointments 1200/1200 | notes 600/600");
  Json live = RenderStatus(s);
  EXPECT_EQ(live["status"], "done");
  const std::map<std::string, int64_t> expected = {
      {"patients", kPatients}, {"appointments", 2 * kPatients}, {"notes", kPatients}};
  for (const auto& [obj, n] : expected) {
    const Json& o = live["objects"][obj];
    EXPECT_EQ(o["read"], n) << obj;
    EXPECT_EQ(o["loaded"], n) << obj;
    EXPECT_EQ(o["failed"], 0) << obj;
    EXPECT_EQ(o["loaded_all"], true) << obj;
    EXPECT_EQ(o["load_tasks"]["done"], o["load_tasks"]["total"]) << obj;
    EXPECT_EQ(o["load_tasks"]["queued"], 0) << obj;
    EXPECT_EQ(summary->objects.at(obj).loaded, n) << obj;
  }

  // `status --json` builds its snapshot from the store (cli/verb_status.cc): the same figures.
  auto run = store->CurrentRun("progress");
  ASSERT_TRUE(run.ok() && run->has_value());
  auto counters = store->Counters("progress", (*run)->plan.run_id);
  ASSERT_TRUE(counters.ok());
  Snapshot from_store;
  from_store.migration = "progress";
  from_store.run_id = (*run)->plan.run_id;
  from_store.status = (*run)->status;
  for (const auto& op : (*run)->plan.objects) from_store.order.push_back(op.object);
  from_store.objects = *counters;
  Json stored = RenderStatus(from_store);
  EXPECT_EQ(stored["status"], "done");
  EXPECT_EQ(stored["objects"], live["objects"]);
}

}  // namespace
}  // namespace bridgework::coordinator
