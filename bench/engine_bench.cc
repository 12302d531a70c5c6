// Engine benchmark (not a test): records/s through the null destination in embedded mode (a
// coordinator and N worker threads over inproc, as `bridgework migrate` runs them) with 1, 2 and
// 4 workers, against the 1-worker run of the same invocation; and the coordinator's peak resident
// memory (VmHWM) for 1M and 10M planned records, each planned in a fresh process of its own.
//
//   engine_bench [--patients N] [--workers 1,2,4] [--store redis|memory|both] [--batch N]
//                [--repeat N] [--no-plan] [--redis-commands]
//
// --patients: synthetic patients (each has 2 appointments and 1 note: 4 records), default 50000.
// --store: redis = a private redis-server on a unix socket, as `migrate` starts one with no
// `redis:` in its config (the default); memory = the in-process MemoryStateStore (`redis:
// "memory:"`); both. Every run checks that each record was loaded once (the run's counters) before
// it is timed. --redis-commands: after each Redis run, the server's five busiest commands (INFO
// commandstats; a script's time includes the commands it calls, which are also listed alone).
// --repeat N: each run N times, in rounds (every store and worker count once per round, so a
// machine that slows down for a while slows all of them), printing the median run and the range:
// on a shared 2-core machine one run varies by 10 to 20%.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "common/logging.h"
#include "connectors/destinations/null/null_destination.h"
#include "connectors/sources/synthetic/synthetic_source.h"
#include "coordinator/coordinator.h"
#include "state/embedded_redis.h"
#include "state/memory_state_store.h"
#include "state/redis_client.h"
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

// VmHWM / VmRSS of this process in KiB.
long StatusKb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::stol(line.substr(key.size()));
  }
  return -1;
}

// The store of one run; for Redis, a private redis-server (unix socket, append-only file on) in a
// temporary folder, exactly as `migrate` starts one when its config names no Redis.
struct BenchStore {
  std::string dir;
  std::unique_ptr<state::EmbeddedRedis> redis;
  std::shared_ptr<state::StateStore> store;
  ~BenchStore() {
    store.reset();
    redis.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
};

Status OpenStore(const std::string& kind, BenchStore* out) {
  if (kind == "memory") {
    out->store = std::make_shared<state::MemoryStateStore>();
    return Status::Ok();
  }
  out->dir = testing::TempDir();
  state::EmbeddedRedisOptions eo;
  eo.dir = out->dir + "/state/bench";
  BW_ASSIGN_OR_RETURN(out->redis, state::EmbeddedRedis::Start(eo));
  state::RedisStateStoreOptions so;
  so.url = out->redis->url();
  BW_ASSIGN_OR_RETURN(auto st, state::RedisStateStore::Connect(so));
  out->store = std::shared_ptr<state::StateStore>(std::move(st));
  return Status::Ok();
}

struct RunResult {
  double records_per_s = 0;
  double seconds = 0;
  std::string error;
  double cpu_seconds = 0;  // this process and its redis-server, for the whole run
  // Redis only (INFO cpu / commandstats at the end of the run): where the server's time went.
  double redis_main_cpu = 0;     // the server's main thread (commands, Lua, AOF writes)
  double redis_rewrite_cpu = 0;  // its append-only-file rewrites (forked children)
  std::string redis_commands;    // --redis-commands: the busiest commands, one per line
};

bool g_redis_commands = false;  // --redis-commands

// "name:value" lines of an INFO answer.
std::map<std::string, std::string> InfoFields(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon != std::string::npos) out[line.substr(0, colon)] = line.substr(colon + 1);
  }
  return out;
}

// Reads the private server's CPU and command time into `r` (left at 0 when it cannot).
void ReadRedisCpu(const std::string& url, RunResult* r) {
  auto address = state::ParseRedisAddress(url);
  if (!address.ok()) return;
  state::RedisClient client(*address, std::chrono::seconds(5));
  auto cpu = client.Command({"INFO", "cpu"});
  if (!cpu.ok()) return;
  auto f = InfoFields(cpu->str);
  auto num = [&](const char* k) { return f.count(k) ? std::atof(f[k].c_str()) : 0.0; };
  r->redis_main_cpu = num("used_cpu_user_main_thread") + num("used_cpu_sys_main_thread");
  r->redis_rewrite_cpu = num("used_cpu_user_children") + num("used_cpu_sys_children");
  if (!g_redis_commands) return;
  auto stats = client.Command({"INFO", "commandstats"});
  if (!stats.ok()) return;
  std::vector<std::tuple<double, std::string, long long>> busiest;  // (seconds, name, calls)
  for (const auto& [name, value] : InfoFields(stats->str)) {
    auto usec = value.find("usec="), calls = value.find("calls=");
    if (name.rfind("cmdstat_", 0) != 0 || usec == std::string::npos || calls == std::string::npos)
      continue;
    busiest.emplace_back(std::atof(value.c_str() + usec + 5) / 1e6, name.substr(8),
                         std::atoll(value.c_str() + calls + 6));
  }
  std::sort(busiest.rbegin(), busiest.rend());
  for (size_t i = 0; i < busiest.size() && i < 5; ++i) {
    const auto& [seconds, name, calls] = busiest[i];
    char line[160];
    std::snprintf(line, sizeof line, "                   %-10s %8lld calls %7.3f s\n", name.c_str(),
                  calls, seconds);
    r->redis_commands += line;
  }
}

