// The per-record audit log: one CSV row per destination record a run created or updated (from
// the run's rollback manifest: key, model, destination id, batch, worker, time) and one per
// record a rollback deleted or restored. Keys and ids only: never a patient value.
//
// Thread contract: pure functions.
#pragma once

#include <string>

#include "common/manifest.h"

namespace bridgework::cli::workflow {

// audit-records.csv (report): time_ms, run, batch, worker, object, key, model, destination_id,
// action ("created" / "updated").
std::string AuditRecordsHeader();
std::string AuditRecordRow(const std::string& run, const ManifestEntry& entry);

// rollback-audit.csv (rollback): time_ms, run, object, key, model, destination_id, action
// ("deleted" / "restored" / "already-gone").
std::string RollbackAuditHeader();
std::string RollbackAuditRow(int64_t time_ms, const std::string& run, const ManifestEntry& entry,
                             const std::string& action);

}  // namespace bridgework::cli::workflow
