// The generic `csv` source kind: a folder of CSV files, one per object, from a system that has no
// profile. Keys, references and modified-at fields come from the config (config.source.csv, see
// docs/sources.md) or are inferred from the headers:
//   primary key: a column named `id`, else `<object>_id` (singular or plural), else the first
//     column ending in "id", else the first column;
//   references: a column `<x>_id` / `<x> ID` / `<x>Id` where <x> names another file's object
//     (singular or plural);
//   modified-at: updated_at, modified_at, last_modified, modified, updated (any case/spacing);
//   attachments: columns whose name holds "path" or "file" and is not an id.
// Inferred choices are listed in the inference notes, which `inspect` shows for confirmation.
// The result is an in-memory Profile read by the same bundle reader as the vendor kinds.
//
// Thread contract: pure functions (they read the folder).
#pragma once

#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "connectors/source_connector.h"
#include "connectors/sources/profiles/profile.h"

namespace bridgework::sources {

struct CsvObjectConfig {
  std::string name;
  std::string file;         // default: <name>.csv
  std::string primary_key;  // empty: inferred
  std::string modified_at;  // empty: inferred
  bool references_given = false;
  std::vector<connectors::ObjectReference> references;
  bool attachments_given = false;
  std::vector<std::string> attachment_fields;
};

struct CsvSourceOptions {
  std::string dir;
  char delimiter = 0;  // 0: detected per file from its header line (, ; tab |)
  Encoding encoding = Encoding::kUtf8;
  std::string date_format = "YYYY-MM-DD";
  std::string datetime_format = "iso8601";
  std::vector<CsvObjectConfig> objects;  // empty: every *.csv / *.tsv / *.txt file of dir
};

struct CsvProfile {
  Profile profile;
  // Per object: {"file", "delimiter", "primary_key": {"field", "inferred", "why"},
  // "modified_at": {...}, "references": [{"field", "object", "inferred"}], "attachment_fields"}.
  Json inference = Json::object();
};

StatusOr<CsvProfile> BuildCsvProfile(const CsvSourceOptions& options);

}  // namespace bridgework::sources
