// The migration report (`bridgework report`): per object counts reconciled (read = loaded +
// skipped + failed + unlinked, or the missing records named), owner resolution, delta summary,
// failures and unlinked children, and the files exported beside it. report.json is for scripts;
// report.html for a person (counts as bars, inline CSS, no external assets). Pure: the verb
// gathers the inputs from the state store, the run folder and the source.
//
// Thread contract: functions are pure and thread-compatible.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/record.h"
#include "mapping/map_model.h"
#include "state/state_store.h"

namespace bridgework::cli::workflow {

// One run of the migration, for the delta summary.
struct RunSummary {
  std::string run_id;
  std::string modified_since;  // set: a delta run
  std::string status;
  int64_t loaded = 0, updated = 0, failed = 0;
};

struct ReportInput {
  std::string migration;
  std::string run_id;
  std::string status;  // the run's status ("done", "running", "failed")
  std::string modified_since;
  std::vector<std::string> object_order;  // plan order; objects missing from it follow sorted
  std::map<std::string, state::ObjectCounters> counters;
  std::vector<state::FailureEntry> failures;
  std::map<std::string, std::vector<std::string>> missing_ids;  // object -> source ids unaccounted
  std::optional<Json> owners;                                   // owners.json, when `owners` ran
  std::vector<RunSummary> runs;                                 // every run, oldest first
  std::vector<std::string> fallbacks;        // "object: reason" for fallbacks the map applied
  std::map<std::string, std::string> files;  // exported file -> what it holds
  int64_t audit_entries = 0;
};

// Per object reconciliation.
struct ObjectReconciliation {
  std::string object;
  state::ObjectCounters counters;
  int64_t accounted = 0;  // loaded + skipped + failed + unlinked
  bool reconciled = false;
};
std::vector<ObjectReconciliation> Reconcile(const ReportInput& input);

Json BuildReportJson(const ReportInput& input);
std::string RenderReportHtml(const Json& report);

// audit.csv: one row per committed batch (no patient values).
std::string AuditCsv(const std::vector<state::AuditEntry>& entries);
// failures.csv: one row per failed or unlinked record.
std::string FailuresCsv(const std::vector<state::FailureEntry>& failures);

// Source ids of `all_ids` that are in neither `accounted` (loaded or listed as failed).
std::vector<std::string> MissingIds(const std::vector<std::string>& all_ids,
                                    const std::vector<bool>& accounted);

// The workflow-rebuild reference: records of the map's rebuild_only objects as a structured
// document. `records` maps object -> its records (every field as read).
Json RebuildReferenceJson(const mapping::MapFile& map,
                          const std::map<std::string, std::vector<SourceRecord>>& records);
std::string RebuildReferenceMarkdown(const Json& reference);

// CSV of records with `columns` (empty: the union of every record's fields, in first-seen order).
std::string RecordsCsv(const std::vector<SourceRecord>& records,
                       const std::vector<std::string>& columns);

}  // namespace bridgework::cli::workflow
