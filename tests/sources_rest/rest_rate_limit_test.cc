// The Must-show of issue 3, against real processes: a redis-server and the source REST simulator.
//
// 1. Eight workers, each with its own RestSource, HTTP client and RedisRateLimiter (one shared
//    key, as eight worker processes of one migration would have), pull from a simulator that
//    admits R requests per window. A window of 6 s instead of a minute keeps the test short; the
//    limiter is configured with the same R and window. Every complete window in which the
//    workers were pulling must be at least 95% used, and the simulator must not have answered a
//    single 429 for excess.
// 2. With the simulator answering 429, 5xx, slow answers and dropped connections at random,
//    every record of the bundle arrives exactly once.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include "connectors/sources/rest/rest_source.h"
#include "state/redis_rate_limiter.h"
#include "tests/sources_rest/test_servers.h"

namespace bridgework::connectors::rest {
namespace {

constexpr int kWorkers = 8;

class SharedLimitTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_.Start()); }

  void StartSim(int patients, int rate_limit, double window_s, const std::string& faults) {
    ids_ = testing::WriteFixtureBundle(dir_.path(), patients);
    testing::SimulatorOptions o;
    o.bundle = dir_.path();
    o.profile = dir_.path() + "/profile.json";
    o.token = "t0ken";
    o.rate_limit = rate_limit;
    o.window_seconds = window_s;
    o.faults = faults;
    o.seed = 7;
    ASSERT_TRUE(sim_.Start(o));
  }

  // One worker's own parts, as a separate process would build them.
  struct Worker {
    std::unique_ptr<state::RedisRateLimiter> limiter;
    std::unique_ptr<SourceConnector> source;
  };
  Worker MakeWorker(int limit, Duration period, int page_size, FetchPolicy fetch, int seed) {
    Worker w;
    state::RedisRateLimiterOptions lo;
    lo.redis_url = redis_.url();
    lo.migration = "must-show";
    lo.limit = limit;
    lo.period = period;
    auto limiter = state::RedisRateLimiter::Connect(lo);
    EXPECT_TRUE(limiter.ok()) << limiter.status().ToString();
    w.limiter = std::move(limiter).value();
    auto profile = LoadRestProfile(dir_.path() + "/profile.json");
    EXPECT_TRUE(profile.ok());
    RestSourceOptions so;
    so.base_url = sim_.base_url();
    so.bearer_token = "t0ken";
    so.page_size = page_size;
    so.fetch = fetch;
    so.jitter_seed = static_cast<uint64_t>(seed);
    w.source = NewRestSource(*profile, so, NewCurlHttpClient({}), w.limiter.get());
    return w;
  }

  Json Stats() {
    auto http = NewCurlHttpClient({});
    HttpRequest r;
    r.url = sim_.base_url() + "/_sim/stats";
    r.headers = {{"Authorization", "Bearer t0ken"}};
    auto res = http->Send(r);
    EXPECT_TRUE(res.ok());
    return res.ok() ? Json::parse(res->body) : Json::object();
  }

  testing::RedisServer redis_;
  testing::ScopedTempDir dir_{"rest"};
  testing::Simulator sim_;
  std::vector<std::string> ids_;
};

