// The ZeroMQ Transport: ROUTER for the coordinator, DEALER for workers (zguide chapter 4).
// cppzmq throws; every call here catches and returns a Status.
#include <zmq.hpp>

#include "transport/transport.h"

namespace bridgework::transport {
namespace {

Status FromError(const zmq::error_t& e, const std::string& what) {
  return Unavailable(what + ": " + e.what());
}

// "tcp://host:0" asks for any free port; ZeroMQ spells that "tcp://host:*".
std::string ZmqEndpoint(const std::string& endpoint) {
  if (endpoint.rfind("tcp://", 0) == 0 && endpoint.size() > 2 &&
      endpoint.compare(endpoint.size() - 2, 2, ":0") == 0) {
    return endpoint.substr(0, endpoint.size() - 1) + "*";
  }
  return endpoint;
}

class ZmqTransport : public Transport {
 public:
  ZmqTransport(Context* context, bool router, std::string endpoint, std::string identity)
      : context_(context),
        router_(router),
        endpoint_(std::move(endpoint)),
        identity_(std::move(identity)) {}

  Status Open() {
    try {
      socket_ = std::make_unique<zmq::socket_t>(
          Ctx(), router_ ? zmq::socket_type::router : zmq::socket_type::dealer);
      socket_->set(zmq::sockopt::linger, 0);
      if (router_) {
        // Sending to a worker that is gone fails at once instead of vanishing silently, and a
        // worker reconnecting under its old identity takes it over.
        socket_->set(zmq::sockopt::router_mandatory, 1);
        socket_->set(zmq::sockopt::router_handover, 1);
        socket_->bind(ZmqEndpoint(endpoint_));
        endpoint_ = socket_->get(zmq::sockopt::last_endpoint);
      } else {
        socket_->set(zmq::sockopt::routing_id, identity_);
        socket_->set(zmq::sockopt::reconnect_ivl, 1000);
        socket_->set(zmq::sockopt::reconnect_ivl_max, 32000);
        socket_->connect(endpoint_);
      }
    } catch (const zmq::error_t& e) {
      socket_.reset();
      return FromError(e, (router_ ? "bind " : "connect ") + endpoint_);
    }
    return Status::Ok();
  }

  Status Send(const Message& m) override {
    if (!socket_) return Unavailable("transport is closed");
    try {
      if (router_) {
        if (!socket_->send(zmq::buffer(m.peer),
                           zmq::send_flags::sndmore | zmq::send_flags::dontwait)) {
          return Unavailable("send queue to peer is full");
        }
      }
      if (!socket_->send(zmq::buffer(m.payload), zmq::send_flags::dontwait)) {
        return Unavailable("send queue is full");
      }
    } catch (const zmq::error_t& e) {
      return FromError(e, "send");
    }
    return Status::Ok();
  }

  StatusOr<std::optional<Message>> Receive(Duration timeout) override {
    if (!socket_) return Unavailable("transport is closed");
    try {
      zmq::pollitem_t item{socket_->handle(), 0, ZMQ_POLLIN, 0};
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(timeout);
      zmq::poll(&item, 1, ms);
      if (!(item.revents & ZMQ_POLLIN)) return std::optional<Message>();
      Message out;
      std::vector<zmq::message_t> parts;
      while (true) {
        zmq::message_t part;
        if (!socket_->recv(part, zmq::recv_flags::dontwait)) break;
        parts.push_back(std::move(part));
        if (!socket_->get(zmq::sockopt::rcvmore)) break;
      }
      // Router: [peer, payload]; dealer: [payload]. Anything else is malformed: keep the last
      // frame as the payload so the caller can log and drop it.
      if (parts.empty()) return std::optional<Message>();
      if (router_ && parts.size() >= 2) out.peer = parts.front().to_string();
      out.payload = parts.back().to_string();
      return std::optional<Message>(std::move(out));
    } catch (const zmq::error_t& e) {
      return FromError(e, "receive");
    }
  }

  Status Reconnect() override {
    if (router_) return Status::Ok();
    socket_.reset();
    return Open();
  }

  std::string endpoint() const override { return endpoint_; }

 private:
  zmq::context_t& Ctx() { return *static_cast<zmq::context_t*>(context_->raw()); }

  Context* context_;
  bool router_;
  std::string endpoint_;
  std::string identity_;
  std::unique_ptr<zmq::socket_t> socket_;
};

}  // namespace

Context::Context() : raw_(new zmq::context_t(1)) {}
Context::~Context() { delete static_cast<zmq::context_t*>(raw_); }

StatusOr<std::unique_ptr<Transport>> BindRouter(Context* context, const std::string& endpoint) {
  auto t = std::make_unique<ZmqTransport>(context, true, endpoint, "");
  BW_RETURN_IF_ERROR(t->Open());
  return std::unique_ptr<Transport>(std::move(t));
}

StatusOr<std::unique_ptr<Transport>> ConnectDealer(Context* context, const std::string& endpoint,
                                                   const std::string& identity) {
  auto t = std::make_unique<ZmqTransport>(context, false, endpoint, identity);
  BW_RETURN_IF_ERROR(t->Open());
  return std::unique_ptr<Transport>(std::move(t));
}

}  // namespace bridgework::transport
