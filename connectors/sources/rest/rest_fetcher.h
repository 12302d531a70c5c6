// One GET against a rate-limited, sometimes failing source API, with everything a polite client
// does around it: each attempt first takes a slot from the migration's shared RateLimiter; a 429
// pushes the whole migration back by its Retry-After (RateLimiter::PushBack) and is tried again;
// 5xx answers, dropped connections and timeouts are retried with exponential backoff and jitter;
// all of it under one deadline and a retry budget (userver's "deadline and retry budget at the
// call"). Other answers are final: 401/403 kPermissionDenied, 404 kNotFound, other 4xx
// kInvalidArgument.
//
// Thread contract: thread-safe; each cursor of a RestSource shares its source's fetcher.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "common/clock.h"
#include "common/rate_limiter.h"
#include "common/status.h"
#include "connectors/http/http_client.h"

namespace bridgework::connectors::rest {

struct FetchPolicy {
  Duration request_timeout = std::chrono::seconds(30);  // one HTTP attempt
  Duration deadline = std::chrono::minutes(5);          // all attempts of one GET together
  int max_retries = 8;                                  // 5xx / transport failures, not 429s
  Duration initial_backoff = std::chrono::milliseconds(200);
  Duration max_backoff = std::chrono::seconds(30);
  Duration retry_after_fallback = std::chrono::seconds(1);  // a 429 without Retry-After
};

// What the fetcher did, for logs and tests.
struct FetchCounters {
  int64_t requests = 0;
  int64_t throttled = 0;  // 429 answers
  int64_t retried = 0;    // 5xx, transport failures and timeouts retried
};

class RestFetcher {
 public:
  // `http` and `clock` must outlive the fetcher; `limiter` may be null (no limit).
  RestFetcher(HttpClient* http, RateLimiter* limiter, Clock* clock, FetchPolicy policy,
              std::string bearer_token, uint64_t jitter_seed);

  // The 2xx answer to GET `url`, or why there is none.
  StatusOr<HttpResponse> Get(const std::string& url);

  FetchCounters counters();

 private:
  Duration Backoff(int attempt);

  HttpClient* http_;
  RateLimiter* limiter_;
  Clock* clock_;
  FetchPolicy policy_;
  std::string auth_header_;

  std::mutex mu_;
  std::mt19937_64 rng_;
  FetchCounters counters_;
};

}  // namespace bridgework::connectors::rest
