#include "connectors/sources/generator/bundle_writer.h"

#include <algorithm>
#include <charconv>

#include "connectors/sources/bundle/text_decoder.h"

namespace bridgework::sources::gen {
namespace {

constexpr const char* kBadMark = "@@BW_BAD_BYTES@@";

// The raw bytes planted as undecodable in each encoding.
std::string BadBytes(Encoding e) {
  return e == Encoding::kWindows1252 ? std::string("\x81") : std::string("\xFF\xFE");
}

bool AllDigits(const std::string& s) {
  return !s.empty() && s.size() < 16 && s[0] != '0' &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The JSON value of a cell: numbers and booleans typed as a real export types them.
nlohmann::ordered_json Typed(const Cell& c) {
  if (!c.value) return nullptr;
  const std::string& v = *c.value;
  std::string type = c.spec ? c.spec->type : "string";
  std::string format = c.spec ? c.spec->format : "";
  if (type == "boolean" && (v == "true" || v == "false")) return v == "true";
  bool numeric = type == "integer" || type == "decimal" || (type == "id" && AllDigits(v)) ||
                 (type == "datetime" && (format == "epoch" || format == "epoch_ms"));
  if (numeric) {
    int64_t i = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
    if (ec == std::errc() && p == v.data() + v.size()) return i;
    double d = 0;
    auto [p2, ec2] = std::from_chars(v.data(), v.data() + v.size(), d);
    if (ec2 == std::errc() && p2 == v.data() + v.size()) return d;
  }
  return v;
}

}  // namespace

StatusOr<std::unique_ptr<RecordWriter>> RecordWriter::Open(const std::string& path,
                                                           const ObjectSpec& object) {
  std::unique_ptr<RecordWriter> w(new RecordWriter());
  w->object_ = &object;
  w->path_ = path;
  w->file_ = std::fopen(path.c_str(), "wb");
  if (!w->file_) return Unavailable("cannot create " + path);
  std::setvbuf(w->file_, nullptr, _IOFBF, 1 << 20);
  const FormatSpec& f = object.format;
  if (f.encoding == Encoding::kUtf8Bom) std::fputs("\xEF\xBB\xBF", w->file_);
  if (f.format == FileFormat::kCsv) {
    std::string header;
    for (size_t i = 0; i < object.fields.size(); ++i) {
      if (i) header.push_back(f.delimiter);
      header += EncodeFromUtf8(object.fields[i].name, f.encoding);
    }
    header += f.line_ending;
    w->Put(header);
  } else if (f.format == FileFormat::kJson) {
    w->Put("[\n");
  }
  return w;
}

RecordWriter::~RecordWriter() {
  if (file_) std::fclose(file_);
}

void RecordWriter::Put(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), file_);
  line_ += std::count(s.begin(), s.end(), '\n');
}

int64_t RecordWriter::Write(const std::vector<Cell>& cells, Corruption corruption, int bad_field) {
  if (object_->format.format == FileFormat::kCsv) {
    int64_t line = line_;
    WriteCsv(cells, corruption, bad_field);
    ++records_;
    return line;
  }
  if (object_->format.format == FileFormat::kJson && records_ > 0) Put(",\n");
  int64_t line = line_;
  WriteJson(cells, corruption, bad_field);
  ++records_;
  return line;
}

void RecordWriter::WriteCsv(const std::vector<Cell>& cells, Corruption corruption, int bad_field) {
  const FormatSpec& f = object_->format;
  buf_.clear();
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) buf_.push_back(f.delimiter);
    std::string v = cells[i].value ? EncodeFromUtf8(*cells[i].value, f.encoding) : "";
    if (corruption == Corruption::kBadBytes && static_cast<int>(i) == bad_field) {
      v.insert(v.size() / 2, BadBytes(f.encoding));
    }
    bool quote = v.find_first_of(std::string("\"\r\n") + f.delimiter) != std::string::npos;
    if (quote) {
      buf_.push_back('"');
      for (char c : v) {
        if (c == '"') buf_.push_back('"');
        buf_.push_back(c);
      }
      buf_.push_back('"');
    } else {
      buf_ += v;
    }
  }
  if (corruption == Corruption::kExtraField) {
    buf_.push_back(f.delimiter);
    buf_ += "EXTRA";
  }
  buf_ += f.line_ending;
  Put(buf_);
}

void RecordWriter::WriteJson(const std::vector<Cell>& cells, Corruption corruption, int bad_field) {
  if (corruption == Corruption::kNotObject) {
    Put("\"orphaned fragment\"");
    if (object_->format.format == FileFormat::kNdjson) Put("\n");
    return;
  }
  nlohmann::ordered_json doc = nlohmann::ordered_json::object();
  for (size_t i = 0; i < cells.size(); ++i) {
    const Cell& c = cells[i];
    nlohmann::ordered_json v = Typed(c);
    if (corruption == Corruption::kBadBytes && static_cast<int>(i) == bad_field) {
      v = (c.value ? *c.value : std::string()) + kBadMark;
    }
    // "a.b.0.c" -> /a/b/0/c (names hold no '/' or '~').
    std::string pointer = "/" + c.name;
    std::replace(pointer.begin(), pointer.end(), '.', '/');
    doc[nlohmann::ordered_json::json_pointer(pointer)] = std::move(v);
  }
  buf_ = doc.dump();
  if (corruption == Corruption::kBadBytes) {
    size_t at = buf_.find(kBadMark);
    if (at != std::string::npos) buf_.replace(at, std::string(kBadMark).size(), "\xFF\xFE");
  } else if (corruption == Corruption::kTruncated) {
    buf_.resize(buf_.size() * 2 / 3);
  } else if (corruption == Corruption::kMissingComma) {
    size_t at = buf_.find(',');
    if (at != std::string::npos) buf_[at] = ' ';
  }
  if (object_->format.format == FileFormat::kNdjson) buf_ += object_->format.line_ending;
  Put(buf_);
}

Status RecordWriter::Close() {
  if (!file_) return Status::Ok();
  if (object_->format.format == FileFormat::kJson) Put(records_ ? "\n]\n" : "]\n");
  bool bad = std::ferror(file_) != 0;
  bad = std::fclose(file_) != 0 || bad;
  file_ = nullptr;
  if (bad) return Unavailable("cannot write " + path_);
  return Status::Ok();
}

}  // namespace bridgework::sources::gen
