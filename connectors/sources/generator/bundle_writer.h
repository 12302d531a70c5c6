// Writes one object's file of a generated bundle in the profile's format (CSV with its
// delimiter, encoding and BOM; NDJSON; a JSON array of nested objects), one record at a time,
// and counts lines so that the truth file can say where each planted bad row starts.
//
// Thread contract: one thread per writer.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/sources/profiles/profile.h"

namespace bridgework::sources::gen {

// What a planted bad row looks like on disk.
enum class Corruption {
  kNone,
  kExtraField,    // CSV: one more field than the header ("wrong field count")
  kBadBytes,      // bytes that mean nothing in the encoding, in `bad_field`
  kTruncated,     // NDJSON: the line is cut short ("malformed JSON")
  kMissingComma,  // JSON array: a member separator dropped ("malformed JSON")
  kNotObject,     // JSON array: an element that is not an object
};

struct Cell {
  std::string name;  // flattened name (no '*')
  std::optional<std::string> value;
  const FieldSpec* spec = nullptr;
};

class RecordWriter {
 public:
  static StatusOr<std::unique_ptr<RecordWriter>> Open(const std::string& path,
                                                      const ObjectSpec& object);
  ~RecordWriter();

  // Writes a record and returns the line it starts on. `bad_field` indexes `cells` for
  // kBadBytes.
  int64_t Write(const std::vector<Cell>& cells, Corruption corruption = Corruption::kNone,
                int bad_field = -1);
  Status Close();

 private:
  RecordWriter() = default;
  void Put(const std::string& s);
  void WriteCsv(const std::vector<Cell>& cells, Corruption corruption, int bad_field);
  void WriteJson(const std::vector<Cell>& cells, Corruption corruption, int bad_field);

  const ObjectSpec* object_ = nullptr;
  std::FILE* file_ = nullptr;
  std::string path_;
  int64_t line_ = 1;  // line the next record starts on
  int64_t records_ = 0;
  std::string buf_;
};

}  // namespace bridgework::sources::gen
