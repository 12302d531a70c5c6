#include "common/rate_limiter.h"

#include <algorithm>

namespace bridgework {

InProcessRateLimiter::InProcessRateLimiter(int limit, Duration period, int burst, Clock* clock)
    : clock_(clock),
      interval_(period / std::max(limit, 1)),
      tolerance_(interval_ * std::max(burst - 1, 0)) {}

Status InProcessRateLimiter::Acquire(Duration deadline) {
  TimePoint until = clock_->Now() + deadline;
  for (;;) {
    Duration wait{};
    {
      std::lock_guard<std::mutex> l(mu_);
      TimePoint now = clock_->Now();
      TimePoint tat = std::max(tat_, now);
      TimePoint allow_at = tat - tolerance_;
      if (allow_at <= now) {
        tat_ = tat + interval_;
        return Status::Ok();
      }
      wait = allow_at - now;
      if (now + wait > until) return DeadlineExceeded("rate limit wait exceeds deadline");
    }
    clock_->SleepFor(wait);
  }
}

void InProcessRateLimiter::PushBack(Duration wait) {
  std::lock_guard<std::mutex> l(mu_);
  tat_ = std::max(tat_, clock_->Now() + wait + tolerance_);
}

}  // namespace bridgework
