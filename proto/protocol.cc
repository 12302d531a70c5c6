#include "proto/protocol.h"

namespace bridgework::proto {

std::string Encode(v1::Envelope envelope, std::string_view sender) {
  envelope.set_protocol(std::string(kProtocolVersion));
  envelope.set_sender(std::string(sender));
  return envelope.SerializeAsString();
}

StatusOr<v1::Envelope> Decode(std::string_view frame) {
  v1::Envelope e;
  if (!e.ParseFromArray(frame.data(), static_cast<int>(frame.size()))) {
    return InvalidArgument("malformed frame (" + std::to_string(frame.size()) + " bytes)");
  }
  if (e.protocol() != kProtocolVersion) {
    return FailedPrecondition("protocol version '" + e.protocol().substr(0, 40) +
                              "' is not supported; this side speaks " +
                              std::string(kProtocolVersion));
  }
  if (e.body_case() == v1::Envelope::BODY_NOT_SET) {
    return InvalidArgument("unknown message (no known body) from '" + e.sender().substr(0, 64) +
                           "'");
  }
  return e;
}

std::string_view BodyName(const v1::Envelope& e) {
  switch (e.body_case()) {
    case v1::Envelope::kHello:
      return "hello";
    case v1::Envelope::kWelcome:
      return "welcome";
    case v1::Envelope::kRefuse:
      return "refuse";
    case v1::Envelope::kTask:
      return "task";
    case v1::Envelope::kResult:
      return "result";
    case v1::Envelope::kHeartbeat:
      return "heartbeat";
    case v1::Envelope::kCredit:
      return "credit";
    case v1::Envelope::kDisconnect:
      return "disconnect";
    case v1::Envelope::BODY_NOT_SET:
      break;
  }
  return "unknown";
}

void ToStaged(const SourceRecord& r, v1::StagedRecord* out) {
  out->set_id(r.id);
  out->set_modified_at(r.modified_at);
  out->set_file(r.file);
  out->set_line(r.line);
  for (const auto& f : r.fields) {
    auto* sf = out->add_fields();
    sf->set_name(f.name);
    if (f.value) sf->set_value(*f.value);
  }
}

SourceRecord FromStaged(const std::string& object, const v1::StagedRecord& s) {
  SourceRecord r;
  r.object = object;
  r.id = s.id();
  r.modified_at = s.modified_at();
  r.file = s.file();
  r.line = s.line();
  r.fields.reserve(s.fields_size());
  for (const auto& f : s.fields()) {
    r.fields.push_back(
        {f.name(), f.has_value() ? std::optional<std::string>(f.value()) : std::nullopt});
  }
  return r;
}

}  // namespace bridgework::proto
