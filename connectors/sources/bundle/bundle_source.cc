#include "connectors/sources/bundle/bundle_source.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "connectors/sources/bundle/csv_reader.h"
#include "connectors/sources/bundle/json_reader.h"
#include "connectors/sources/bundle/text_decoder.h"
#include "connectors/sources/profiles/date_format.h"

namespace bridgework::sources {
namespace {

namespace fs = std::filesystem;
using connectors::ReadOptions;
using connectors::RecordCursor;
using connectors::ShardSpec;
using connectors::SourceRow;

constexpr const char* kRecordField = "(record)";
// Stands in for undecodable bytes inside JSON text so that the field holding them can be named.
constexpr const char* kBadByteMark = "\xEF\xBF\xBF";  // U+FFFF, a noncharacter

struct ShardRange {
  int64_t begin = 0;
  int64_t end = -1;
  int64_t line = 1;
};

std::string RangeToken(const ShardRange& r) {
  return fmt::format("{}:{}:{}", r.begin, r.end, r.line);
}

StatusOr<ShardRange> ParseToken(const std::string& token) {
  ShardRange r;
  if (token.empty()) return r;
  if (std::sscanf(token.c_str(), "%ld:%ld:%ld", &r.begin, &r.end, &r.line) != 3) {
    return InvalidArgument("bundle shard token is malformed");
  }
  return r;
}

std::string ByteHex(std::string_view s, size_t at) {
  return at < s.size() ? fmt::format("0x{:02X}", static_cast<unsigned char>(s[at])) : "?";
}

// Decodes `in`, replacing every undecodable byte by kBadByteMark. Returns false when it had to.
bool DecodeMarking(std::string_view in, Encoding enc, std::string* out) {
  out->clear();
  bool clean = true;
  while (!in.empty()) {
    size_t bad = 0;
    size_t before = out->size();
    if (DecodeToUtf8(in, enc, out, &bad)) return clean;
    clean = false;
    out->resize(before);
    std::string part;
    size_t ignored = 0;
    DecodeToUtf8(in.substr(0, bad), enc, &part, &ignored);
    out->append(part);
    out->append(kBadByteMark);
    in.remove_prefix(bad + 1);
  }
  return clean;
}

class BundleCursor : public RecordCursor {
 public:
  BundleCursor(const Profile* profile, const ObjectSpec* object, std::string dir, ShardRange range,
               ReadOptions options)
      : profile_(profile),
        object_(object),
        dir_(std::move(dir)),
        range_(range),
        csv_(object->format.delimiter) {
    since_ = NormalizeIso(options.modified_since);
    for (const auto& a : object_->attachment_fields) attachment_fields_.push_back(a);
  }

  Status Init() {
    path_ = (fs::path(dir_) / object_->file).string();
    if (!fs::exists(path_)) return NotFound("bundle file " + object_->file + " is missing");
    if (const FieldSpec* f = object_->FindField(object_->modified_at)) {
      modified_format_ = object_->DateFormatOf(*f);
    } else {
      modified_format_ = object_->format.datetime_format;
    }
    if (object_->format.format == FileFormat::kCsv) {
      if (range_.begin == 0) {
        BW_RETURN_IF_ERROR(csv_.Open(path_, 0, 1));
        BW_RETURN_IF_ERROR(ReadHeader(&csv_));
      } else {
        CsvReader head(object_->format.delimiter);
        BW_RETURN_IF_ERROR(head.Open(path_, 0, 1));
        BW_RETURN_IF_ERROR(ReadHeader(&head));
        BW_RETURN_IF_ERROR(csv_.Open(path_, range_.begin, range_.line));
      }
      return Status::Ok();
    }
    auto mode = object_->format.format == FileFormat::kJson ? JsonElementReader::Mode::kArray
                                                            : JsonElementReader::Mode::kLines;
    return json_.Open(path_, mode, range_.begin, range_.line);
  }

