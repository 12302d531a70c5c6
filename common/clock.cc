#include "common/clock.h"

#include <thread>

namespace bridgework {
namespace {

class RealClock : public Clock {
 public:
  TimePoint Now() override { return std::chrono::steady_clock::now(); }
  int64_t UnixMillis() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  void SleepFor(Duration d) override { std::this_thread::sleep_for(d); }
};

}  // namespace

Clock* Clock::Real() {
  static RealClock clock;
  return &clock;
}

TimePoint FakeClock::Now() {
  std::lock_guard<std::mutex> l(mu_);
  return now_;
}

int64_t FakeClock::UnixMillis() {
  std::lock_guard<std::mutex> l(mu_);
  return unix_ms_;
}

void FakeClock::Advance(Duration d) {
  std::lock_guard<std::mutex> l(mu_);
  now_ += d;
  unix_ms_ += std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace bridgework
