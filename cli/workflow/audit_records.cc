#include "cli/workflow/audit_records.h"

#include "cli/workflow/rollback_runner.h"
#include "cli/workflow/text_format.h"

namespace bridgework::cli::workflow {

std::string AuditRecordsHeader() {
  return CsvRow(
      {"time_ms", "run", "batch", "worker", "object", "key", "model", "destination_id", "action"});
}

std::string AuditRecordRow(const std::string& run, const ManifestEntry& e) {
  return CsvRow({std::to_string(e.time_ms), run, e.batch, e.worker, ObjectOfKey(e.key), e.key,
                 e.model, e.destination_id, std::string(WriteActionName(e.action))});
}

std::string RollbackAuditHeader() {
  return CsvRow({"time_ms", "run", "object", "key", "model", "destination_id", "action"});
}

std::string RollbackAuditRow(int64_t time_ms, const std::string& run, const ManifestEntry& e,
                             const std::string& action) {
  return CsvRow(
      {std::to_string(time_ms), run, ObjectOfKey(e.key), e.key, e.model, e.destination_id, action});
}

}  // namespace bridgework::cli::workflow
