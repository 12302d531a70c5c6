// Time is injected so that tests never sleep on the wall clock (Envoy's TimeSource).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>

namespace bridgework {

using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::steady_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() = 0;
  // Wall-clock milliseconds since the epoch, for timestamps written to Redis and reports.
  virtual int64_t UnixMillis() = 0;
  virtual void SleepFor(Duration d) = 0;

  // The process-wide real clock. Thread-safe.
  static Clock* Real();
};

// A clock that only moves when told; SleepFor advances it. Thread-safe.
class FakeClock : public Clock {
 public:
  TimePoint Now() override;
  int64_t UnixMillis() override;
  void SleepFor(Duration d) override { Advance(d); }
  void Advance(Duration d);

 private:
  std::mutex mu_;
  TimePoint now_{};
  int64_t unix_ms_ = 1'700'000'000'000;
};

}  // namespace bridgework
