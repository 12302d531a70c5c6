// The engine in one process: a coordinator and workers over inproc, a real redis-server, the
// synthetic source and the in-memory destination. Checks what a user checks after a run: exact
// counts per object, every child linked to its own parent, no record written twice, and that
// injected faults (destination 503s, a state store that fails commits) change none of that.
#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "connectors/destinations/memory/memory_destination.h"
#include "connectors/sources/synthetic/synthetic_source.h"
#include "coordinator/coordinator.h"
#include "proto/protocol.h"
#include "state/redis_state_store.h"
#include "tests/fakes/faulty_destination.h"
#include "tests/fakes/faulty_state_store.h"
#include "tests/fakes/redis_server.h"
#include "transport/transport.h"
#include "workers/worker.h"

namespace bridgework {
namespace {

using testing::RedisServer;

// Smaller under sanitizers (BW_TEST_SCALE=0.1 etc.).
int64_t Scaled(int64_t n) {
  const char* s = std::getenv("BW_TEST_SCALE");
  double f = s != nullptr ? std::atof(s) : 1.0;
  return std::max<int64_t>(10, static_cast<int64_t>(static_cast<double>(n) * f));
}

struct Engine {
  RedisServer redis;
  std::shared_ptr<state::StateStore> store;
  std::unique_ptr<connectors::SourceConnector> source;
  std::unique_ptr<connectors::MemoryDestination> memory = connectors::NewMemoryDestination();
  std::unique_ptr<testing::FaultyDestination> faulty =
      std::make_unique<testing::FaultyDestination>(memory.get());
  std::shared_ptr<testing::FaultyStateStore> faulty_store;
  transport::Context context;
  std::unique_ptr<transport::Transport> router;
  std::atomic<bool> stop_workers{false};
  std::atomic<bool> stop_coordinator{false};
  std::vector<std::thread> threads;
  int64_t patients;

  explicit Engine(int64_t n) : patients(n) {
    EXPECT_TRUE(redis.Start());
    state::RedisStateStoreOptions so;
    so.url = redis.url();
    auto s = state::RedisStateStore::Connect(so);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    store = std::shared_ptr<state::StateStore>(std::move(*s));
    faulty_store = std::make_shared<testing::FaultyStateStore>(store.get());
    connectors::SyntheticSourceOptions o;
    o.patients = n;
    o.appointments_per_patient = 2;
    o.notes_per_patient = 1;
    source = connectors::NewSyntheticSource(o);
    auto r = transport::BindRouter(&context, "inproc://engine-test");
    EXPECT_TRUE(r.ok());
    router = std::move(*r);
  }

  ~Engine() {
    stop_workers = true;
    for (auto& t : threads) t.join();
  }

  void StartWorkers(int n) {
    for (int i = 0; i < n; ++i) {
      threads.emplace_back([this, i] {
        workers::WorkerOptions wo;
        wo.id = "w" + std::to_string(i);
        wo.endpoint = router->endpoint();
        wo.context = &context;
        wo.capacity = 2;
        wo.parts = [this](const workers::WorkerSetup&) -> StatusOr<workers::WorkerParts> {
          connectors::SyntheticSourceOptions o;
          o.patients = patients;
          o.appointments_per_patient = 2;
          o.notes_per_patient = 1;
          workers::WorkerParts p;
          p.source = connectors::NewSyntheticSource(o);
          // Every worker writes to the one shared in-memory destination through the fault wrapper.
          p.destination = std::make_unique<connectors::DestinationConnectorWrapper>(faulty.get());
          return p;
        };
        auto fs = faulty_store;
        wo.store = [fs](const std::string&) -> StatusOr<std::shared_ptr<state::StateStore>> {
          return std::shared_ptr<state::StateStore>(fs);
        };
        wo.stop = &stop_workers;
        workers::Worker w(std::move(wo));
        EXPECT_TRUE(w.Run().ok());
      });
    }
  }

