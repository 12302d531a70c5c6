// A redis-server that a test starts itself: on a free tcp port of 127.0.0.1 with its data
// (append-only file on) in a fresh temporary folder, stopped and removed at the end. Stop and
// Start again on the same folder and port to test a Redis restart.
#pragma once

#include <sys/types.h>

#include <string>

namespace bridgework::testing {

class RedisServer {
 public:
  RedisServer();   // makes the folder and picks a port; does not start
  ~RedisServer();  // kills the server and removes the folder

  bool Start();  // starts and waits until it answers PING; false on failure
  void Stop();   // SIGTERM (clean shutdown, AOF flushed) and wait
  void Kill();   // SIGKILL and wait

  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

// A free tcp port on 127.0.0.1 (bound to port 0 and released).
int FreePort();
// A fresh temporary folder ("/tmp/bw-test-XXXXXX").
std::string TempDir();

}  // namespace bridgework::testing
