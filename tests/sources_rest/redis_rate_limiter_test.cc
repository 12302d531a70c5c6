// The GCRA in Lua against a real redis-server (started by the test on a unix socket): burst,
// spacing, deadlines, PushBack, one budget shared by limiters of one migration, and what happens
// when Redis goes away. Time is a FakeClock, so nothing here sleeps on the wall clock.
#include "state/redis_rate_limiter.h"

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include "tests/sources_rest/test_servers.h"

namespace bridgework::state {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class RedisRateLimiterTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_.Start()); }

  std::unique_ptr<RedisRateLimiter> Make(int limit, Duration period, int burst,
                                         const std::string& migration = "m1") {
    RedisRateLimiterOptions o;
    o.redis_url = redis_.url();
    o.migration = migration;
    o.limit = limit;
    o.period = period;
    o.burst = burst;
    o.headroom = 0;
    auto l = RedisRateLimiter::Connect(o, &clock_);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return l.ok() ? std::move(l).value() : nullptr;
  }

  // A raw command on the test's own connection.
  std::string Command(const std::string& cmd) {
    redisContext* c = redisConnect("127.0.0.1", redis_.port());
    auto* r = static_cast<redisReply*>(redisCommand(c, cmd.c_str()));
    std::string out;
    if (r != nullptr) {
      if (r->type == REDIS_REPLY_INTEGER) out = std::to_string(r->integer);
      if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
        out.assign(r->str, r->len);
      freeReplyObject(r);
    }
    redisFree(c);
    return out;
  }

  testing::RedisServer redis_;
  FakeClock clock_;
};

TEST_F(RedisRateLimiterTest, BurstGoesAtOnceThenRequestsAreSpaced) {
  auto l = Make(10, seconds(1), 3);  // one every 100 ms after a burst of 3
  for (int i = 0; i < 3; ++i) {
    auto w = l->Reserve(seconds(10));
    ASSERT_TRUE(w.ok());
    EXPECT_EQ(*w, Duration::zero()) << "burst request " << i;
  }
  auto w = l->Reserve(seconds(10));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, milliseconds(100));
  w = l->Reserve(seconds(10));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, milliseconds(200));
}

TEST_F(RedisRateLimiterTest, AcquireSleepsOnItsClockAndKeepsTheRate) {
  auto l = Make(60, seconds(60), 1);  // one per second
  TimePoint start = clock_.Now();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(l->Acquire(seconds(30)).ok());
  // 10 requests at one per second: the first at once, the last 9 seconds later.
  EXPECT_EQ(clock_.Now() - start, seconds(9));
}

TEST_F(RedisRateLimiterTest, SlotBeyondTheDeadlineIsRefusedAndNotTaken) {
  auto l = Make(1, seconds(10), 1);
  ASSERT_TRUE(l->Acquire(seconds(1)).ok());
  TimePoint before = clock_.Now();
  Status s = l->Acquire(seconds(5));
  EXPECT_EQ(s.code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(clock_.Now(), before);   // it did not sleep
  auto w = l->Reserve(seconds(60));  // the refused call reserved nothing
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, seconds(10));
}

TEST_F(RedisRateLimiterTest, PushBackHoldsEveryoneAndRemovesTheBurst) {
  auto a = Make(10, seconds(1), 5);
  auto b = Make(10, seconds(1), 5);
  a->PushBack(seconds(3));
  auto w = b->Reserve(seconds(60));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, seconds(3));
  w = a->Reserve(seconds(60));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, seconds(3) + milliseconds(100));  // spaced, no burst after the pause
  // A shorter push-back never moves the time earlier.
  ASSERT_TRUE(a->TryPushBack(seconds(1)).ok());
  w = b->Reserve(seconds(60));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, seconds(3) + milliseconds(200));
}

TEST_F(RedisRateLimiterTest, LimitersOfOneMigrationShareOneBudgetOthersDoNot) {
  auto a = Make(10, seconds(1), 1, "practice-a");
  auto b = Make(10, seconds(1), 1, "practice-a");
  auto other = Make(10, seconds(1), 1, "practice-b");
  EXPECT_EQ(*a->Reserve(seconds(1)), Duration::zero());
  EXPECT_EQ(*b->Reserve(seconds(1)), milliseconds(100));
  EXPECT_EQ(*a->Reserve(seconds(1)), milliseconds(200));
  EXPECT_EQ(*other->Reserve(seconds(1)), Duration::zero());
  EXPECT_EQ(a->key(), "bw:{practice-a}:ratelimit:source");
  // The key expires once it no longer constrains anyone.
  EXPECT_GT(std::stoll(Command("PTTL " + a->key())), 0);
}

TEST_F(RedisRateLimiterTest, ScriptsAreLoadedAgainAfterAFlush) {
  auto l = Make(10, seconds(1), 1);
  ASSERT_TRUE(l->Reserve(seconds(1)).ok());
  EXPECT_EQ(Command("SCRIPT FLUSH"), "OK");
  auto w = l->Reserve(seconds(1));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(*w, milliseconds(100));
}

TEST_F(RedisRateLimiterTest, UnreachableRedisIsUnavailableWithinTheDeadline) {
  RedisRateLimiterOptions o;
  o.redis_url = "unix:///nonexistent/redis.sock";
  o.migration = "m1";
  EXPECT_EQ(RedisRateLimiter::Connect(o, &clock_).status().code(), StatusCode::kUnavailable);

  auto l = Make(10, seconds(1), 1);
  Command("SHUTDOWN NOSAVE");
  TimePoint before = clock_.Now();
  Status s = l->Acquire(seconds(2));
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_LE(clock_.Now() - before, seconds(2));
}

TEST_F(RedisRateLimiterTest, RefusesBadOptions) {
  RedisRateLimiterOptions o;
  o.redis_url = redis_.url();
  o.migration = "";
  EXPECT_EQ(RedisRateLimiter::Connect(o).status().code(), StatusCode::kInvalidArgument);
  o.migration = "m";
  o.limit = 0;
  EXPECT_EQ(RedisRateLimiter::Connect(o).status().code(), StatusCode::kInvalidArgument);
  o.limit = 5;
  o.redis_url = "http://localhost";
  EXPECT_EQ(RedisRateLimiter::Connect(o).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace bridgework::state
