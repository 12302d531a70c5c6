// Rollback (`bridgework rollback`): reverts one run, or every run of the migration newest first,
// through DestinationConnector::Revert. Entries go deepest dependency first (children before
// parents), in pages. Progress is kept in the state store after each page that reverted cleanly
// ("rollback.<run>.progress": entries done, in that fixed order; "rollback.<run>.done" when the
// run is fully reverted), so a rollback interrupted part-way and run again finishes the job.
// Revert is repeatable (already-gone counts as done), so a page redone after a crash is harmless.
// A page with a failed entry stops the rollback there: parents are never deleted while one of
// their children is still in the destination. Created records' id-map entries are removed once
// reverted, so a later migrate recreates them.
//
// Thread contract: one RollbackRunner per thread; the store and destination are shared safely.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/manifest.h"
#include "common/record.h"
#include "common/status.h"
#include "connectors/destination_connector.h"
#include "state/state_store.h"

namespace bridgework::cli::workflow {

struct RollbackCounts {
  int64_t deleted = 0, restored = 0, already_gone = 0, failed = 0;
};

struct RollbackFailure {
  std::string run, key, model, destination_id, reason;
};

struct RollbackResult {
  std::vector<std::string> runs;                  // runs handled, in the order reverted
  std::vector<std::string> skipped_runs;          // already fully rolled back before
  std::map<std::string, RollbackCounts> objects;  // source object -> counts
  std::vector<RollbackFailure> failures;
  bool complete = false;  // every entry of every run reverted
  Json ToJson() const;
};

// The order Revert applies entries in: deepest depth first, then updates before deletes (a
// restored record never points at one already deleted), then by key; fixed for a given manifest.
void OrderForRevert(std::vector<ManifestEntry>* entries);

// The source object of a target key ("<object>/<id>/<target>").
std::string ObjectOfKey(const std::string& key);

struct RollbackOptions {
  std::string migration;
  int page_size = 200;
  int max_call_attempts = 3;  // per page, when Revert as a whole fails (transient)
  // Called for every record reverted ("deleted", "restored" or "already-gone"), for the audit
  // log; may be empty.
  std::function<void(const std::string& run, const ManifestEntry& entry, const std::string& action)>
      on_reverted;
};

// Reverts `runs` in the given order. Runs already marked done are skipped.
StatusOr<RollbackResult> RollbackRuns(state::StateStore* store,
                                      connectors::DestinationConnector* destination,
                                      const std::vector<std::string>& runs,
                                      const RollbackOptions& options);

// Every run of the migration, newest first (the order to revert the whole migration).
StatusOr<std::vector<std::string>> RunsNewestFirst(state::StateStore* store,
                                                   const std::string& migration);

}  // namespace bridgework::cli::workflow
