// The delta watermark in the state store: after a `migrate` or `delta` run that ended with no
// failed task (failed records do not hold it back: they are reported, and read again once
// changed in the source), the watermark becomes the latest modified-at its extract tasks read
// (workers::kMaxModifiedValue per task), or the run's start time when the source has no
// modified-at; it never moves back.
//
// Thread contract: call from one thread per migration (the verb that ran the run).
#pragma once

#include <map>
#include <string>

#include "common/status.h"
#include "state/state_store.h"

namespace bridgework::cli::delta {

// Folds the run's per-task maxima into the value `name` and returns the new watermark.
StatusOr<std::string> AdvanceWatermark(state::StateStore* store, const std::string& migration,
                                       const std::string& run_id,
                                       const std::map<std::string, state::ObjectCounters>& objects,
                                       const std::string& name);

}  // namespace bridgework::cli::delta
