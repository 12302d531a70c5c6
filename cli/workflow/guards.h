// Preconditions the writing workflow verbs check before they touch the destination: the map is
// confirmed and unchanged (DESIGN guarantee 4), through mapping::CheckConfirmed (the
// "<map>.confirmed.json" that `map confirm` writes). The one check every writing verb (schema
// apply, migrate, sample, delta, coordinator) calls; there is no way around it.
//
// Thread contract: reads files only.
#pragma once

#include <string>

#include "common/status.h"

namespace bridgework::cli::workflow {

// Ok when the map is confirmed and unchanged, or when the config names no map (a synthetic
// source moves records without one). Else FailedPrecondition saying which, and what to run.
Status CheckMapConfirmed(const std::string& map_path, const std::string& config_path);

}  // namespace bridgework::cli::workflow