  StatusOr<bool> Next(SourceRow* row) override {
    for (;;) {
      row->record.reset();
      row->error.reset();
      StatusOr<bool> more =
          object_->format.format == FileFormat::kCsv ? NextCsv(row) : NextJson(row);
      if (!more.ok() || !*more) return more;
      if (row->error) return true;
      if (!Finish(row)) return true;  // became an error
      if (!since_.empty() && !row->record->modified_at.empty() &&
          row->record->modified_at < since_) {
        continue;
      }
      return true;
    }
  }

 private:
  Status ReadHeader(CsvReader* reader) {
    CsvRecord rec;
    BW_ASSIGN_OR_RETURN(bool any, reader->Next(&rec));
    if (!any) return Status::Ok();  // an empty file: no header, no records
    header_.clear();
    for (const auto& raw : rec.fields) {
      std::string name;
      size_t bad = 0;
      if (!DecodeToUtf8(raw, object_->format.encoding, &name, &bad)) {
        return InvalidArgument(fmt::format("{}: header is not valid {}", object_->file,
                                           EncodingName(object_->format.encoding)));
      }
      while (!name.empty() && (name.back() == ' ')) name.pop_back();
      header_.push_back(std::move(name));
    }
    return Status::Ok();
  }

  void Error(SourceRow* row, int64_t line, std::string field, std::string reason,
             std::string value_kind = "", std::string id = "") {
    RowError e;
    e.object = object_->name;
    e.record_id = std::move(id);
    e.file = object_->file;
    e.line = line;
    e.field = std::move(field);
    e.reason = std::move(reason);
    e.value_kind = std::move(value_kind);
    row->error = std::move(e);
  }

  StatusOr<bool> NextCsv(SourceRow* row) {
    BW_ASSIGN_OR_RETURN(bool any, csv_.Next(&rec_, range_.end));
    if (!any) return false;
    if (header_.empty()) {
      Error(row, rec_.line, kRecordField, "malformed row: the file has no header");
      return true;
    }
    // The record id, when it can be read, helps a person find the row.
    std::string id;
    for (size_t i = 0; i < header_.size() && i < rec_.fields.size(); ++i) {
      if (header_[i] == object_->primary_key) {
        size_t bad = 0;
        if (!DecodeToUtf8(rec_.fields[i], object_->format.encoding, &id, &bad)) id.clear();
      }
    }
    if (rec_.unterminated_quote) {
      Error(row, rec_.line, kRecordField, "malformed row: the file ends inside a quoted field", "",
            id);
      return true;
    }
    if (rec_.fields.size() != header_.size()) {
      Error(row, rec_.line, kRecordField,
            fmt::format("wrong field count: expected {} fields, got {}", header_.size(),
                        rec_.fields.size()),
            "", id);
      return true;
    }
    if (rec_.stray_quote) {
      Error(row, rec_.line, header_[rec_.stray_field], "malformed row: text after a closing quote",
            "", id);
      return true;
    }
    SourceRecord r;
    r.object = object_->name;
    r.file = object_->file;
    r.line = rec_.line;
    r.fields.reserve(header_.size());
    for (size_t i = 0; i < header_.size(); ++i) {
      const std::string& raw = rec_.fields[i];
      if (raw.empty()) {
        r.fields.push_back({header_[i], std::nullopt});
        continue;
      }
      std::string value;
      size_t bad = 0;
      if (!DecodeToUtf8(raw, object_->format.encoding, &value, &bad)) {
        Error(row, rec_.line, header_[i],
              fmt::format("invalid encoding: byte {} at offset {} is not {}", ByteHex(raw, bad),
                          bad, EncodingName(object_->format.encoding)),
              "undecodable bytes", id);
        return true;
      }
      r.fields.push_back({header_[i], std::move(value)});
    }
    row->record = std::move(r);
    return true;
  }

