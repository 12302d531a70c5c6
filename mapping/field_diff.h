// The field-level diff for `sample` (DESIGN.md section 1): per record and field, the value the
// map expects (the map applied to the source record) against the value read back from the
// destination, with a verdict:
//   equal            the same value
//   equal_normalised the same after normalising: case and spaces, phone / email / date normal
//                    forms, Odoo's False for empty, HTML against its text, many2one [id, name]
//                    against an id, numbers by value, a resolved lookup or uploaded file
//   differs          something else is stored
//   missing          the record or the field is not stored at all
//
// The report holds patient values: it goes to files written 0600 for the operator, never to
// logs. Pure functions.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/record.h"
#include "connectors/destination_connector.h"

namespace bridgework::mapping {

enum class Verdict { kEqual, kEqualNormalised, kDiffers, kMissing };
std::string VerdictName(Verdict v);

struct FieldDiff {
  std::string key;  // TargetRecord::Key()
  std::string model;
  std::string destination_id;
  std::string field;
  Json expected;
  Json stored;
  Verdict verdict = Verdict::kMissing;
  std::string how;  // which normalisation made it equal, or why it differs
};

struct DiffReport {
  std::vector<FieldDiff> rows;
  std::map<std::string, int64_t> counts;  // verdict name -> fields

  Json ToJson() const;
  std::string ToCsv() const;
  std::string ToHtml() const;  // a table a person opens; values HTML-escaped
};

// Compares one field. `how` receives the reason.
Verdict CompareValues(const Json& expected, const Json& stored, std::string* how);

// `stored` maps TargetRecord::Key() to what the destination holds (exists=false: not found).
// Stored values may be nested (Twenty): a dotted field is looked up by path.
DiffReport DiffRecords(const std::vector<TargetRecord>& expected,
                       const std::map<std::string, connectors::StoredRecord>& stored);

}  // namespace bridgework::mapping
