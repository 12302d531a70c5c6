// `delta` (DESIGN.md section 1): during the cutover window, picks up what changed in the source
// since the watermark and upserts it. It reads records modified since (watermark - lookback)
// (config `delta_lookback_seconds`, default 3600), so a record at the boundary is never skipped;
// a re-read record whose stored values already equal the mapped ones is skipped (the load step
// compares with DestinationConnector::Read, workers/task_runner.h `skip_unchanged`), so a delta
// with no source change writes nothing. New records are created; changed ones are updated in
// place with their prior values in the run's manifest (rollback restores them). Records deleted
// in the source are reported in delta.json (`deleted_in_source`), never deleted in the
// destination.
//
// Thread contract: one call at a time per migration.
#pragma once

#include "cli/config.h"
#include "cli/sample/verb_env.h"

namespace bridgework::cli::delta {

// Returns the exit code; writes runs/<run-id>/delta.json.
int RunDelta(const Config& config, const sample::VerbEnv& env);

}  // namespace bridgework::cli::delta
