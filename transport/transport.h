// Transport: the message seam between the coordinator and its workers (docs/protocol.md).
//
// A Transport moves opaque frames (serialized Envelopes). The coordinator's side is a router: it
// binds, hears every worker, and each received message names its peer; sends name the peer to
// reach. A worker's side is a dealer: it connects to one coordinator and its messages carry no
// peer. The ZeroMQ implementation serves tcp:// (distributed mode) and inproc:// (embedded mode,
// coordinator and workers as threads of one process) with the same code.
//
// Thread contract: a Transport is owned and used by one thread (ZeroMQ sockets are not
// thread-safe). Nothing waits forever: Receive takes a timeout.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"

namespace bridgework::transport {

struct Message {
  std::string peer;     // router side: the sender / recipient; dealer side: empty
  std::string payload;  // one serialized Envelope
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Queues one message. kUnavailable when the peer is unknown or gone (router), or when the
  // send queue is full.
  virtual Status Send(const Message& message) = 0;
  // Waits up to `timeout` for one message; nullopt when none came.
  virtual StatusOr<std::optional<Message>> Receive(Duration timeout) = 0;
  // Dealer: closes the socket and connects afresh (the Paranoid Pirate worker's reconnect).
  // Router: does nothing.
  virtual Status Reconnect() = 0;
  // The endpoint actually bound or connected ("tcp://127.0.0.1:41234" after binding port 0).
  virtual std::string endpoint() const = 0;
};

// Forwards every call; fault injectors subclass it.
class TransportWrapper : public Transport {
 public:
  explicit TransportWrapper(Transport* target) : target_(target) {}
  Status Send(const Message& m) override { return target_->Send(m); }
  StatusOr<std::optional<Message>> Receive(Duration t) override { return target_->Receive(t); }
  Status Reconnect() override { return target_->Reconnect(); }
  std::string endpoint() const override { return target_->endpoint(); }
  Transport* target() const { return target_; }

 private:
  Transport* target_;
};

// The ZeroMQ context every socket of a process shares (inproc peers must share one).
// Thread-safe; keep it alive longer than every transport made from it.
class Context {
 public:
  Context();
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  void* raw() const { return raw_; }

 private:
  void* raw_;
};

// Binds a router at `endpoint` ("tcp://0.0.0.0:5555", "tcp://127.0.0.1:0" for any free port,
// "inproc://name").
StatusOr<std::unique_ptr<Transport>> BindRouter(Context* context, const std::string& endpoint);
// Connects a dealer with routing identity `identity` (unique per worker) to `endpoint`.
StatusOr<std::unique_ptr<Transport>> ConnectDealer(Context* context, const std::string& endpoint,
                                                   const std::string& identity);

}  // namespace bridgework::transport
