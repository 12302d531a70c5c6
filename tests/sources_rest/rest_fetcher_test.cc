// The fetcher's manners with a scripted server (a fake HttpClient) and a FakeClock: what it
// retries, how long it waits, and that a 429 holds the whole migration through PushBack.
#include "connectors/sources/rest/rest_fetcher.h"

#include <gtest/gtest.h>

#include <deque>

namespace bridgework::connectors::rest {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Answers from a script, in order; records what it was asked.
class ScriptedHttp : public HttpClient {
 public:
  std::deque<StatusOr<HttpResponse>> answers;
  std::vector<HttpRequest> seen;
  StatusOr<HttpResponse> Send(const HttpRequest& r) override {
    seen.push_back(r);
    if (answers.empty()) return Internal("script ran out");
    auto a = answers.front();
    answers.pop_front();
    return a;
  }
};

HttpResponse Answer(long status, std::map<std::string, std::string> headers = {},
                    std::string body = "{}") {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

// Records PushBack calls; never limits.
class RecordingLimiter : public RateLimiter {
 public:
  int acquired = 0;
  std::vector<Duration> pushed;
  Status Acquire(Duration) override {
    ++acquired;
    return Status::Ok();
  }
  void PushBack(Duration wait) override { pushed.push_back(wait); }
};

class RestFetcherTest : public ::testing::Test {
 protected:
  RestFetcher Make(FetchPolicy p = {}) {
    p.initial_backoff = milliseconds(100);
    p.max_backoff = seconds(2);
    return RestFetcher(&http_, &limiter_, &clock_, p, "secret-token", 42);
  }
  ScriptedHttp http_;
  RecordingLimiter limiter_;
  FakeClock clock_;
};

TEST_F(RestFetcherTest, SendsTheBearerTokenAndTakesASlotPerAttempt) {
  http_.answers = {Answer(503), Answer(200)};
  auto f = Make();
  auto res = f.Get("http://h/api/patients?limit=5");
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_EQ(http_.seen.size(), 2u);
  EXPECT_EQ(http_.seen[0].headers[0].second, "Bearer secret-token");
  EXPECT_EQ(limiter_.acquired, 2);
}

TEST_F(RestFetcherTest, A429PushesTheMigrationBackAndWaitsItsRetryAfter) {
  http_.answers = {Answer(429, {{"retry-after", "7"}}), Answer(200)};
  auto f = Make();
  TimePoint start = clock_.Now();
  ASSERT_TRUE(f.Get("http://h/x").ok());
  ASSERT_EQ(limiter_.pushed.size(), 1u);
  EXPECT_EQ(limiter_.pushed[0], seconds(7));
  EXPECT_GE(clock_.Now() - start, seconds(7));  // it waited even though this limiter does not
  EXPECT_EQ(f.counters().throttled, 1);
}

TEST_F(RestFetcherTest, ServerErrorsAndDropsAreRetriedWithGrowingJitteredBackoff) {
  http_.answers = {Unavailable("connection reset"), Answer(500), Answer(502),
                   DeadlineExceeded("timed out"), Answer(200)};
  auto f = Make();
  TimePoint start = clock_.Now();
  ASSERT_TRUE(f.Get("http://h/x").ok());
  // Backoffs of 100, 200, 400, 800 ms with equal jitter: at least half of each.
  Duration waited = clock_.Now() - start;
  EXPECT_GE(waited, milliseconds(750));
  EXPECT_LE(waited, milliseconds(1500));
  EXPECT_EQ(f.counters().retried, 4);
}

TEST_F(RestFetcherTest, RetryBudgetIsFinite) {
  FetchPolicy p;
  p.max_retries = 2;
  for (int i = 0; i < 5; ++i) http_.answers.push_back(Answer(503));
  auto f = Make(p);
  auto res = f.Get("http://h/x");
  EXPECT_EQ(res.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(http_.seen.size(), 3u);
}

TEST_F(RestFetcherTest, DeadlineBoundsEvenEndless429s) {
  FetchPolicy p;
  p.deadline = seconds(10);
  for (int i = 0; i < 100; ++i) http_.answers.push_back(Answer(429, {{"retry-after", "3"}}));
  auto f = Make(p);
  auto res = f.Get("http://h/x");
  EXPECT_FALSE(res.ok());
  EXPECT_TRUE(res.status().IsTransient()) << res.status().ToString();
  EXPECT_LE(http_.seen.size(), 5u);
}

TEST_F(RestFetcherTest, RefusalsAreFinalAndNeverCarryTheQuery) {
  http_.answers = {Answer(401)};
  auto f = Make();
  auto res = f.Get("http://h/api/patients?updated_since=2024-01-01");
  EXPECT_EQ(res.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(res.status().message().find("updated_since"), std::string::npos);
  http_.answers = {Answer(404)};
  EXPECT_EQ(f.Get("http://h/x").status().code(), StatusCode::kNotFound);
  http_.answers = {Answer(400)};
  EXPECT_EQ(f.Get("http://h/x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(http_.seen.size(), 3u);
}

}  // namespace
}  // namespace bridgework::connectors::rest
