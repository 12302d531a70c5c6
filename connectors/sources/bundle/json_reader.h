// Splits a JSON export into its records without loading the file: either a top-level array
// (one element at a time, found by tracking nesting and strings) or NDJSON (one value per line).
// Each element comes out as its own text with the line it starts on; the caller parses it, so
// one malformed element is one row error and the rest of the file still reads.
//
// Also flattens a parsed record into SourceFields: nested keys joined with '.', list items by
// index ("Lines.0.Code"), numbers and booleans as their JSON text, null as absent.
//
// Thread contract: one thread per reader; Flatten is pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "connectors/sources/bundle/byte_stream.h"

namespace bridgework::sources {

struct JsonElement {
  std::string text;
  int64_t line = 0;
  int64_t offset = 0;
  bool truncated = false;  // the file ended inside this element
};

class JsonElementReader {
 public:
  enum class Mode { kArray, kLines };

  // At offset 0 in array mode the reader expects '[' (after an optional BOM and whitespace);
  // at any other offset it must be at an element boundary found by an earlier scan.
  Status Open(const std::string& path, Mode mode, int64_t offset = 0, int64_t line = 1);

  // Returns false at the end of the array / file, or when the next element starts at or after
  // `end` (end < 0: no limit). A Status error means the file is not a JSON array at all.
  StatusOr<bool> Next(JsonElement* element, int64_t end = -1);

 private:
  void SkipSpace(bool commas);

  Mode mode_ = Mode::kLines;
  ByteStream in_;
  int64_t line_ = 1;
  bool done_ = false;
  std::string path_;
};

// Appends the flattened fields of `value` (an object) to *fields, in the file's key order for
// ordered_json.
void FlattenJson(const Json& value, std::vector<SourceField>* fields);
void FlattenJson(const nlohmann::ordered_json& value, std::vector<SourceField>* fields);

}  // namespace bridgework::sources