  StatusOr<coordinator::RunSummary> Run(const std::string& run_id) {
    coordinator::CoordinatorOptions co;
    co.migration = "engine-test";
    co.new_run_id = run_id;
    co.state_url = redis.url();
    co.batch_size = 100;
    co.max_attempts = 5;
    co.heartbeat = std::chrono::milliseconds(200);
    co.lease = std::chrono::seconds(5);
    co.stop = &stop_coordinator;
    coordinator::Coordinator c(co, router.get(), store.get(), source.get(), nullptr);
    BW_RETURN_IF_ERROR(c.Start());
    return c.Run();
  }
};

void ExpectExactAndLinked(Engine& e, const coordinator::RunSummary& s) {
  const int64_t n = e.patients;
  ASSERT_EQ(s.order, (std::vector<std::string>{"patients", "appointments", "notes"}));
  EXPECT_EQ(s.objects.at("patients").read, n);
  EXPECT_EQ(s.objects.at("patients").loaded, n);
  EXPECT_EQ(s.objects.at("appointments").read, 2 * n);
  EXPECT_EQ(s.objects.at("appointments").loaded, 2 * n);
  EXPECT_EQ(s.objects.at("notes").read, n);
  EXPECT_EQ(s.objects.at("notes").loaded, n);
  for (const auto& [obj, c] : s.objects) {
    EXPECT_EQ(c.failed, 0) << obj;
    EXPECT_EQ(c.unlinked, 0) << obj;
  }
  // Nothing doubled: one stored record per source record, each created once.
  auto snap = e.memory->TakeSnapshot();
  EXPECT_EQ(snap["patients"].size(), static_cast<size_t>(n));
  EXPECT_EQ(snap["appointments"].size(), static_cast<size_t>(2 * n));
  EXPECT_EQ(snap["notes"].size(), static_cast<size_t>(n));
  EXPECT_EQ(e.memory->creates(), 4 * n);
  auto idmap = e.store->IdMapSize("engine-test");
  ASSERT_TRUE(idmap.ok());
  EXPECT_EQ(*idmap, 4 * n);

  // The rollback manifest names every record the run created, once, with the id it was given,
  // however often its batch was retried.
  std::map<std::string, std::string> created;  // key -> destination id
  Status read = state::ForEachManifestEntry(e.store.get(), "engine-test", s.run_id,
                                            [&](const ManifestEntry& m) {
                                              EXPECT_EQ(m.action, WriteAction::kCreated) << m.key;
                                              created[m.key] = m.destination_id;
                                            });
  ASSERT_TRUE(read.ok()) << read.ToString();
  EXPECT_EQ(created.size(), static_cast<size_t>(4 * n));
  for (const auto& object : {"patients", "appointments", "notes"}) {
    for (const auto& [id, rec] : snap[object]) {
      auto it = created.find(rec.key);
      ASSERT_NE(it, created.end()) << rec.key << " is not in the manifest";
      EXPECT_EQ(it->second, id) << rec.key;
    }
  }

  // Every child points at its own parent: the destination id the id map gives that parent.
  std::map<std::string, std::string> patient_of_id, appointment_of_id;
  for (const auto& [id, rec] : snap["patients"]) patient_of_id[id] = rec.key;
  for (const auto& [id, rec] : snap["appointments"]) appointment_of_id[id] = rec.key;
  auto source_id = [](const std::string& key) {  // "<object>/<id>/<target>"
    auto a = key.find('/');
    return key.substr(a + 1, key.rfind('/') - a - 1);
  };
  for (const auto& [id, rec] : snap["appointments"]) {
    ASSERT_TRUE(rec.values["patient_id"].is_string()) << rec.key;
    const std::string parent = patient_of_id[rec.values["patient_id"].get<std::string>()];
    const int64_t a = std::stoll(source_id(rec.key).substr(2));
    EXPECT_EQ(source_id(parent), "p-" + std::to_string(a / 2)) << rec.key;
  }
  for (const auto& [id, rec] : snap["notes"]) {
    const int64_t k = std::stoll(source_id(rec.key).substr(2));
    const std::string parent = patient_of_id[rec.values["patient_id"].get<std::string>()];
    EXPECT_EQ(source_id(parent), "p-" + std::to_string(k)) << rec.key;
    if (rec.values["appointment_id"].is_string()) {
      const std::string appt = appointment_of_id[rec.values["appointment_id"].get<std::string>()];
      EXPECT_EQ(source_id(appt), "a-" + std::to_string(k * 2)) << rec.key;
    }
  }
}

TEST(EngineTest, MigratesThreeDependentObjectsExactlyOnce) {
  Engine e(Scaled(3000));
  e.StartWorkers(3);
  auto s = e.Run("run-1");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ExpectExactAndLinked(e, *s);
  EXPECT_EQ(s->failed_tasks, 0);
}

TEST(EngineTest, DestinationFailuresAndLostCommitsAreRetriedWithoutDuplicates) {
  Engine e(Scaled(2000));
  e.faulty->FailNextUpserts(7);
  e.faulty_store->FailNextCommits(5);
  e.StartWorkers(2);
  auto s = e.Run("run-faults");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ExpectExactAndLinked(e, *s);
  EXPECT_EQ(e.faulty->failures_injected(), 7);
}

TEST(EngineTest, AWorkerThatJoinsLateGetsWorkAndTheRunFinishes) {
  Engine e(Scaled(1000));
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    e.StartWorkers(1);
  });
  auto s = e.Run("run-late");
  late.join();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ExpectExactAndLinked(e, *s);
}