TEST_F(SharedLimitTest, EightWorkersUseAtLeast95PercentAndDrawNo429FromExcess) {
  constexpr int kLimit = 120;           // R requests...
  constexpr double kWindowSeconds = 6;  // ...per window (a short "minute")
  constexpr int kMeasuredWindows = 2;
  StartSim(1000, kLimit, kWindowSeconds, "");

  std::atomic<bool> stop{false};
  std::atomic<int64_t> records{0};
  std::mutex mu;
  std::vector<std::string> failures;
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&, i] {
      Worker w =
          MakeWorker(kLimit, std::chrono::milliseconds(int(kWindowSeconds * 1000)), 5, {}, i + 1);
      // Each worker reads its shard again and again, so demand never runs out while measured.
      while (!stop) {
        auto cursor = w.source->Open({"patients", i, kWorkers, ""}, {});
        if (!cursor.ok()) {
          std::lock_guard<std::mutex> l(mu);
          failures.push_back(cursor.status().ToString());
          return;
        }
        SourceRow row;
        for (;;) {
          auto more = (*cursor)->Next(&row);
          if (!more.ok()) {
            std::lock_guard<std::mutex> l(mu);
            failures.push_back(more.status().ToString());
            return;
          }
          if (!*more || stop) break;
          ++records;
        }
      }
    });
  }
  // Wait until the simulator has closed enough windows after the first (which holds start-up).
  Json stats;
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    stats = Stats();
    int complete = 0;
    for (const auto& w : stats["windows"]) complete += w["complete"].get<bool>() ? 1 : 0;
    if (complete >= 1 + kMeasuredWindows || std::chrono::steady_clock::now() > give_up) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  stop = true;
  for (auto& t : threads) t.join();
  stats = Stats();

  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_GT(records.load(), 0);
  EXPECT_EQ(stats["throttled"]["rate_limit"].get<int>(), 0) << stats.dump();
  int measured = 0;
  for (const auto& w : stats["windows"]) {
    int index = w["index"].get<int>();
    if (index == 0 || index > kMeasuredWindows || !w["complete"].get<bool>()) continue;
    ++measured;
    int admitted = w["admitted"].get<int>();
    EXPECT_GE(admitted, 0.95 * kLimit) << "window " << index << ": " << stats.dump();
    EXPECT_LE(admitted, kLimit);
    std::printf("window %d: %d of %d requests (%.1f%%)\n", index, admitted, kLimit,
                100.0 * admitted / kLimit);
  }
  EXPECT_EQ(measured, kMeasuredWindows) << stats.dump();
}

TEST_F(SharedLimitTest, WithRandom429And5xxAndDropsEveryRecordArrivesExactlyOnce) {
  StartSim(600, 0, 60, "429=0.04:1,500=0.05,503=0.05,drop=0.04,slow=0.03:1.5");
  FetchPolicy fetch;
  fetch.request_timeout = std::chrono::milliseconds(700);  // slow answers time out and retry
  fetch.initial_backoff = std::chrono::milliseconds(20);
  fetch.max_backoff = std::chrono::milliseconds(500);
  fetch.max_retries = 20;
  fetch.deadline = std::chrono::seconds(60);

  std::mutex mu;
  std::map<std::string, int> seen;
  std::vector<std::string> failures;
  int row_errors = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < kWorkers; ++i) {
    threads.emplace_back([&, i] {
      Worker w = MakeWorker(6000, std::chrono::minutes(1), 10, fetch, i + 1);
      auto shards = w.source->PlanShards("patients", kWorkers);
      auto cursor = w.source->Open((*shards)[i], {});
      SourceRow row;
      for (;;) {
        auto more = cursor.ok() ? (*cursor)->Next(&row) : StatusOr<bool>(cursor.status());
        std::lock_guard<std::mutex> l(mu);
        if (!more.ok()) {
          failures.push_back(more.status().ToString());
          return;
        }
        if (!*more) return;
        if (row.record) {
          ++seen[row.record->id];
        } else {
          ++row_errors;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  Json stats = Stats();

  EXPECT_TRUE(failures.empty()) << failures.front();
  EXPECT_EQ(row_errors, 0);
  std::vector<std::string> arrived;
  for (const auto& [id, n] : seen) {
    EXPECT_EQ(n, 1) << id << " arrived " << n << " times";
    arrived.push_back(id);
  }
  EXPECT_EQ(arrived, ids_);  // none lost, none extra
  // The faults did happen; otherwise this test proves nothing.
  EXPECT_GT(stats["throttled"]["injected"].get<int>(), 0) << stats.dump();
  EXPECT_GT(stats["faults"].value("500", 0) + stats["faults"].value("503", 0), 0) << stats.dump();
  EXPECT_GT(stats["faults"].value("drop", 0), 0) << stats.dump();
  std::printf("faults injected: %s\n", stats["faults"].dump().c_str());
}

}  // namespace
}  // namespace bridgework::connectors::rest
