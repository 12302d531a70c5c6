// A rate limit shared by every worker of a migration. Declared here so that connectors can take
// one without knowing where it lives; state/ implements it over Redis (a GCRA in Lua), and
// InProcessRateLimiter below serves single-process use and tests.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "common/status.h"

namespace bridgework {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Blocks until one request may be sent, or returns an error (the store is unreachable past
  // the deadline). Thread-safe.
  virtual Status Acquire(Duration deadline) = 0;
  // The server answered 429 / Retry-After: nobody of this migration sends before `wait` passes.
  virtual void PushBack(Duration wait) = 0;
};

// GCRA in one process: `limit` requests per `period`, with a burst of `burst` requests.
class InProcessRateLimiter : public RateLimiter {
 public:
  InProcessRateLimiter(int limit, Duration period, int burst, Clock* clock = Clock::Real());
  Status Acquire(Duration deadline) override;
  void PushBack(Duration wait) override;

 private:
  std::mutex mu_;
  Clock* clock_;
  Duration interval_;
  Duration tolerance_;
  TimePoint tat_{};  // theoretical arrival time
};

// No limit at all.
class UnlimitedRateLimiter : public RateLimiter {
 public:
  Status Acquire(Duration) override { return Status::Ok(); }
  void PushBack(Duration) override {}
};

}  // namespace bridgework
