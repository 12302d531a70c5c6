// Map confirmation (DESIGN.md guarantee 4): a person approves a map; its content hash, who and
// when are recorded beside the map in "<map>.confirmed.json". Every verb that writes calls
// CheckConfirmed first and refuses a map that is unconfirmed or changed since, saying which.
//
// Thread contract: plain file reads and writes; callers serialise confirmations of one map.
#pragma once

#include <string>

#include "common/status.h"

namespace bridgework::mapping {

struct Confirmation {
  std::string map_path;
  std::string content_hash;  // SHA-256 of the map file's bytes
  std::string by;            // who confirmed
  std::string at;            // ISO-8601 UTC
};

// "<map_path>.confirmed.json".
std::string ConfirmationPath(const std::string& map_path);

// Parses the map (a map that does not parse cannot be confirmed), then writes the confirmation
// file (mode 0600). `at` is the ISO-8601 UTC time to record.
StatusOr<Confirmation> ConfirmMap(const std::string& map_path, const std::string& by,
                                  const std::string& at);

// The recorded confirmation, if any (NotFound when there is none).
StatusOr<Confirmation> ReadConfirmation(const std::string& map_path);

// OK when the map's current bytes hash to the confirmed hash. FailedPrecondition otherwise:
// "not confirmed" or "changed since it was confirmed by NAME at TIME".
Status CheckConfirmed(const std::string& map_path);

}  // namespace bridgework::mapping
