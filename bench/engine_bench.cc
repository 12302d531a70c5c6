// Engine benchmark (not a test): records/s through the null destination in embedded mode (a
// coordinator and N worker threads over inproc, a private redis-server) with 1, 2 and 4 workers,
// and the coordinator's peak resident memory for 1M and 10M planned records. Prints ratios
// against the 1-worker run and the 1M plan.
//   engine_bench [patients]   (default 50000 patients = 200,000 records)
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "connectors/destinations/null/null_destination.h"
#include "connectors/sources/synthetic/synthetic_source.h"
#include "coordinator/coordinator.h"
#include "state/redis_state_store.h"
#include "tests/fakes/redis_server.h"
#include "transport/transport.h"
#include "workers/worker.h"

using namespace bridgework;

namespace {

connectors::SyntheticSourceOptions Synthetic(int64_t patients) {
  connectors::SyntheticSourceOptions o;
  o.patients = patients;
  o.appointments_per_patient = 2;
  o.notes_per_patient = 1;
  return o;
}

double Throughput(int workers, int64_t patients) {
  testing::RedisServer redis;
  if (!redis.Start()) return 0;
  state::RedisStateStoreOptions so;
  so.url = redis.url();
  auto st = state::RedisStateStore::Connect(so);
  if (!st.ok()) return 0;
  std::shared_ptr<state::StateStore> store(std::move(*st));
  auto source = connectors::NewSyntheticSource(Synthetic(patients));
  transport::Context ctx;
  auto router = transport::BindRouter(&ctx, "inproc://bench");
  std::atomic<bool> stop{false}, stop_c{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&, i] {
      workers::WorkerOptions wo;
      wo.id = "w" + std::to_string(i);
      wo.endpoint = (*router)->endpoint();
      wo.context = &ctx;
      wo.parts = [patients](const workers::WorkerSetup&) -> StatusOr<workers::WorkerParts> {
        workers::WorkerParts p;
        p.source = connectors::NewSyntheticSource(Synthetic(patients));
        p.destination = connectors::NewNullDestination();
        return p;
      };
      wo.store = [store](const std::string&) -> StatusOr<std::shared_ptr<state::StateStore>> {
        return store;
      };
      wo.stop = &stop;
      workers::Worker(std::move(wo)).Run().IgnoreError();
    });
  }
  coordinator::CoordinatorOptions co;
  co.migration = "bench";
  co.new_run_id = "bench-" + std::to_string(workers);
  co.batch_size = 500;
  co.stop = &stop_c;
  coordinator::Coordinator c(co, router->get(), store.get(), source.get(), nullptr);
  auto t0 = std::chrono::steady_clock::now();
  double rate = 0;
  if (c.Start().ok()) {
    auto s = c.Run();
    double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s.ok()) rate = static_cast<double>(patients * 4) / sec;
  }
  stop = true;
  for (auto& t : threads) t.join();
  return rate;
}

// Plans a run of `records` synthetic records in a child process; returns its peak RSS in MiB.
double PlanPeakRssMiB(int64_t records, const std::string& redis_url) {
  pid_t pid = ::fork();
  if (pid == 0) {
    state::RedisStateStoreOptions so;
    so.url = redis_url;
    auto st = state::RedisStateStore::Connect(so);
    if (!st.ok()) ::_exit(2);
    auto source = connectors::NewSyntheticSource(Synthetic(records / 4));
    transport::Context ctx;
    auto router = transport::BindRouter(&ctx, "inproc://plan");
    std::atomic<bool> stop{true};  // plan, then stop at once
    coordinator::CoordinatorOptions co;
    co.migration = "plan-" + std::to_string(records);
    co.new_run_id = "plan";
    co.stop = &stop;
    coordinator::Coordinator c(co, router->get(), st->get(), source.get(), nullptr);
    ::_exit(c.Start().ok() ? 0 : 3);
  }
  int status = 0;
  rusage ru{};
  ::wait4(pid, &status, 0, &ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  int64_t patients = argc > 1 ? std::atoll(argv[1]) : 50000;
  std::printf("engine_bench: %lld records (3 dependent objects), null destination, embedded\n",
              static_cast<long long>(patients * 4));
  double base = 0;
  for (int w : {1, 2, 4}) {
    double r = Throughput(w, patients);
    if (w == 1) base = r;
    std::printf("  %d worker(s): %9.0f records/s  (x%.2f of 1 worker)\n", w, r,
                base > 0 ? r / base : 0);
  }
  testing::RedisServer redis;
  if (!redis.Start()) return 1;
  double m1 = PlanPeakRssMiB(1'000'000, redis.url());
  double m10 = PlanPeakRssMiB(10'000'000, redis.url());
  std::printf("  coordinator peak RSS, plan of  1M records: %.1f MiB\n", m1);
  std::printf("  coordinator peak RSS, plan of 10M records: %.1f MiB  (x%.2f of 1M)\n", m10,
              m1 > 0 ? m10 / m1 : 0);
  return 0;
}
