// EmbeddedRedis: a private redis-server for one migration when the config names no Redis
// (DESIGN.md section 2). It listens only on a unix socket (mode 0700) in the migration's state
// folder, keeps its data there with the append-only file on, and is stopped (SIGTERM: a clean
// shutdown that flushes the AOF) when this object goes. The next verb of the same migration starts
// it again on the same data.
//
// A unix socket path is limited to 107 bytes; when the state folder is deeper than that, the
// socket goes to /tmp/bw-redis-<hash>.sock and a symlink "redis.sock" in the folder points at it.
//
// Thread contract: Start and the destructor from one thread; url() from any.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/status.h"

namespace bridgework::state {

struct EmbeddedRedisOptions {
  std::string dir;                            // state folder; created (mode 0700) when missing
  std::string redis_server = "redis-server";  // the binary, found on PATH
  std::chrono::milliseconds start_deadline{20000};
};

class EmbeddedRedis {
 public:
  // Starts redis-server (or finds the one already serving this folder) and waits for it to answer.
  static StatusOr<std::unique_ptr<EmbeddedRedis>> Start(const EmbeddedRedisOptions& options);
  ~EmbeddedRedis();

  std::string url() const { return "unix://" + socket_; }
  bool owned() const { return pid_ > 0; }

 private:
  EmbeddedRedis(std::string socket, pid_t pid) : socket_(std::move(socket)), pid_(pid) {}
  std::string socket_;
  pid_t pid_ = -1;  // -1: another process started it; we leave it running
};

}  // namespace bridgework::state