  StatusOr<bool> NextJson(SourceRow* row) {
    BW_ASSIGN_OR_RETURN(bool any, json_.Next(&elem_, range_.end));
    if (!any) return false;
    if (elem_.truncated) {
      Error(row, elem_.line, kRecordField, "malformed JSON: the file ends inside a record");
      return true;
    }
    bool clean = DecodeMarking(elem_.text, object_->format.encoding, &decoded_);
    nlohmann::ordered_json doc =
        nlohmann::ordered_json::parse(decoded_, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
      Error(row, elem_.line, kRecordField, "malformed JSON: not a valid JSON value");
      return true;
    }
    if (!doc.is_object()) {
      Error(row, elem_.line, kRecordField, "not a JSON object");
      return true;
    }
    SourceRecord r;
    r.object = object_->name;
    r.file = object_->file;
    r.line = elem_.line;
    FlattenJson(doc, &r.fields);
    if (!clean) {
      std::string id;
      if (const std::string* v = r.Get(object_->primary_key)) id = *v;
      if (id.find(kBadByteMark) != std::string::npos) id.clear();
      for (const auto& f : r.fields) {
        if (f.value && f.value->find(kBadByteMark) != std::string::npos) {
          Error(row, elem_.line, f.name,
                fmt::format("invalid encoding: bytes that are not {}",
                            EncodingName(object_->format.encoding)),
                "undecodable bytes", id);
          return true;
        }
      }
      // The bad bytes were in a key, not a value.
      Error(row, elem_.line, kRecordField,
            fmt::format("invalid encoding: a key holds bytes that are not {}",
                        EncodingName(object_->format.encoding)),
            "undecodable bytes", id);
      return true;
    }
    row->record = std::move(r);
    return true;
  }

  // Key, attachments and modified-at; false when the record became an error.
  bool Finish(SourceRow* row) {
    SourceRecord& r = *row->record;
    const std::string* id = r.Get(object_->primary_key);
    if (id == nullptr) {
      int64_t line = r.line;
      row->record.reset();
      Error(row, line, object_->primary_key, "missing primary key", "empty");
      return false;
    }
    r.id = *id;
    for (const auto& field : attachment_fields_) {
      const std::string* rel = r.Get(field);
      if (rel == nullptr) continue;
      std::string full = ResolveBundlePath(dir_, *rel);
      std::string reason;
      if (full.empty()) {
        reason = "attachment path outside the bundle";
      } else {
        std::error_code ec;
        if (!fs::is_regular_file(full, ec)) reason = "missing attachment file";
      }
      if (!reason.empty()) {
        std::string rid = r.id;
        int64_t line = r.line;
        std::string kind = DescribeValueKind(*rel);
        row->record.reset();
        Error(row, line, field, reason, kind, rid);
        return false;
      }
    }
    if (!object_->modified_at.empty()) {
      if (const std::string* m = r.Get(object_->modified_at)) {
        if (auto t = ParseTime(*m, modified_format_)) r.modified_at = ToIso(*t);
      }
    }
    return true;
  }

  const Profile* profile_;
  const ObjectSpec* object_;
  std::string dir_;
  ShardRange range_;
  std::string since_;
  std::string path_;
  std::string modified_format_;
  std::vector<std::string> attachment_fields_;
  std::vector<std::string> header_;
  CsvReader csv_;
  CsvRecord rec_;
  JsonElementReader json_;
  JsonElement elem_;
  std::string decoded_;
};

class BundleSource : public connectors::SourceConnector {
 public:
  BundleSource(Profile profile, BundleSourceOptions options)
      : profile_(std::move(profile)), options_(std::move(options)) {}

  StatusOr<connectors::SourceDescription> Describe() override { return profile_.Describe(); }

