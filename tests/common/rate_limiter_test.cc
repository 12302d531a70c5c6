#include "common/rate_limiter.h"

#include <gtest/gtest.h>

namespace bridgework {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(InProcessRateLimiterTest, AllowsBurstThenSpacesRequestsEvenly) {
  FakeClock clock;
  InProcessRateLimiter limiter(60, seconds(60), 5, &clock);
  TimePoint start = clock.Now();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(limiter.Acquire(seconds(10)).ok());
  EXPECT_EQ(clock.Now(), start);  // the burst goes out at once
  ASSERT_TRUE(limiter.Acquire(seconds(10)).ok());
  EXPECT_EQ(clock.Now() - start, seconds(1));  // then one per second
  ASSERT_TRUE(limiter.Acquire(seconds(10)).ok());
  EXPECT_EQ(clock.Now() - start, seconds(2));
}

TEST(InProcessRateLimiterTest, NeverExceedsTheLimitOverAWindow) {
  FakeClock clock;
  InProcessRateLimiter limiter(100, seconds(60), 10, &clock);
  TimePoint start = clock.Now();
  int sent = 0;
  while (clock.Now() - start < seconds(60)) {
    ASSERT_TRUE(limiter.Acquire(seconds(60)).ok());
    if (clock.Now() - start < seconds(60)) ++sent;
  }
  EXPECT_LE(sent, 100 + 10);
  EXPECT_GE(sent, 100);
}

TEST(InProcessRateLimiterTest, PushBackDelaysEveryone) {
  FakeClock clock;
  InProcessRateLimiter limiter(1000, seconds(1), 1, &clock);
  TimePoint start = clock.Now();
  limiter.PushBack(seconds(3));
  ASSERT_TRUE(limiter.Acquire(seconds(10)).ok());
  EXPECT_GE(clock.Now() - start, seconds(3));
}

TEST(InProcessRateLimiterTest, GivesUpAtTheDeadline) {
  FakeClock clock;
  InProcessRateLimiter limiter(1, seconds(60), 1, &clock);
  ASSERT_TRUE(limiter.Acquire(milliseconds(10)).ok());
  EXPECT_EQ(limiter.Acquire(milliseconds(10)).code(), StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace bridgework
