// Rollback manifest entries: what a run did to one destination record, enough to undo it.
#pragma once

#include <string>

#include "common/record.h"

namespace bridgework {

struct ManifestEntry {
  std::string key;    // TargetRecord::Key()
  std::string model;  // destination model
  std::string destination_id;
  WriteAction action = WriteAction::kCreated;  // kCreated: delete on revert; kUpdated: restore
  Json prior_values;  // kUpdated: the stored values before this run first touched it
  int depth = 0;      // dependency depth of the object; revert goes deepest first
  // For the audit log: the load batch (task id) that wrote it, the worker, and when (for an
  // update: when its prior values were recorded, just before the write).
  std::string batch;
  std::string worker;
  int64_t time_ms = 0;

  Json ToJson() const;
  static StatusOr<ManifestEntry> FromJson(const Json& j);
};

}  // namespace bridgework
