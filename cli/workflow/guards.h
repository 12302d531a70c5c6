// Preconditions the writing workflow verbs check before they touch the destination: the map is
// confirmed and unchanged (DESIGN guarantee 4), through mapping::CheckConfirmed (the
// "<map>.confirmed.json" that `map confirm` writes). BW_ALLOW_UNCONFIRMED_MAP=1 admits a map that
// was never confirmed (demos, tests), never one changed since its confirmation.
//
// Thread contract: reads files only.
#pragma once

#include <string>

#include "common/status.h"

namespace bridgework::cli::workflow {

Status CheckMapConfirmed(const std::string& map_path, const std::string& config_path);

}  // namespace bridgework::cli::workflow
