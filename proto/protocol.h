// The engine's wire protocol in C++ terms: the version string every envelope carries, and the
// checked decode that turns a frame into an Envelope or a clear error (docs/protocol.md).
// Also the conversion between staged batches (proto) and SourceRecords.
//
// Thread contract: free functions, no shared state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "bridgework/v1/engine.pb.h"
#include "common/record.h"
#include "common/status.h"

namespace bridgework::proto {

// Bumped on any change a peer of the previous version would misread.
inline constexpr std::string_view kProtocolVersion = "bw-engine/1";

// Serializes with the protocol version and sender filled in.
std::string Encode(v1::Envelope envelope, std::string_view sender);

// Parses one frame. Errors: InvalidArgument for bytes that are not an Envelope or carry no body
// (unknown message); FailedPrecondition for another protocol version (the message says which).
StatusOr<v1::Envelope> Decode(std::string_view frame);

// A short name of the envelope's body for logs ("hello", "task", "unknown").
std::string_view BodyName(const v1::Envelope& envelope);

void ToStaged(const SourceRecord& record, v1::StagedRecord* out);
SourceRecord FromStaged(const std::string& object, const v1::StagedRecord& staged);

}  // namespace bridgework::proto
