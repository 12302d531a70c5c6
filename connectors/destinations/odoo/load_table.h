// Turns TargetRecords into the (fields, rows) table of Odoo's `load` (DESTINATION-APIS.md A5):
// every cell a string, the external id in column "id", many2one by database id as
// "<field>/.id", many2many ids comma-joined in "<field>/.id", booleans "1"/"0", datetimes
// "YYYY-MM-DD HH:MM:SS" UTC, one2many lines (a list of objects, or [0, 0, {...}] triples) as
// following sub-rows whose record cells are empty.
//
// Pure functions; no RPC.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "connectors/destination_connector.h"

namespace bridgework::connectors::odoo {

using Cells = std::vector<std::pair<std::string, std::string>>;  // column -> cell, sorted

// One record converted: its own cells and its one2many lines (field -> list of line cells).
struct LoadRecord {
  std::string xmlid;  // "module.name"
  Cells cells;
  std::map<std::string, std::vector<Cells>> lines;

  // The columns this record writes; records of one load call must share it, so that an empty
  // cell never clears a field another record did not mention.
  std::string Signature() const;
};

struct LoadTable {
  std::vector<std::string> fields;
  std::vector<std::vector<std::string>> rows;
  std::vector<int> record_of_row;  // index into the records given to BuildLoadTable
};

// Converts one record's values. `fields` is the model's live schema (fields_get). Keys starting
// with '_' are connector directives and are not written. An error names the field and the kind
// of value, never the value.
StatusOr<LoadRecord> ToLoadRecord(const std::string& model, const std::string& xmlid,
                                  const Json& values,
                                  const std::map<std::string, FieldInfo>& fields);

// REQUIRES: every record has the same Signature().
LoadTable BuildLoadTable(const std::vector<const LoadRecord*>& records);

// "2024-03-01T10:00:00Z", "2024-03-01T12:00:00+02:00", "2024-03-01 10:00:00" -> UTC
// "2024-03-01 10:00:00"; a bare date gets 00:00:00. Empty on unreadable input.
std::string ToOdooDatetime(const std::string& text);

// Json for write/create (not load): null -> False, lists of ids on x2many -> [[6, 0, ids]].
Json ToWriteValues(const Json& values, const std::map<std::string, FieldInfo>& fields);

}  // namespace bridgework::connectors::odoo
