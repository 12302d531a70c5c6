#include "connectors/sources/rest/json_record.h"

#include "connectors/sources/bundle/json_reader.h"
#include "connectors/sources/profiles/date_format.h"

namespace bridgework::connectors::rest {
namespace {

std::string KindOf(const Json& v) {
  if (v.is_array()) return "JSON array";
  if (v.is_string()) return "JSON string";
  if (v.is_number()) return "JSON number";
  if (v.is_boolean()) return "JSON boolean";
  if (v.is_null()) return "JSON null";
  return "JSON value";
}

// The profiles' notation: "iso8601", "epoch", "epoch_ms" or a token pattern.
bool IsIso(const std::string& format) { return format.empty() || format == "iso8601"; }

}  // namespace

SourceRow ItemToRow(const Json& item, const RestObject& object, const std::string& where,
                    int64_t index) {
  SourceRow row;
  auto error = [&](std::string id, std::string field, std::string reason, std::string kind) {
    row.error = RowError{object.object.name, std::move(id),     where,          index,
                         std::move(field),   std::move(reason), std::move(kind)};
    return row;
  };
  if (!item.is_object()) {
    return error("", "", "record is not a JSON object", KindOf(item));
  }
  SourceRecord rec;
  rec.object = object.object.name;
  rec.file = where;
  rec.line = index;
  sources::FlattenJson(item, &rec.fields);
  const std::string* id = rec.Get(object.object.primary_key);
  if (id == nullptr) {
    return error("", object.object.primary_key, "primary key is missing or empty", "empty");
  }
  rec.id = *id;
  if (!object.object.modified_at_field.empty()) {
    if (const std::string* mod = rec.Get(object.object.modified_at_field)) {
      // An unreadable time leaves modified_at empty; the field itself still travels, and the
      // validator reports it with the mapping's own rules.
      rec.modified_at = NormalizeTimestamp(*mod, object.modified_at_format).value_or("");
    }
  }
  row.record = std::move(rec);
  return row;
}

std::optional<std::string> NormalizeTimestamp(const std::string& value, const std::string& format) {
  auto t = sources::ParseTime(value, IsIso(format) ? "iso8601" : format);
  if (!t) return std::nullopt;
  return sources::ToIso(*t);
}

StatusOr<std::string> FormatModifiedSince(const std::string& iso, const std::string& format) {
  auto t = sources::ParseTime(iso, "iso8601");
  if (!t) return InvalidArgument("modified-since is not an ISO-8601 time");
  if (IsIso(format)) return sources::ToIso(*t);
  if (format == "epoch" || format == "epoch_ms") return sources::FormatTime(*t, format);
  return InvalidArgument("modified-since format " + format + " is not supported");
}

}  // namespace bridgework::connectors::rest
