// `sample --size N` (DESIGN.md section 1): selects a representative slice (sample_selection.h),
// runs the engine on it alone (workers skip every record outside the selection), reads each
// sampled record back from the destination and writes the field-level diff (mapping/field_diff.h):
// runs/<run-id>/sample.json (counts per object, selection summary, diff counts, the number of
// unexpected differences), sample-selection.json (ids and why each root was chosen; no values),
// sample-diff.{json,csv,html} (values: files are 0600, never logged).
//
// The sample run shares the migration's id map: a later `migrate` updates the sampled records
// (or skips them) and never creates them twice.
//
// Thread contract: one call at a time per migration.
#pragma once

#include <cstdint>

#include "cli/config.h"
#include "cli/sample/verb_env.h"

namespace bridgework::cli::sample {

// Returns the exit code (kExitOk also when the diff found differences: they are findings).
int RunSample(const Config& config, int64_t size, const VerbEnv& env);

}  // namespace bridgework::cli::sample
