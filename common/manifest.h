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

  Json ToJson() const;
  static StatusOr<ManifestEntry> FromJson(const Json& j);
};

}  // namespace bridgework