  StatusOr<std::vector<ShardSpec>> PlanShards(const std::string& object, int max_shards) override {
    const ObjectSpec* spec = profile_.Find(object);
    if (!spec) return NotFound("source has no object " + object);
    std::string path = (fs::path(options_.dir) / spec->file).string();
    std::error_code ec;
    auto size = static_cast<int64_t>(fs::file_size(path, ec));
    if (ec) return NotFound("bundle file " + spec->file + " is missing");
    if (max_shards <= 1 || size < options_.min_shard_bytes) {
      return std::vector<ShardSpec>{ShardSpec{object, 0, 1, RangeToken(ShardRange{})}};
    }
    std::string key = fmt::format("{}/{}", object, max_shards);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto it = plans_.find(key); it != plans_.end()) return it->second;
    }
    BW_ASSIGN_OR_RETURN(std::vector<ShardRange> ranges, Scan(*spec, path, size, max_shards));
    std::vector<ShardSpec> shards;
    for (size_t i = 0; i < ranges.size(); ++i) {
      shards.push_back(ShardSpec{object, static_cast<int>(i), static_cast<int>(ranges.size()),
                                 RangeToken(ranges[i])});
    }
    std::lock_guard<std::mutex> lock(mu_);
    plans_[key] = shards;
    return shards;
  }

  StatusOr<std::unique_ptr<RecordCursor>> Open(const ShardSpec& shard,
                                               const ReadOptions& options) override {
    const ObjectSpec* spec = profile_.Find(shard.object);
    if (!spec) return NotFound("source has no object " + shard.object);
    BW_ASSIGN_OR_RETURN(ShardRange range, ParseToken(shard.token));
    auto cursor = std::make_unique<BundleCursor>(&profile_, spec, options_.dir, range, options);
    BW_RETURN_IF_ERROR(cursor->Init());
    return std::unique_ptr<RecordCursor>(std::move(cursor));
  }

  StatusOr<std::string> ReadAttachment(const std::string& path) override {
    std::string full = ResolveBundlePath(options_.dir, path);
    if (full.empty()) return InvalidArgument("attachment path outside the bundle");
    std::ifstream in(full, std::ios::binary);
    if (!in) return NotFound("attachment file is missing from the bundle");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  // One pass over the file with the cursor's own reader, noting record starts near each 1/n.
  StatusOr<std::vector<ShardRange>> Scan(const ObjectSpec& spec, const std::string& path,
                                         int64_t size, int n) {
    std::vector<ShardRange> out{ShardRange{0, -1, 1}};
    auto note = [&](int64_t offset, int64_t line) {
      int64_t target = size * static_cast<int64_t>(out.size()) / n;
      if (static_cast<int>(out.size()) < n && offset >= target && offset > out.back().begin) {
        out.back().end = offset;
        out.push_back(ShardRange{offset, -1, line});
      }
    };
    if (spec.format.format == FileFormat::kCsv) {
      CsvReader reader(spec.format.delimiter);
      BW_RETURN_IF_ERROR(reader.Open(path));
      CsvRecord rec;
      bool header = true;
      for (;;) {
        BW_ASSIGN_OR_RETURN(bool any, reader.Next(&rec));
        if (!any) break;
        if (!header) note(rec.offset, rec.line);
        header = false;
      }
    } else {
      JsonElementReader reader;
      BW_RETURN_IF_ERROR(reader.Open(path, spec.format.format == FileFormat::kJson
                                               ? JsonElementReader::Mode::kArray
                                               : JsonElementReader::Mode::kLines));
      JsonElement e;
      for (;;) {
        BW_ASSIGN_OR_RETURN(bool any, reader.Next(&e));
        if (!any) break;
        note(e.offset, e.line);
      }
    }
    return out;
  }

  Profile profile_;
  BundleSourceOptions options_;
  std::mutex mu_;
  std::map<std::string, std::vector<ShardSpec>> plans_;
};

}  // namespace

std::string ResolveBundlePath(const std::string& dir, const std::string& relative) {
  if (relative.empty()) return "";
  fs::path rel(relative);
  if (rel.is_absolute()) return "";
  fs::path norm = rel.lexically_normal();
  for (const auto& part : norm) {
    if (part == "..") return "";
  }
  return (fs::path(dir) / norm).string();
}

std::unique_ptr<connectors::SourceConnector> NewBundleSource(Profile profile,
                                                             BundleSourceOptions options) {
  return std::make_unique<BundleSource>(std::move(profile), std::move(options));
}

}  // namespace bridgework::sources