TEST(EngineTest, MalformedAndForeignVersionMessagesAreDroppedOrRefused) {
  Engine e(Scaled(500));
  std::atomic<bool> refused{false};
  std::thread intruder([&] {
    auto d = transport::ConnectDealer(&e.context, e.router->endpoint(), "intruder");
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE((*d)->Send({"", std::string("\x01\xff garbage", 10)}).ok());
    ::bridgework::v1::Envelope hello;
    hello.set_protocol("bw-engine/0");
    hello.set_sender("intruder");
    hello.mutable_hello()->set_worker_id("intruder");
    hello.mutable_hello()->add_roles(::bridgework::v1::ROLE_LOAD);
    hello.mutable_hello()->set_capacity(1);
    ASSERT_TRUE((*d)->Send({"", hello.SerializeAsString()}).ok());
    for (int i = 0; i < 200 && !refused; ++i) {
      auto m = (*d)->Receive(std::chrono::milliseconds(50));
      if (m.ok() && m->has_value()) {
        auto env = proto::Decode((**m).payload);
        if (env.ok() && env->has_refuse()) {
          EXPECT_NE(env->refuse().reason().find("bw-engine/0"), std::string::npos);
          refused = true;
        }
      }
    }
  });
  e.StartWorkers(1);
  auto s = e.Run("run-bad-input");
  intruder.join();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(refused.load());
  ExpectExactAndLinked(e, *s);
}

TEST(EngineTest, StateStoreDownMidRunWaitsAndResumes) {
  Engine e(Scaled(2000));
  e.StartWorkers(2);
  std::thread chaos([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    e.faulty_store->SetDown(true);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    e.faulty_store->SetDown(false);
  });
  auto s = e.Run("run-store-down");
  chaos.join();
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ExpectExactAndLinked(e, *s);
}

TEST(EngineTest, CoordinatorRestartResumesTheSameRun) {
  Engine e(Scaled(3000));
  e.StartWorkers(2);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    e.stop_coordinator = true;
  });
  auto first = e.Run("run-restart");
  stopper.join();
  if (first.ok()) GTEST_SKIP() << "the run finished before the coordinator was stopped";
  EXPECT_EQ(first.status().code(), StatusCode::kCancelled);
  e.stop_coordinator = false;
  auto second = e.Run("another-id-ignored");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->run_id, "run-restart");
  ExpectExactAndLinked(e, *second);
}

}  // namespace
}  // namespace bridgework
