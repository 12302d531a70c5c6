#include "connectors/sources/bundle/csv_reader.h"

#include <cstring>

namespace bridgework::sources {

Status CsvReader::Open(const std::string& path, int64_t offset, int64_t line) {
  path_ = path;
  line_ = line;
  BW_RETURN_IF_ERROR(in_.Open(path, offset));
  if (offset == 0 && in_.Peek() == 0xEF) {
    // Only a full EF BB BF is a byte-order mark; anything else is data.
    size_t n = 0;
    const char* w = in_.Window(&n);
    if (n >= 3 && std::memcmp(w, "\xEF\xBB\xBF", 3) == 0) {
      in_.Skip(3);
      had_bom_ = true;
    }
  }
  return Status::Ok();
}

StatusOr<bool> CsvReader::Next(CsvRecord* record, int64_t end) {
  // Skip blank lines.
  for (;;) {
    int c = in_.Peek();
    if (c == '\n') {
      in_.Get();
      ++line_;
    } else if (c == '\r') {
      in_.Get();
      if (in_.Peek() == '\n') in_.Get();
      ++line_;
    } else {
      break;
    }
  }
  if (in_.Peek() < 0) {
    if (in_.ReadError()) return Unavailable("read error in " + path_);
    return false;
  }
  if (end >= 0 && in_.offset() >= end) return false;

  record->offset = in_.offset();
  record->line = line_;
  record->unterminated_quote = false;
  record->stray_quote = false;
  record->stray_field = -1;
  size_t nfields = 0;
  auto next_field = [&]() -> std::string& {
    if (nfields == record->fields.size()) record->fields.emplace_back();
    std::string& f = record->fields[nfields++];
    f.clear();
    return f;
  };

  std::string* field = &next_field();
  for (;;) {
    int c = in_.Peek();
    if (c == '"') {
      // Quoted field (a quote that does not open the field is handled below as text).
      in_.Get();
      for (;;) {
        // Copy runs of plain bytes straight from the buffer.
        size_t n = 0;
        const char* w = in_.Window(&n);
        if (w == nullptr) {
          record->unterminated_quote = true;
          break;
        }
        size_t k = 0;
        while (k < n && w[k] != '"' && w[k] != '\n') ++k;
        field->append(w, k);
        in_.Skip(k);
        if (k < n && w[k] == '\n') {
          field->push_back('\n');
          in_.Skip(1);
          ++line_;
          continue;
        }
        if (k == n) continue;
        in_.Skip(1);  // the quote
        if (in_.Peek() == '"') {
          in_.Get();
          field->push_back('"');
          continue;
        }
        break;  // closing quote
      }
      if (record->unterminated_quote) break;
      // After the closing quote: a delimiter, a line end or the end of the file.
      c = in_.Peek();
      if (c != delimiter_ && c != '\n' && c != '\r' && c >= 0) {
        record->stray_quote = true;
        record->stray_field = static_cast<int>(nfields) - 1;
        while ((c = in_.Peek()) >= 0 && c != delimiter_ && c != '\n' && c != '\r') {
          field->push_back(static_cast<char>(in_.Get()));
        }
      }
    } else {
      // Unquoted field: everything up to the delimiter or the line end.
      for (;;) {
        size_t n = 0;
        const char* w = in_.Window(&n);
        if (w == nullptr) break;
        size_t k = 0;
        while (k < n && w[k] != delimiter_ && w[k] != '\n' && w[k] != '\r') ++k;
        field->append(w, k);
        in_.Skip(k);
        if (k < n) break;
      }
    }
    c = in_.Peek();
    if (c == delimiter_) {
      in_.Get();
      field = &next_field();
      continue;
    }
    if (c == '\r') {
      in_.Get();
      if (in_.Peek() == '\n') in_.Get();
      ++line_;
    } else if (c == '\n') {
      in_.Get();
      ++line_;
    }
    break;  // line end or end of file
  }
  record->fields.resize(nfields);
  if (in_.ReadError()) return Unavailable("read error in " + path_);
  return true;
}

}  // namespace bridgework::sources
