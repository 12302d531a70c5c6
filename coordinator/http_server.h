// The coordinator's HTTP endpoints (cpp-httplib): /metrics (Prometheus text), /healthz and
// /status (JSON progress). Serves a snapshot taken from a callback, on its own thread.
//
// Thread contract: Start and Stop from one thread; the callback is called from the server's.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/status.h"
#include "coordinator/coordinator.h"

namespace bridgework::coordinator {

class MetricsServer {
 public:
  explicit MetricsServer(std::function<Snapshot()> snapshot);
  ~MetricsServer();
  // Binds host:port (port 0: any free port) and serves until Stop or destruction.
  Status Start(const std::string& host, int port);
  void Stop();
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace bridgework::coordinator
