// Records as every component sees them. Sources produce SourceRecords (text as read, decoded to
// UTF-8); the mapper turns each into TargetRecords (typed JSON values for one destination model);
// destinations answer with a WriteOutcome per record. Patient values live only in these structs,
// never in logs or error messages: errors carry the record id, the field and the kind of value.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace bridgework {

using Json = nlohmann::json;

// One source field: nested JSON is flattened with '.' ("address.city"); lists keep an index
// ("lines.0.code"). An absent or empty cell is std::nullopt.
struct SourceField {
  std::string name;
  std::optional<std::string> value;
};

struct SourceRecord {
  std::string object;       // source object name from the profile, e.g. "patients"
  std::string id;           // primary key as text
  std::string modified_at;  // ISO-8601 UTC ("2024-03-01T10:00:00Z"); empty when unknown
  std::string file;         // where it came from (bundle file or endpoint), for errors
  int64_t line = 0;         // first line (CSV) or record index (JSON) in `file`
  std::vector<SourceField> fields;

  // The field's value, or nullptr when the field is absent or empty.
  const std::string* Get(std::string_view name) const;
  void Set(std::string name, std::optional<std::string> value);
};

// A record, or a field of one, that could not be read or transformed. `value_kind` describes the
// value without revealing it ("empty", "text(12 chars)", "date-like", "non-UTF-8 bytes").
struct RowError {
  std::string object;
  std::string record_id;  // may be empty when the row was too broken to find its key
  std::string file;
  int64_t line = 0;
  std::string field;
  std::string reason;
  std::string value_kind;

  Json ToJson() const;
  std::string ToString()
      const;  // "patients.csv:42 patients/P-17 field email: invalid email (text)"
};

// Describes a value by kind and length only, for error messages and logs.
std::string DescribeValueKind(const std::optional<std::string>& value);

// A link from a target record to another migrated record; resolved through the id map.
struct Reference {
  std::string field;      // target field to fill with the parent's destination id
  std::string object;     // the parent's source object
  std::string source_id;  // the parent's source id (empty: no link in the source)
  std::string target;     // the parent's target tag (which of its targets), "" = the first
  bool required = false;  // unlinked when missing: the record is not written
};

// One record for one destination model, ready to write once references are resolved.
struct TargetRecord {
  std::string model;             // destination model: "res.partner", "people"
  std::string object;            // source object it came from
  std::string source_id;         // source id it came from
  std::string target;            // target tag within the object's map ("partner", "lead")
  Json values = Json::object();  // destination field -> value
  std::vector<Reference> references;

  // Stable key of this target within a migration: "<object>/<source id>/<target>".
  std::string Key() const;
};

enum class WriteAction { kCreated, kUpdated, kUnchanged, kFailed };
std::string_view WriteActionName(WriteAction action);

// What a destination did with one TargetRecord.
struct WriteOutcome {
  std::string key;  // TargetRecord::Key()
  std::string destination_id;
  WriteAction action = WriteAction::kFailed;
  Json prior_values;  // for kUpdated: the stored values the write replaced (for rollback)
  Status error;       // for kFailed: the destination's own message
  // Written (or linked) but worth a person's look: "primary email dropped: already held by
  // another person (id ...)". Empty for a plain outcome. Never a patient value.
  std::string flag;
};

}  // namespace bridgework
