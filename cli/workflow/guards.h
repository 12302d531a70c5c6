// Preconditions the writing workflow verbs check before they touch the destination: the map is
// confirmed and unchanged (DESIGN guarantee 4). Same rule and state value as the engine's
// `migrate` ("confirmed_map_hash", written by `map confirm`; BW_ALLOW_UNCONFIRMED_MAP=1 lets a
// test or demo run an unconfirmed map, never a changed one).
//
// Thread contract: pure.
#pragma once

#include <optional>
#include <string>

#include "common/status.h"
#include "mapping/map_model.h"

namespace bridgework::cli::workflow {

inline constexpr char kConfirmedMapHashValue[] = "confirmed_map_hash";

// `confirmed`: the stored kConfirmedMapHashValue (nullopt: never confirmed).
Status CheckMapConfirmed(const mapping::MapFile& map, const std::optional<std::string>& confirmed,
                         const std::string& map_path, const std::string& config_path);

}  // namespace bridgework::cli::workflow
