// A vendor profile: the data that says what a source's export bundle (and REST shape) holds.
//
// Profiles are JSON files in this folder (one per vendor), compiled into the binary so that the
// program needs no data path at run time. The bundle reader, gen-sample and inspect are driven by
// a Profile alone; there is no per-vendor code path. docs/sources.md documents the format.
//
// Thread contract: a Profile is an immutable value once parsed; share it freely.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "connectors/source_connector.h"

namespace bridgework::sources {

enum class FileFormat { kCsv, kNdjson, kJson };
enum class Encoding { kUtf8, kUtf8Bom, kWindows1252, kLatin1 };

std::string_view FileFormatName(FileFormat f);
std::string_view EncodingName(Encoding e);
StatusOr<Encoding> ParseEncoding(std::string_view name);

// How one file is written. The bundle's defaults apply unless the object overrides them.
struct FormatSpec {
  FileFormat format = FileFormat::kCsv;
  Encoding encoding = Encoding::kUtf8;
  char delimiter = ',';
  std::string line_ending = "\n";
  std::string date_format = "YYYY-MM-DD";  // see date_format.h
  std::string datetime_format = "iso8601";
  char decimal_separator = '.';
  std::vector<std::string> true_values = {"true"};
  std::vector<std::string> false_values = {"false"};
};

struct FieldSpec {
  std::string name;    // flattened name; '*' stands for any list index ("Lines.*.Code")
  std::string type;    // id string text integer decimal boolean date datetime email phone enum file
  std::string format;  // date/datetime format overriding the object's; empty: the object's
  bool custom = false;  // a custom property (per-practice field)
  std::string gen;      // gen-sample's value recipe (generator/ documents the recipes)
  int min_items = 1;    // for '*' fields: how many list items gen-sample writes
  int max_items = 1;

  bool IsPattern() const { return name.find('*') != std::string::npos; }
  // True when `flat` ("Lines.2.Code") is an instance of this field's name ("Lines.*.Code").
  bool Matches(std::string_view flat) const;
};

struct ObjectSpec {
  std::string name;
  std::string label;
  std::string file;      // path inside the bundle
  std::string endpoint;  // REST path under rest.base_path
  std::string primary_key;
  std::string modified_at;  // empty: the object has no modified-at field
  std::string entity;       // "patient" for the patient object (duplicate detection)
  std::vector<connectors::ObjectReference> references;
  std::vector<std::string> attachment_fields;
  std::vector<FieldSpec> fields;
  FormatSpec format;  // resolved: bundle defaults plus this object's overrides
  // gen-sample only.
  Json generate = Json::object();
  std::string id_prefix;
  int id_width = 0;
  int64_t id_start = 1;

  const FieldSpec* FindField(std::string_view flat_name) const;
  // The date format of a date or datetime field (its own, else the object's).
  std::string DateFormatOf(const FieldSpec& field) const;
};

struct Profile {
  std::string kind;
  std::string label;
  FormatSpec defaults;
  std::string custom_property_prefix;  // "cp_", "Intake: ", "Properties."
  std::string attachments_dir;
  Json rest = Json::object();       // the REST shape (pagination, modified-since); see docs
  std::vector<ObjectSpec> objects;  // parents first

  const ObjectSpec* Find(std::string_view object) const;
  connectors::SourceDescription Describe() const;
};

// Parses a profile document; errors name the object and key at fault.
StatusOr<Profile> ParseProfile(std::string_view json_text);

// The profiles shipped in connectors/sources/profiles/ (compiled in).
std::vector<std::string> BuiltinProfileKinds();
StatusOr<Profile> BuiltinProfile(std::string_view kind);
// The raw JSON text of a shipped profile (for the REST simulator and docs), or empty.
std::string_view BuiltinProfileText(std::string_view kind);

}  // namespace bridgework::sources
