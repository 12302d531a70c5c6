#include "state/redis_rate_limiter.h"

#include <signal.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <vector>

#include "common/logging.h"

namespace bridgework::state {
namespace {

// KEYS[1]: the limit's hash. ARGV: now, interval, tolerance, max_wait (microseconds).
// Returns {1, wait} with the slot reserved, or {0, wait} when the wait exceeds max_wait.
constexpr char kAcquireScript[] = R"lua(
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local max_wait = tonumber(ARGV[4])
local v = redis.call('HMGET', KEYS[1], 'tat', 'nb')
local tat = tonumber(v[1]) or now
local nb = tonumber(v[2]) or 0
local send = math.max(now, tat - tolerance, nb)
local wait = send - now
if wait > max_wait then return {0, wait} end
local new_tat = math.max(tat, send) + interval
redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', new_tat))
redis.call('PEXPIRE', KEYS[1], math.ceil((math.max(new_tat, nb) - now) / 1000) + 60000)
return {1, wait}
)lua";

// KEYS[1]: the limit's hash. ARGV: now, not_before, tolerance (microseconds).
// Moves `nb` forward (never back) and the theoretical arrival time with it, so that nobody
// bursts the moment the pause ends.
constexpr char kPushBackScript[] = R"lua(
local now = tonumber(ARGV[1])
local nb = tonumber(ARGV[2])
local tolerance = tonumber(ARGV[3])
local v = redis.call('HMGET', KEYS[1], 'tat', 'nb')
local tat = tonumber(v[1]) or 0
local cur = tonumber(v[2]) or 0
nb = math.max(nb, cur)
tat = math.max(tat, nb + tolerance)
redis.call('HSET', KEYS[1], 'tat', string.format('%.0f', tat), 'nb', string.format('%.0f', nb))
redis.call('PEXPIRE', KEYS[1], math.ceil((tat - now) / 1000) + 60000)
return 1
)lua";

struct RedisAddress {
  std::string host;
  int port = 6379;
  std::string unix_path;
  int db = 0;
};

StatusOr<RedisAddress> ParseRedisUrl(const std::string& url) {
  RedisAddress a;
  const std::string kTcp = "redis://", kUnix = "unix://";
  if (url.rfind(kUnix, 0) == 0) {
    a.unix_path = url.substr(kUnix.size());
    if (a.unix_path.empty()) return InvalidArgument("redis url has no socket path");
    return a;
  }
  if (url.rfind(kTcp, 0) != 0)
    return InvalidArgument("redis url must start with redis:// or unix://");
  std::string rest = url.substr(kTcp.size());
  auto slash = rest.find('/');
  if (slash != std::string::npos) {
    std::string db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty()) {
      if (!std::all_of(db.begin(), db.end(), ::isdigit))
        return InvalidArgument("redis db is not a number");
      a.db = std::stoi(db);
    }
  }
  auto colon = rest.rfind(':');
  a.host = rest.substr(0, colon);
  if (colon != std::string::npos) {
    std::string port = rest.substr(colon + 1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit)) {
      return InvalidArgument("redis port is not a number");
    }
    a.port = std::stoi(port);
  }
  if (a.host.empty()) return InvalidArgument("redis url has no host");
  return a;
}

timeval ToTimeval(Duration d) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return timeval{static_cast<time_t>(us / 1'000'000), static_cast<suseconds_t>(us % 1'000'000)};
}

int64_t ToMicros(Duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

// hiredis writes with plain write(): a Redis that went away would kill the whole process with
// SIGPIPE. Blocks it in this thread while a command runs and discards one raised meanwhile, so
// the failure comes back as an error instead, whatever the program's signal disposition.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ~ScopedSigpipeBlock() {
    if (sigismember(&old_, SIGPIPE) == 0) {
      sigset_t pending;
      sigpending(&pending);
      if (sigismember(&pending, SIGPIPE) == 1) {
        timespec zero{0, 0};
        sigtimedwait(&pipe_, nullptr, &zero);
      }
      pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
  }

 private:
  sigset_t pipe_;
  sigset_t old_;
};

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

}  // namespace

StatusOr<std::unique_ptr<RedisRateLimiter>> RedisRateLimiter::Connect(
    const RedisRateLimiterOptions& options, Clock* clock) {
  if (options.migration.empty()) return InvalidArgument("rate limiter needs a migration name");
  if (options.limit <= 0) return InvalidArgument("rate limit must be positive");
  if (options.period <= Duration::zero()) return InvalidArgument("rate period must be positive");
  if (options.burst < 1) return InvalidArgument("rate burst must be at least 1");
  if (options.headroom < 0 || options.headroom >= 0.5) {
    return InvalidArgument("rate headroom must be in [0, 0.5)");
  }
  BW_RETURN_IF_ERROR(ParseRedisUrl(options.redis_url).status());
  std::unique_ptr<RedisRateLimiter> limiter(new RedisRateLimiter(options, clock));
  std::lock_guard<std::mutex> l(limiter->mu_);
  BW_RETURN_IF_ERROR(limiter->EnsureConnectedLocked());
  return limiter;
}

RedisRateLimiter::RedisRateLimiter(RedisRateLimiterOptions options, Clock* clock)
    : options_(std::move(options)), clock_(clock) {
  key_ = "bw:{" + options_.migration + "}:ratelimit:" + options_.name;
  double effective = options_.limit * (1.0 - options_.headroom);
  interval_us_ = static_cast<int64_t>(std::ceil(ToMicros(options_.period) / effective));
  tolerance_us_ = interval_us_ * (options_.burst - 1);
}

RedisRateLimiter::~RedisRateLimiter() {
  std::lock_guard<std::mutex> l(mu_);
  DisconnectLocked();
}

