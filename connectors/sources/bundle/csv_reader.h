// Reads CSV records (RFC 4180) from a byte offset, streaming: quoted fields, doubled quotes,
// delimiters and line breaks inside quotes, CRLF / LF / CR line ends, a UTF-8 byte-order mark at
// the start of the file, any one-byte delimiter. Fields stay raw bytes; the caller decodes them
// from the bundle's encoding. Blank lines between records are skipped.
//
// Lenient where exports are sloppy: a quote inside an unquoted field is kept as text; text after
// a closing quote is kept but the record is marked (stray_quote) for the caller to report.
//
// Thread contract: one thread per reader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/sources/bundle/byte_stream.h"

namespace bridgework::sources {

struct CsvRecord {
  std::vector<std::string> fields;
  int64_t line = 0;                 // line of the record's first byte (1-based)
  int64_t offset = 0;               // byte offset of the record's first byte
  bool unterminated_quote = false;  // the file ended inside a quoted field
  bool stray_quote = false;         // characters after a closing quote
  int stray_field = -1;             // index of that field
};

class CsvReader {
 public:
  explicit CsvReader(char delimiter) : delimiter_(delimiter) {}

  // Positions the reader at `offset` (a record boundary), whose line number is `line`.
  // At offset 0 a UTF-8 byte-order mark is skipped.
  Status Open(const std::string& path, int64_t offset = 0, int64_t line = 1);

  // Reads the next record. Returns false at the end of the file, or when the next record
  // starts at or after `end` (end < 0: no limit).
  StatusOr<bool> Next(CsvRecord* record, int64_t end = -1);

  bool had_bom() const { return had_bom_; }

 private:
  char delimiter_;
  ByteStream in_;
  int64_t line_ = 1;
  bool had_bom_ = false;
  std::string path_;
};

}  // namespace bridgework::sources
