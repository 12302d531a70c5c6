#include "coordinator/http_server.h"

#include <httplib.h>

#include <thread>

#include "coordinator/metrics.h"

namespace bridgework::coordinator {

struct MetricsServer::Impl {
  std::function<Snapshot()> snapshot;
  httplib::Server server;
  std::thread thread;
};

MetricsServer::MetricsServer(std::function<Snapshot()> snapshot) : impl_(std::make_unique<Impl>()) {
  impl_->snapshot = std::move(snapshot);
}

MetricsServer::~MetricsServer() { Stop(); }

Status MetricsServer::Start(const std::string& host, int port) {
  Impl* I = impl_.get();
  I->server.Get("/metrics", [I](const httplib::Request&, httplib::Response& res) {
    res.set_content(RenderPrometheus(I->snapshot()), "text/plain; version=0.0.4");
  });
  I->server.Get("/healthz", [I](const httplib::Request&, httplib::Response& res) {
    Snapshot s = I->snapshot();
    res.status = s.store_ok ? 200 : 503;
    res.set_content(s.store_ok ? "ok\n" : "state store unreachable\n", "text/plain");
  });
  I->server.Get("/status", [I](const httplib::Request&, httplib::Response& res) {
    res.set_content(RenderStatus(I->snapshot()).dump(2) + "\n", "application/json");
  });
  if (port == 0) {
    port_ = I->server.bind_to_any_port(host);
    if (port_ <= 0) return Unavailable("metrics: cannot bind " + host);
  } else {
    if (!I->server.bind_to_port(host, port)) {
      return Unavailable("metrics: cannot bind " + host + ":" + std::to_string(port));
    }
    port_ = port;
  }
  I->thread = std::thread([I] { I->server.listen_after_bind(); });
  return Status::Ok();
}

void MetricsServer::Stop() {
  if (impl_->thread.joinable()) {
    impl_->server.stop();
    impl_->thread.join();
  }
}

}  // namespace bridgework::coordinator