// CPU seconds used so far by this process and its waited-for children (the redis-server).
double CpuSeconds() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage ru{};
    ::getrusage(who, &ru);
    total += static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
             static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  }
  return total;
}

// One embedded run: `workers` worker threads, the coordinator on this thread, as cli/engine_run.
int g_batch_size = 500;  // --batch; the config's default batch_size

RunResult ThroughputOnce(const std::string& store_kind, int workers, int64_t patients) {
  RunResult out;
  BenchStore bench_store;
  Status opened = OpenStore(store_kind, &bench_store);
  if (!opened.ok()) return {0, 0, opened.ToString()};
  std::shared_ptr<state::StateStore> store = bench_store.store;
  auto source = connectors::NewSyntheticSource(Synthetic(patients));
  transport::Context ctx;
  auto router = transport::BindRouter(&ctx, "inproc://bench");
  if (!router.ok()) return {0, 0, router.status().ToString()};
  std::atomic<bool> stop{false}, stop_c{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < workers; ++i) {
    threads.emplace_back([&, i] {
      workers::WorkerOptions wo;
      wo.id = "embedded-" + std::to_string(i);
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
  co.batch_size = g_batch_size;
  co.max_shards_per_object = std::max(8, workers * 8);  // as cli/engine_run.cc
  co.stop = &stop_c;
  coordinator::Coordinator c(co, router->get(), store.get(), source.get(), nullptr);
  auto t0 = std::chrono::steady_clock::now();
  Status started = c.Start();
  if (!started.ok()) {
    out.error = started.ToString();
  } else {
    auto s = c.Run();
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!s.ok()) {
      out.error = s.status().ToString();
    } else {
      int64_t loaded = 0;
      for (const auto& [obj, counters] : s->objects) loaded += counters.loaded;
      if (loaded != patients * 4 || s->failed_tasks != 0) {
        out.error = "loaded " + std::to_string(loaded) + " of " + std::to_string(patients * 4);
      } else {
        out.records_per_s = static_cast<double>(loaded) / out.seconds;
      }
    }
  }
  stop = true;
  for (auto& t : threads) t.join();
  if (bench_store.redis) ReadRedisCpu(bench_store.redis->url(), &out);
  return out;
}

RunResult Throughput(const std::string& store_kind, int workers, int64_t patients) {
  const double cpu0 = CpuSeconds();
  RunResult r = ThroughputOnce(store_kind, workers, patients);  // its store is stopped on return
  r.cpu_seconds = CpuSeconds() - cpu0;
  return r;
}

// The child: plans a run of `records` synthetic records against the Redis at `url` and prints
// "<VmHWM before planning> <VmHWM after> <extract tasks>" in KiB.
int PlanChild(int64_t records, const std::string& url) {
  state::RedisStateStoreOptions so;
  so.url = url;
  auto st = state::RedisStateStore::Connect(so);
  if (!st.ok()) return 2;
  auto source = connectors::NewSyntheticSource(Synthetic(records / 4));
  transport::Context ctx;
  auto router = transport::BindRouter(&ctx, "inproc://plan");
  if (!router.ok()) return 2;
  std::atomic<bool> stop{true};
  coordinator::CoordinatorOptions co;
  co.migration = "plan-" + std::to_string(records);
  co.new_run_id = "plan";
  co.max_shards_per_object = 64;
  co.stop = &stop;
  const long before = StatusKb("VmHWM");
  coordinator::Coordinator c(co, router->get(), st->get(), source.get(), nullptr);
  if (!c.Start().ok()) return 3;
  auto counters = (*st)->Counters(co.migration, c.run_id());
  if (!counters.ok()) return 3;
  int64_t tasks = 0;
  for (const auto& [obj, oc] : *counters) tasks += oc.extract_total;
  std::printf("%ld %ld %lld\n", before, StatusKb("VmHWM"), static_cast<long long>(tasks));
  return 0;
}

struct PlanResult {
  long before_kb = -1, after_kb = -1;
  long long tasks = 0;
};

// Runs PlanChild in a fresh process (this binary again), so nothing of the throughput runs is in
// its memory.
PlanResult PlanPeak(int64_t records, const std::string& url) {
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  PlanResult r;
  if (n <= 0) return r;
  self[n] = '\0';
  std::string cmd =
      std::string(self) + " --plan-child " + std::to_string(records) + " '" + url + "'";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) return r;
  if (std::fscanf(p, "%ld %ld %lld", &r.before_kb, &r.after_kb, &r.tasks) != 3) r = PlanResult{};
  if (::pclose(p) != 0) r = PlanResult{};
  return r;
}

std::vector<int> ParseList(const std::string& s) {
  std::vector<int> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) out.push_back(std::atoi(item.c_str()));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  SetLogLevel("warn");
  if (argc == 4 && std::string(argv[1]) == "--plan-child") {
    return PlanChild(std::atoll(argv[2]), argv[3]);
  }
  int64_t patients = 50000;
  std::vector<int> worker_counts = {1, 2, 4};
  std::vector<std::string> stores = {"redis"};
  bool plan = true;
  int repeat = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--patients") {
      patients = std::atoll(next().c_str());
    } else if (a == "--workers") {
      worker_counts = ParseList(next());
    } else if (a == "--store") {
      std::string s = next();
      stores =
          s == "both" ? std::vector<std::string>{"redis", "memory"} : std::vector<std::string>{s};
    } else if (a == "--batch") {
      g_batch_size = std::atoi(next().c_str());
    } else if (a == "--repeat") {
      repeat = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--no-plan") {
      plan = false;
    } else if (a == "--redis-commands") {
      g_redis_commands = true;
    } else if (std::isdigit(static_cast<unsigned char>(a[0]))) {
      patients = std::atoll(a.c_str());  // the old positional form
    } else {
      std::fprintf(stderr,
                   "usage: engine_bench [--patients N] [--workers 1,2,4] "
                   "[--store redis|memory|both] [--batch N] [--repeat N] [--no-plan] "
                   "[--redis-commands]\n");
      return 2;
    }
  }
  std::printf(
      "engine_bench: %lld records (%lld patients, %lld appointments, %lld notes; 3 dependent "
      "objects), null destination, embedded mode (coordinator + N worker threads over inproc), "
      "batch %d, %u cores\n",
      static_cast<long long>(patients * 4), static_cast<long long>(patients),
      static_cast<long long>(patients * 2), static_cast<long long>(patients), g_batch_size,
      std::thread::hardware_concurrency());
  int failures = 0;
  // results[store][workers]: every run, in rounds.
  std::map<std::string, std::map<int, std::vector<RunResult>>> results;
  for (int round = 0; round < repeat; ++round) {
    for (const auto& store : stores) {
      for (int w : worker_counts) results[store][w].push_back(Throughput(store, w, patients));
    }
  }
  for (const auto& store : stores) {
    std::printf("state store: %s\n",
                store == "redis" ? "redis (a private redis-server on a unix socket, as `migrate`)"
                                 : "memory (MemoryStateStore, `redis: \"memory:\"`)");
    double base = 0;
    for (int w : worker_counts) {
      std::vector<RunResult> runs;
      for (const auto& r : results[store][w]) {
        if (!r.error.empty()) {
          std::printf("  %d worker(s): FAILED: %s\n", w, r.error.c_str());
          ++failures;
        } else {
          runs.push_back(r);
        }
      }
      if (runs.empty()) continue;
      std::sort(runs.begin(), runs.end(), [](const RunResult& a, const RunResult& b) {
        return a.records_per_s < b.records_per_s;
      });
      const RunResult& r = runs[runs.size() / 2];  // the median run (the upper one of two)
      if (base == 0) base = r.records_per_s;
      const double records = r.records_per_s * r.seconds;
      std::printf(
          "  %d worker(s): %9.0f records/s in %6.2f s  (x%.2f of %d worker)  cpu %.2f s = %.0f "
          "records per cpu-second\n",
          w, r.records_per_s, r.seconds, r.records_per_s / base, worker_counts.front(),
          r.cpu_seconds, r.cpu_seconds > 0 ? records / r.cpu_seconds : 0);
      if (runs.size() > 1) {
        std::printf("                 median of %zu runs; range %.0f to %.0f records/s\n",
                    runs.size(), runs.front().records_per_s, runs.back().records_per_s);
      }
      if (r.redis_main_cpu > 0) {
        std::printf(
            "                 of which redis-server %.2f s (main thread) + %.2f s (AOF "
            "rewrite)\n",
            r.redis_main_cpu, r.redis_rewrite_cpu);
        std::fputs(r.redis_commands.c_str(), stdout);
      }
      std::fflush(stdout);
    }
  }
  if (plan) {
    testing::RedisServer redis;
    if (!redis.Start()) return 1;
    PlanResult m1 = PlanPeak(1'000'000, redis.url());
    PlanResult m10 = PlanPeak(10'000'000, redis.url());
    if (m1.after_kb <= 0 || m10.after_kb <= 0) {
      std::printf("coordinator plan: FAILED\n");
      return 1;
    }
    std::printf(
        "coordinator peak resident memory (VmHWM of a fresh process that plans the run; before "
        "planning in brackets):\n");
    std::printf("   1M planned records: %.1f MiB  (%.1f MiB; %lld extract tasks)\n",
                m1.after_kb / 1024.0, m1.before_kb / 1024.0, m1.tasks);
    std::printf("  10M planned records: %.1f MiB  (%.1f MiB; %lld extract tasks)  x%.2f of 1M\n",
                m10.after_kb / 1024.0, m10.before_kb / 1024.0, m10.tasks,
                static_cast<double>(m10.after_kb) / static_cast<double>(m1.after_kb));
  }
  return failures == 0 ? 0 : 1;
}
