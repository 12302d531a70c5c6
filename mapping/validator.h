// The validator: runs a map over every record of a source without writing anything, and lists
// each record that would fail and why (DESIGN.md section 1, `validate`).
//
// Errors from reading (a malformed row, broken encoding) and from mapping (an invalid email, an
// impossible date, a value missing from a value map) are both RowErrors; the report keeps them
// apart so that an operator can tell a broken export from a map that needs work.
//
// Thread contract: Validate is a pure read of the source; one call per thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "connectors/source_connector.h"
#include "mapping/mapper.h"

namespace bridgework::mapping {

struct ObjectValidation {
  int64_t read = 0;        // records read (good rows)
  int64_t unreadable = 0;  // rows the source could not read
  int64_t mapped = 0;      // records that produced their targets
  int64_t failed = 0;      // records with at least one mapping error
  int64_t skipped = 0;     // records no target applies to (conditions), no_home, rebuild-only
  std::map<std::string, int64_t> targets;  // model -> target records that would be written
  std::string placement;  // "mapped", "no_home (csv)", "rebuild_only", "schema_only", "match",
                          // "not in map"
};

struct ValidationReport {
  std::map<std::string, ObjectValidation> objects;
  std::vector<RowError> source_errors;   // from reading
  std::vector<RowError> mapping_errors;  // from the map
  int64_t dropped_errors = 0;            // beyond ValidateOptions::max_errors
  std::vector<std::string> fallbacks;    // Mapper::AppliedFallbacks()

  Json ToJson() const;
  bool ok() const { return source_errors.empty() && mapping_errors.empty(); }
};

struct ValidateOptions {
  std::vector<std::string> objects;  // empty: every object the source describes
  int64_t max_errors = 100000;       // errors kept in the report (counts stay exact)
  int64_t limit_per_object = 0;      // 0: every record
};

StatusOr<ValidationReport> Validate(const Mapper& mapper, connectors::SourceConnector& source,
                                    const ValidateOptions& options = {});

// CSV of row errors: kind,object,record_id,file,line,field,reason,value_kind.
std::string RowErrorsCsv(const ValidationReport& report);

}  // namespace bridgework::mapping
