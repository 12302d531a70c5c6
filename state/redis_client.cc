#include "state/redis_client.h"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <charconv>
#include <string_view>
#include <thread>

namespace bridgework::state {
namespace {

struct ReplyDeleter {
  void operator()(redisReply* r) const {
    if (r != nullptr) freeReplyObject(r);
  }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

bool IsDigits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Status ErrorReply(const std::string& message) {
  if (message.rfind("OOM", 0) == 0) return ResourceExhausted("redis: " + message);
  if (message.rfind("LOADING", 0) == 0 || message.rfind("MASTERDOWN", 0) == 0 ||
      message.rfind("BUSY", 0) == 0 || message.rfind("TRYAGAIN", 0) == 0) {
    return Unavailable("redis: " + message);
  }
  if (message.rfind("BWDATALOSS", 0) == 0) return DataLoss("redis: " + message);
  return Internal("redis: " + message);
}

// Copies a reply; a Redis error anywhere in it becomes the Status.
StatusOr<RedisReply> Convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_ERROR:
      return ErrorReply(std::string(r->str, r->len));
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) {
        BW_ASSIGN_OR_RETURN(RedisReply e, Convert(r->element[i]));
        out.elements.push_back(std::move(e));
      }
      break;
    default:
      break;  // nil
  }
  return out;
}

// Builds requests in RESP, the form redisFormatCommandArgv makes, but without its snprintf per
// argument and into one buffer: a load commit has thousands of arguments, and formatting and
// copying them cost more of the worker than the round trip.
class Request {
 public:
  void Begin(size_t argc) { Header('*', argc); }
  void Arg(std::string_view a) {
    Header('$', a.size());
    out_.append(a);
    out_.append("\r\n");
  }
  // Every element of `args`, with room made for them at once.
  void Args(const std::vector<std::string>& args) {
    size_t bytes = 0;
    for (const auto& a : args) bytes += a.size() + 16;  // "$<len>\r\n" and "\r\n"
    out_.reserve(out_.size() + bytes);
    for (const auto& a : args) Arg(a);
  }
  void Command(const std::vector<std::string>& argv) {
    Begin(argv.size());
    Args(argv);
  }
  const std::string& bytes() const { return out_; }

 private:
  void Header(char kind, size_t n) {
    char buf[32];
    buf[0] = kind;
    char* end = std::to_chars(buf + 1, buf + sizeof(buf) - 2, n).ptr;
    *end++ = '\r';
    *end++ = '\n';
    out_.append(buf, static_cast<size_t>(end - buf));
  }

  std::string out_;
};

}  // namespace