void RedisRateLimiter::DisconnectLocked() {
  if (ctx_ != nullptr) redisFree(ctx_);
  ctx_ = nullptr;
  acquire_sha_.clear();
  pushback_sha_.clear();
}

Status RedisRateLimiter::EnsureConnectedLocked() {
  if (ctx_ != nullptr) return Status::Ok();
  BW_ASSIGN_OR_RETURN(RedisAddress a, ParseRedisUrl(options_.redis_url));
  timeval tv = ToTimeval(options_.io_timeout);
  ctx_ = a.unix_path.empty() ? redisConnectWithTimeout(a.host.c_str(), a.port, tv)
                             : redisConnectUnixWithTimeout(a.unix_path.c_str(), tv);
  if (ctx_ == nullptr || ctx_->err != 0) {
    std::string why = ctx_ != nullptr ? ctx_->errstr : "out of memory";
    DisconnectLocked();
    return Unavailable("rate limiter cannot reach redis: " + why);
  }
  redisSetTimeout(ctx_, tv);
  if (a.db != 0) {
    ReplyPtr r(static_cast<redisReply*>(redisCommand(ctx_, "SELECT %d", a.db)));
    if (!r || r->type == REDIS_REPLY_ERROR) {
      DisconnectLocked();
      return Unavailable("rate limiter cannot select redis db");
    }
  }
  return Status::Ok();
}

StatusOr<redisReply*> RedisRateLimiter::EvalLocked(const std::string& script, std::string* sha,
                                                   const std::vector<std::string>& args) {
  ScopedSigpipeBlock no_sigpipe;
  for (int attempt = 0; attempt < 2; ++attempt) {
    BW_RETURN_IF_ERROR(EnsureConnectedLocked());
    if (sha->empty()) {
      ReplyPtr r(static_cast<redisReply*>(
          redisCommand(ctx_, "SCRIPT LOAD %b", script.data(), script.size())));
      if (!r) {
        std::string why = ctx_->errstr;
        DisconnectLocked();
        return Unavailable("rate limiter lost redis: " + why);
      }
      if (r->type != REDIS_REPLY_STRING) return Internal("SCRIPT LOAD gave no sha");
      sha->assign(r->str, r->len);
    }
    std::vector<const char*> argv = {"EVALSHA", sha->c_str(), "1", key_.c_str()};
    std::vector<size_t> lens = {7, sha->size(), 1, key_.size()};
    for (const auto& a : args) {
      argv.push_back(a.c_str());
      lens.push_back(a.size());
    }
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (reply == nullptr) {
      std::string why = ctx_->errstr;
      DisconnectLocked();
      return Unavailable("rate limiter lost redis: " + why);
    }
    if (reply->type == REDIS_REPLY_ERROR) {
      std::string err(reply->str, reply->len);
      freeReplyObject(reply);
      if (err.rfind("NOSCRIPT", 0) == 0) {
        sha->clear();
        continue;
      }
      return Internal("rate limiter script failed: " + err);
    }
    return reply;
  }
  return Internal("rate limiter script could not be loaded");
}

StatusOr<Duration> RedisRateLimiter::Reserve(Duration max_wait) {
  int64_t now_us = clock_->UnixMillis() * 1000;
  std::lock_guard<std::mutex> l(mu_);
  BW_ASSIGN_OR_RETURN(redisReply * raw,
                      EvalLocked(kAcquireScript, &acquire_sha_,
                                 {std::to_string(now_us), std::to_string(interval_us_),
                                  std::to_string(tolerance_us_),
                                  std::to_string(std::max<int64_t>(0, ToMicros(max_wait)))}));
  ReplyPtr r(raw);
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
      r->element[0]->type != REDIS_REPLY_INTEGER || r->element[1]->type != REDIS_REPLY_INTEGER) {
    return Internal("rate limiter script gave an unexpected answer");
  }
  Duration wait = std::chrono::microseconds(r->element[1]->integer);
  if (r->element[0]->integer == 0) {
    return DeadlineExceeded("rate limit slot is " + std::to_string(r->element[1]->integer / 1000) +
                            " ms away, past the deadline");
  }
  return wait;
}

Status RedisRateLimiter::Acquire(Duration deadline) {
  TimePoint until = clock_->Now() + deadline;
  Duration backoff = std::chrono::milliseconds(50);
  for (;;) {
    Duration left = until - clock_->Now();
    StatusOr<Duration> wait = Reserve(left);
    if (wait.ok()) {
      if (*wait > Duration::zero()) clock_->SleepFor(*wait);
      return Status::Ok();
    }
    if (wait.status().code() != StatusCode::kUnavailable) return wait.status();
    // Redis is unreachable: try again until the deadline, then say so.
    if (clock_->Now() + backoff > until) return wait.status();
    clock_->SleepFor(backoff);
    backoff = std::min<Duration>(backoff * 2, std::chrono::seconds(1));
  }
}

Status RedisRateLimiter::TryPushBack(Duration wait) {
  int64_t now_us = clock_->UnixMillis() * 1000;
  int64_t nb = now_us + std::max<int64_t>(0, ToMicros(wait));
  std::lock_guard<std::mutex> l(mu_);
  BW_ASSIGN_OR_RETURN(redisReply * raw, EvalLocked(kPushBackScript, &pushback_sha_,
                                                   {std::to_string(now_us), std::to_string(nb),
                                                    std::to_string(tolerance_us_)}));
  freeReplyObject(raw);
  return Status::Ok();
}

void RedisRateLimiter::PushBack(Duration wait) {
  Status s = TryPushBack(wait);
  if (!s.ok()) {
    // The caller still waits out its own Retry-After; only the other workers miss the hint.
    Logger("ratelimit")->warn("rate limiter push-back not stored: {}", s.ToString());
  }
}

}  // namespace bridgework::state
