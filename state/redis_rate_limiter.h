// RedisRateLimiter: the RateLimiter of common/rate_limiter.h kept in Redis, so that every worker
// process of a migration draws from one budget (DESIGN.md section 2, "extract workers").
//
// The algorithm is GCRA (the generic cell rate algorithm) run as one Lua script, so a check and
// its update are atomic however many processes call at once. Acquire does not poll: the script
// reserves the caller's slot (the earliest time it may send, spaced `period / limit` apart after
// a burst of `burst`) and answers how long to wait; the caller sleeps exactly that long on its
// injected Clock. PushBack (the server said 429 + Retry-After) stores a "not before" time that
// every later reservation of the migration respects, and removes the burst, so all workers slow
// down together instead of each discovering the 429 on its own.
//
// Time comes from the caller's Clock (wall-clock milliseconds), not from Redis, so tests drive it
// with a FakeClock; processes of one migration are expected to run on NTP-synchronised hosts.
//
// Keys: "bw:{<migration>}:ratelimit:<name>", a hash with fields `tat` (theoretical arrival time)
// and `nb` (not before), both in microseconds since the epoch; the hash tag keeps every key of
// a migration on one Redis Cluster shard. The key expires once it no longer constrains anyone.
//
// Thread contract: one limiter may be shared by threads (one Redis connection, guarded); any
// number of limiters, in any number of processes, may share one key.
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/rate_limiter.h"
#include "common/status.h"

namespace bridgework::state {

struct RedisRateLimiterOptions {
  std::string redis_url;        // redis://host:port[/db] or unix:///path/to/redis.sock
  std::string migration;        // the key's hash tag; required
  std::string name = "source";  // which limit of the migration
  int limit = 600;              // requests per period (the source's published limit)
  Duration period = std::chrono::minutes(1);
  int burst = 2;  // requests that may go back to back after a pause
  // Fraction of `limit` left unused. A server that counts requests per fixed window sees them
  // when they arrive, not when they were sent; the spacing this leaves (3% of a window) absorbs
  // that jitter, so the limiter never draws a 429 through its own excess.
  double headroom = 0.03;
  Duration io_timeout = std::chrono::seconds(2);  // per Redis command and connect
};

class RedisRateLimiter : public RateLimiter {
 public:
  // Connects and loads the scripts. Fails with kInvalidArgument on bad options and kUnavailable
  // when Redis cannot be reached.
  static StatusOr<std::unique_ptr<RedisRateLimiter>> Connect(const RedisRateLimiterOptions& options,
                                                             Clock* clock = Clock::Real());
  ~RedisRateLimiter() override;

  // Reserves the next slot and sleeps until it. kDeadlineExceeded (nothing reserved) when the
  // slot lies further away than `deadline`; kUnavailable when Redis stays unreachable for it.
  Status Acquire(Duration deadline) override;
  // Nobody of this migration (same key) is given a slot before now + wait.
  void PushBack(Duration wait) override;

  // One reservation step without sleeping: the wait before the caller may send, or
  // kDeadlineExceeded when it exceeds `max_wait`. Acquire is Reserve + sleep.
  StatusOr<Duration> Reserve(Duration max_wait);
  // PushBack with its Status, for callers and tests that want to see Redis errors.
  Status TryPushBack(Duration wait);

  const std::string& key() const { return key_; }

 private:
  RedisRateLimiter(RedisRateLimiterOptions options, Clock* clock);
  Status EnsureConnectedLocked();
  void DisconnectLocked();
  // Runs one script by sha, loading it again if the server forgot it (restart, SCRIPT FLUSH).
  StatusOr<redisReply*> EvalLocked(const std::string& script, std::string* sha,
                                   const std::vector<std::string>& args);

  RedisRateLimiterOptions options_;
  Clock* clock_;
  std::string key_;
  int64_t interval_us_;
  int64_t tolerance_us_;

  std::mutex mu_;
  redisContext* ctx_ = nullptr;
  std::string acquire_sha_;
  std::string pushback_sha_;
};

}  // namespace bridgework::state
