#include "connectors/sources/rest/rest_fetcher.h"

#include <algorithm>

#include "common/logging.h"

namespace bridgework::connectors::rest {
namespace {

std::string PathOf(const std::string& url) {
  // Logs and errors carry the endpoint, never the query (filters, cursors).
  std::string no_query = url.substr(0, url.find('?'));
  auto scheme = no_query.find("://");
  auto slash = no_query.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? "/" : no_query.substr(slash);
}

}  // namespace

RestFetcher::RestFetcher(HttpClient* http, RateLimiter* limiter, Clock* clock, FetchPolicy policy,
                         std::string bearer_token, uint64_t jitter_seed)
    : http_(http),
      limiter_(limiter),
      clock_(clock),
      policy_(policy),
      auth_header_("Bearer " + bearer_token),
      rng_(jitter_seed) {}

FetchCounters RestFetcher::counters() {
  std::lock_guard<std::mutex> l(mu_);
  return counters_;
}

Duration RestFetcher::Backoff(int attempt) {
  // Exponential with "equal jitter": half the step fixed, half random, so workers that failed
  // together do not retry together, and none retries at once.
  Duration step = policy_.initial_backoff * (int64_t{1} << std::min(attempt, 20));
  step = std::min(step, policy_.max_backoff);
  std::lock_guard<std::mutex> l(mu_);
  std::uniform_int_distribution<int64_t> half(0, step.count() / 2);
  return Duration(step.count() / 2 + half(rng_));
}

StatusOr<HttpResponse> RestFetcher::Get(const std::string& url) {
  const TimePoint until = clock_->Now() + policy_.deadline;
  const std::string where = PathOf(url);
  TimePoint not_before{};  // our own Retry-After, kept even if the shared limiter loses it
  int failures = 0;
  Status last = DeadlineExceeded("GET " + where + ": deadline passed before any attempt");
  for (;;) {
    TimePoint now = clock_->Now();
    if (now >= until) return last.Annotate("GET " + where + " gave up at its deadline");
    if (limiter_ != nullptr) {
      Status s = limiter_->Acquire(until - now);
      if (!s.ok()) return s.Annotate("GET " + where + ": rate limiter");
    }
    now = clock_->Now();
    if (now < not_before) clock_->SleepFor(not_before - now);

    HttpRequest req;
    req.url = url;
    req.headers = {{"Authorization", auth_header_}, {"Accept", "application/json"}};
    req.timeout =
        std::min<Duration>(policy_.request_timeout,
                           std::max<Duration>(until - clock_->Now(), std::chrono::milliseconds(1)));
    {
      std::lock_guard<std::mutex> l(mu_);
      ++counters_.requests;
    }
    StatusOr<HttpResponse> res = http_->Send(req);

    Status failure;
    if (!res.ok()) {
      if (!res.status().IsTransient()) return res.status().Annotate("GET " + where);
      failure = res.status();
    } else if (res->status >= 200 && res->status < 300) {
      return res;
    } else if (res->status == 429) {
      Duration wait = RetryAfter(*res, policy_.retry_after_fallback);
      {
        std::lock_guard<std::mutex> l(mu_);
        ++counters_.throttled;
      }
      // Everyone of this migration waits, not only this worker.
      if (limiter_ != nullptr) limiter_->PushBack(wait);
      not_before = clock_->Now() + wait;
      last = ResourceExhausted("GET " + where + " answered 429");
      if (not_before >= until) {
        return last.Annotate("its Retry-After ends past the deadline");
      }
      continue;  // a 429 is the server pacing us, not a failure: bounded by the deadline only
    } else if (res->status >= 500) {
      failure = Unavailable("GET " + where + " answered " + std::to_string(res->status));
    } else if (res->status == 401 || res->status == 403) {
      return PermissionDenied("GET " + where + " answered " + std::to_string(res->status) +
                              ": the source token was refused");
    } else if (res->status == 404) {
      return NotFound("GET " + where + " answered 404");
    } else {
      return InvalidArgument("GET " + where + " answered " + std::to_string(res->status));
    }

    last = failure;
    if (failures >= policy_.max_retries) {
      return failure.Annotate("retry budget of " + std::to_string(policy_.max_retries) + " spent");
    }
    Duration pause = Backoff(failures++);
    {
      std::lock_guard<std::mutex> l(mu_);
      ++counters_.retried;
    }
    Logger("source-rest")
        ->debug("GET {} failed ({}), retry {} in {} ms", where, failure.ToString(), failures,
                std::chrono::duration_cast<std::chrono::milliseconds>(pause).count());
    if (clock_->Now() + pause >= until) {
      return failure.Annotate("GET " + where + ": no time left for a retry before the deadline");
    }
    clock_->SleepFor(pause);
  }
}

}  // namespace bridgework::connectors::rest
