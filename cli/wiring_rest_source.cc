// Wiring of the REST reader and of the rate limit its workers share (docs/sources-rest.md).
#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "cli/wiring.h"
#include "connectors/http/http_client.h"
#include "connectors/sources/profiles/profile.h"
#include "connectors/sources/rest/rest_source.h"
#include "state/memory_state_store.h"
#include "state/redis_rate_limiter.h"

namespace bridgework::cli {
namespace {

// Forwards to a limiter that several workers hold.
class SharedRateLimiter : public RateLimiter {
 public:
  explicit SharedRateLimiter(std::shared_ptr<RateLimiter> target) : target_(std::move(target)) {}
  Status Acquire(Duration deadline) override { return target_->Acquire(deadline); }
  void PushBack(Duration wait) override { target_->PushBack(wait); }

 private:
  std::shared_ptr<RateLimiter> target_;
};

}  // namespace

StatusOr<std::unique_ptr<connectors::SourceConnector>> MakeRestSource(const Config& config,
                                                                      RateLimiter* limiter) {
  const auto& s = config.source;
  if (!s.rest) return InvalidArgument("config: source.rest is not set");
  std::string_view text = sources::BuiltinProfileText(s.kind);
  if (text.empty()) {
    return InvalidArgument("config: source.kind " + s.kind + " has no REST profile");
  }
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  BW_ASSIGN_OR_RETURN(connectors::rest::RestProfile profile,
                      connectors::rest::ParseRestProfile(doc));
  connectors::rest::RestSourceOptions o;
  o.base_url = s.rest->url;
  if (!s.rest->token_env.empty()) {
    BW_ASSIGN_OR_RETURN(o.bearer_token, SecretFromEnv(s.rest->token_env, "source REST token"));
  }
  o.page_size = s.rest->page_size;
  o.fetch.max_retries = s.rest->max_retries;
  std::shared_ptr<connectors::HttpClient> http = connectors::NewCurlHttpClient({});
  return connectors::rest::NewRestSource(std::move(profile), o, std::move(http), limiter);
}

StatusOr<std::unique_ptr<RateLimiter>> MakeSourceRateLimiter(const Config& config,
                                                             const std::string& redis_url) {
  const auto& s = config.source;
  if (!s.rest || s.rest->rate_limit_per_min <= 0) {
    return std::unique_ptr<RateLimiter>(new UnlimitedRateLimiter());
  }
  if (redis_url == state::kMemoryStateUrl) {
    // `redis: "memory:"`: every worker is a thread of this process, so one in-process limit,
    // shared by all of them, is the migration's limit.
    static std::mutex mu;
    static std::map<std::string, std::shared_ptr<RateLimiter>> shared;
    std::lock_guard<std::mutex> lock(mu);
    auto& limiter = shared[config.migration];
    if (!limiter) {
      limiter = std::make_shared<InProcessRateLimiter>(s.rest->rate_limit_per_min,
                                                       std::chrono::minutes(1), /*burst=*/2);
    }
    return std::unique_ptr<RateLimiter>(new SharedRateLimiter(limiter));
  }
  state::RedisRateLimiterOptions o;
  o.redis_url = redis_url;
  o.migration = config.migration;
  o.name = "source";
  o.limit = s.rest->rate_limit_per_min;
  o.period = std::chrono::minutes(1);
  BW_ASSIGN_OR_RETURN(auto limiter, state::RedisRateLimiter::Connect(o));
  return std::unique_ptr<RateLimiter>(std::move(limiter));
}

}  // namespace bridgework::cli
