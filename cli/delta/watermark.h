// Watermark arithmetic for `delta` (docs/sample-and-delta.md): the watermark is the latest
// modified-at a run extracted (ISO-8601 UTC text as sources normalise it); the next delta reads
// from the watermark minus a lookback, so a record whose modified-at equals the watermark, or that
// was written with a slightly late clock, is read again rather than skipped. Re-read records whose
// mapped values are unchanged are skipped by the load step, so the overlap costs reads only.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/status.h"

namespace bridgework::cli::delta {

// Seconds since the Unix epoch of an ISO-8601 time: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.f]]"
// with "Z", "+HH:MM", "-HH:MM" or no zone (taken as UTC). kInvalidArgument otherwise.
StatusOr<int64_t> ParseIsoSeconds(const std::string& text);

// "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatIsoSeconds(int64_t epoch_seconds);

// The instant `lookback_seconds` before `watermark`, as FormatIsoSeconds text.
StatusOr<std::string> ModifiedSince(const std::string& watermark, int64_t lookback_seconds);

// The later of two times (either may be empty or unparseable: the other wins; both parseable:
// compared as instants, not as text). Returns the chosen text unchanged.
std::string LaterOf(const std::string& a, const std::string& b);

}  // namespace bridgework::cli::delta