int64_t RedisReply::AsInt() const {
  if (type == Type::kInteger) return integer;
  if (type == Type::kString && !str.empty()) {
    try {
      return std::stoll(str);
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

StatusOr<RedisAddress> ParseRedisAddress(const std::string& url) {
  RedisAddress a;
  const std::string kTcp = "redis://", kUnix = "unix://";
  if (url.rfind(kUnix, 0) == 0) {
    std::string rest = url.substr(kUnix.size());
    auto q = rest.find("?db=");
    if (q != std::string::npos) {
      std::string db = rest.substr(q + 4);
      if (!IsDigits(db)) return InvalidArgument("redis url: db is not a number");
      a.db = std::stoi(db);
      rest = rest.substr(0, q);
    }
    if (rest.empty()) return InvalidArgument("redis url: no socket path");
    a.unix_path = rest;
    return a;
  }
  if (url.rfind(kTcp, 0) != 0) {
    return InvalidArgument("redis url must start with redis:// or unix://");
  }
  std::string rest = url.substr(kTcp.size());
  auto slash = rest.find('/');
  if (slash != std::string::npos) {
    std::string db = rest.substr(slash + 1);
    if (!db.empty()) {
      if (!IsDigits(db)) return InvalidArgument("redis url: db is not a number");
      a.db = std::stoi(db);
    }
    rest = rest.substr(0, slash);
  }
  auto at = rest.rfind('@');  // credentials in the URL are not supported (secrets stay out)
  if (at != std::string::npos) return InvalidArgument("redis url: credentials are not accepted");
  auto colon = rest.rfind(':');
  if (colon != std::string::npos) {
    std::string port = rest.substr(colon + 1);
    if (!IsDigits(port)) return InvalidArgument("redis url: port is not a number");
    a.port = std::stoi(port);
    rest = rest.substr(0, colon);
  }
  if (rest.empty()) return InvalidArgument("redis url: no host");
  a.host = rest;
  return a;
}

RedisClient::RedisClient(RedisAddress address, std::chrono::milliseconds io_timeout)
    : address_(std::move(address)), io_timeout_(io_timeout) {}

RedisClient::~RedisClient() { Disconnect(); }

void RedisClient::Disconnect() {
  if (ctx_ != nullptr) redisFree(ctx_);
  ctx_ = nullptr;
}

Status RedisClient::EnsureConnected() {
  if (ctx_ != nullptr) return Status::Ok();
  timeval tv{static_cast<time_t>(io_timeout_.count() / 1000),
             static_cast<suseconds_t>((io_timeout_.count() % 1000) * 1000)};
  redisContext* c = address_.unix_path.empty()
                        ? redisConnectWithTimeout(address_.host.c_str(), address_.port, tv)
                        : redisConnectUnixWithTimeout(address_.unix_path.c_str(), tv);
  std::string where = address_.unix_path.empty()
                          ? address_.host + ":" + std::to_string(address_.port)
                          : address_.unix_path;
  if (c == nullptr) return Unavailable("redis " + where + ": cannot allocate a connection");
  if (c->err != 0) {
    std::string why = c->errstr;
    redisFree(c);
    return Unavailable("redis " + where + " unreachable: " + why);
  }
  redisSetTimeout(c, tv);
  if (address_.unix_path.empty()) redisEnableKeepAlive(c);
  ctx_ = c;
  if (address_.db != 0) {
    auto r = Command({"SELECT", std::to_string(address_.db)});
    if (!r.ok()) {
      Disconnect();
      return r.status();
    }
  }
  return Status::Ok();
}

StatusOr<RedisReply> RedisClient::Command(const std::vector<std::string>& argv) {
  Request request;
  request.Command(argv);
  BW_ASSIGN_OR_RETURN(auto replies, Roundtrip(request.bytes(), 1));
  return std::move(replies[0]);
}

StatusOr<std::vector<RedisReply>> RedisClient::Pipeline(
    const std::vector<std::vector<std::string>>& cmds) {
  Request request;
  for (const auto& argv : cmds) request.Command(argv);
  return Roundtrip(request.bytes(), cmds.size());
}

StatusOr<std::vector<RedisReply>> RedisClient::Roundtrip(const std::string& request,
                                                         size_t replies) {
  BW_RETURN_IF_ERROR(EnsureConnected());
  if (redisAppendFormattedCommand(ctx_, request.data(), request.size()) != REDIS_OK) {
    std::string why = ctx_->errstr;
    Disconnect();
    return Unavailable("redis: " + why);
  }
  std::vector<RedisReply> out;
  out.reserve(replies);
  Status first_error;
  for (size_t i = 0; i < replies; ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) {
      std::string why = ctx_->errstr[0] ? ctx_->errstr : "connection lost";
      Disconnect();
      return Unavailable("redis: " + why);
    }
    ReplyPtr reply(static_cast<redisReply*>(raw));
    auto converted = Convert(reply.get());
    if (!converted.ok()) {
      if (first_error.ok()) first_error = converted.status();
      out.emplace_back();
    } else {
      out.push_back(std::move(converted).value());
    }
  }
  if (!first_error.ok()) return first_error;
  return out;
}

StatusOr<RedisReply> RedisClient::Eval(const std::string& script,
                                       const std::vector<std::string>& keys,
                                       const std::vector<std::string>& args) {
  auto sha = shas_.find(script);
  if (sha == shas_.end()) {
    BW_ASSIGN_OR_RETURN(RedisReply loaded, Command({"SCRIPT", "LOAD", script}));
    sha = shas_.emplace(script, loaded.str).first;
  }
  // EVALSHA sha, or EVAL body, then the keys and arguments, without copying them first.
  auto request = [&](std::string_view verb, std::string_view body) {
    Request r;
    r.Begin(3 + keys.size() + args.size());
    r.Arg(verb);
    r.Arg(body);
    r.Arg(std::to_string(keys.size()));
    r.Args(keys);
    r.Args(args);
    return r;
  };
  auto r = Roundtrip(request("EVALSHA", sha->second).bytes(), 1);
  if (!r.ok() && r.status().message().find("NOSCRIPT") != std::string::npos) {
    // Redis restarted and forgot its script cache: send the body once more.
    r = Roundtrip(request("EVAL", script).bytes(), 1);
  }
  if (!r.ok()) return r.status();
  return std::move((*r)[0]);
}

Status WaitForRedis(RedisClient* client, std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  std::chrono::milliseconds wait(100);
  while (true) {
    auto r = client->Command({"PING"});
    if (r.ok()) return Status::Ok();
    if (std::chrono::steady_clock::now() + wait > until) {
      return Unavailable(r.status().message() + " (gave up after " +
                         std::to_string(deadline.count() / 1000) + " s)");
    }
    std::this_thread::sleep_for(wait);
    wait = std::min<std::chrono::milliseconds>(wait * 2, std::chrono::seconds(2));
  }
}

}  // namespace bridgework::state
