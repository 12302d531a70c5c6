// RedisClient: one hiredis connection in RAII form that turns every failure into a Status.
//
// A command that fails on the connection (refused, reset, timed out) drops the connection and
// returns kUnavailable; the next command connects again. So a Redis restart costs the caller one
// transient error per connection, and the caller's retry policy decides what happens next.
// Scripts run through EVALSHA and fall back to EVAL when Redis has forgotten them (NOSCRIPT after
// a restart), so a script is always a single atomic step.
//
// Thread contract: one thread at a time (callers that share a client guard it with a mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"

struct redisContext;

namespace bridgework::state {

// redis://host:port[/db] or unix:///path/to.sock[?db=N]
struct RedisAddress {
  std::string host;
  int port = 6379;
  std::string unix_path;
  int db = 0;
};
StatusOr<RedisAddress> ParseRedisAddress(const std::string& url);

// A reply, copied out of hiredis so that no hiredis type crosses the seam.
struct RedisReply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus
  int64_t integer = 0;
  std::vector<RedisReply> elements;

  bool is_nil() const { return type == Type::kNil; }
  // The string, or "" for nil.
  const std::string& AsString() const { return str; }
  // kInteger, or a kString holding a number; 0 otherwise.
  int64_t AsInt() const;
};

class RedisClient {
 public:
  explicit RedisClient(RedisAddress address,
                       std::chrono::milliseconds io_timeout = std::chrono::seconds(5));
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Runs one command. A Redis error reply becomes kInternal (or kResourceExhausted for OOM,
  // kUnavailable for LOADING / MASTERDOWN / BUSY), with Redis's message.
  StatusOr<RedisReply> Command(const std::vector<std::string>& argv);
  // Sends several commands in one round trip; one reply per command, in order.
  StatusOr<std::vector<RedisReply>> Pipeline(const std::vector<std::vector<std::string>>& cmds);
  // Runs a Lua script (EVALSHA, falling back to EVAL).
  StatusOr<RedisReply> Eval(const std::string& script, const std::vector<std::string>& keys,
                            const std::vector<std::string>& args);

  const RedisAddress& address() const { return address_; }

 private:
  Status EnsureConnected();
  void Disconnect();
  // Sends `request` (one or more commands in RESP) and reads `replies` replies.
  StatusOr<std::vector<RedisReply>> Roundtrip(const std::string& request, size_t replies);

  RedisAddress address_;
  std::chrono::milliseconds io_timeout_;
  redisContext* ctx_ = nullptr;
  std::unordered_map<std::string, std::string> shas_;  // script body -> SHA1 from SCRIPT LOAD
};

// Connects until Redis answers PING or `deadline` passes, waiting 100 ms doubling to 2 s between
// tries. kUnavailable naming the address when it never answered.
Status WaitForRedis(RedisClient* client, std::chrono::milliseconds deadline);

}  // namespace bridgework::state
