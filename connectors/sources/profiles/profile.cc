#include "connectors/sources/profiles/profile.h"

#include <fmt/format.h>

namespace bridgework::sources {
namespace {

StatusOr<FileFormat> ParseFormat(std::string_view name) {
  if (name == "csv") return FileFormat::kCsv;
  if (name == "ndjson") return FileFormat::kNdjson;
  if (name == "json") return FileFormat::kJson;
  return InvalidArgument(fmt::format("unknown file format '{}'", name));
}

std::vector<std::string> Strings(const Json& j) {
  std::vector<std::string> out;
  if (j.is_array()) {
    for (const auto& v : j) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

std::string Str(const Json& j, const char* key, std::string fallback = "") {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}

// Applies the format keys present in `j` over `spec`.
Status ApplyFormat(const Json& j, FormatSpec* spec) {
  if (j.contains("format")) {
    BW_ASSIGN_OR_RETURN(spec->format, ParseFormat(Str(j, "format")));
  }
  if (j.contains("encoding")) {
    BW_ASSIGN_OR_RETURN(spec->encoding, ParseEncoding(Str(j, "encoding")));
  }
  if (j.contains("delimiter")) {
    std::string d = Str(j, "delimiter");
    if (d.size() != 1) return InvalidArgument("delimiter must be one character");
    spec->delimiter = d[0];
  }
  if (j.contains("line_ending")) spec->line_ending = Str(j, "line_ending");
  if (j.contains("date_format")) spec->date_format = Str(j, "date_format");
  if (j.contains("datetime_format")) spec->datetime_format = Str(j, "datetime_format");
  if (j.contains("decimal_separator")) {
    std::string d = Str(j, "decimal_separator");
    if (d.size() != 1) return InvalidArgument("decimal_separator must be one character");
    spec->decimal_separator = d[0];
  }
  if (j.contains("true_values")) spec->true_values = Strings(j["true_values"]);
  if (j.contains("false_values")) spec->false_values = Strings(j["false_values"]);
  return Status::Ok();
}

}  // namespace

std::string_view FileFormatName(FileFormat f) {
  switch (f) {
    case FileFormat::kCsv:
      return "csv";
    case FileFormat::kNdjson:
      return "ndjson";
    case FileFormat::kJson:
      return "json";
  }
  return "?";
}

std::string_view EncodingName(Encoding e) {
  switch (e) {
    case Encoding::kUtf8:
      return "utf-8";
    case Encoding::kUtf8Bom:
      return "utf-8-bom";
    case Encoding::kWindows1252:
      return "windows-1252";
    case Encoding::kLatin1:
      return "latin-1";
  }
  return "?";
}

StatusOr<Encoding> ParseEncoding(std::string_view name) {
  if (name == "utf-8" || name == "utf8") return Encoding::kUtf8;
  if (name == "utf-8-bom" || name == "utf-8-sig") return Encoding::kUtf8Bom;
  if (name == "windows-1252" || name == "cp1252") return Encoding::kWindows1252;
  if (name == "latin-1" || name == "iso-8859-1") return Encoding::kLatin1;
  return InvalidArgument(fmt::format("unknown encoding '{}'", name));
}

bool FieldSpec::Matches(std::string_view flat) const {
  if (!IsPattern()) return flat == name;
  size_t i = 0, j = 0;
  while (i < name.size() && j < flat.size()) {
    if (name[i] == '*') {
      size_t k = j;
      while (k < flat.size() && flat[k] >= '0' && flat[k] <= '9') ++k;
      if (k == j) return false;
      j = k;
      ++i;
    } else if (name[i] == flat[j]) {
      ++i;
      ++j;
    } else {
      return false;
    }
  }
  return i == name.size() && j == flat.size();
}

const FieldSpec* ObjectSpec::FindField(std::string_view flat_name) const {
  for (const auto& f : fields) {
    if (f.Matches(flat_name)) return &f;
  }
  return nullptr;
}

std::string ObjectSpec::DateFormatOf(const FieldSpec& field) const {
  if (!field.format.empty()) return field.format;
  return field.type == "date" ? format.date_format : format.datetime_format;
}

const ObjectSpec* Profile::Find(std::string_view object) const {
  for (const auto& o : objects) {
    if (o.name == object) return &o;
  }
  return nullptr;
}

connectors::SourceDescription Profile::Describe() const {
  connectors::SourceDescription d;
  d.kind = kind;
  for (const auto& o : objects) {
    connectors::SourceObject so;
    so.name = o.name;
    so.label = o.label;
    so.primary_key = o.primary_key;
    so.modified_at_field = o.modified_at;
    so.references = o.references;
    so.attachment_fields = o.attachment_fields;
    d.objects.push_back(std::move(so));
  }
  return d;
}

StatusOr<Profile> ParseProfile(std::string_view json_text) {
  Json doc = Json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return InvalidArgument("profile: not a JSON object");
  }
  Profile p;
  p.kind = Str(doc, "kind");
  p.label = Str(doc, "label", p.kind);
  if (p.kind.empty()) return InvalidArgument("profile: kind is required");
  const Json bundle = doc.value("bundle", Json::object());
  if (Status s = ApplyFormat(bundle, &p.defaults); !s.ok()) {
    return s.Annotate("profile " + p.kind + " bundle");
  }
  p.custom_property_prefix = Str(bundle, "custom_property_prefix");
  p.attachments_dir = Str(bundle, "attachments_dir");
  p.rest = doc.value("rest", Json::object());
  const Json objects = doc.value("objects", Json::array());
  if (!objects.is_array() || objects.empty()) {
    return InvalidArgument("profile " + p.kind + ": objects must be a non-empty list");
  }
  for (const auto& jo : objects) {
    ObjectSpec o;
    o.name = Str(jo, "name");
    std::string where = "profile " + p.kind + " object " + o.name;
    if (o.name.empty()) return InvalidArgument("profile " + p.kind + ": an object has no name");
    if (p.Find(o.name)) return InvalidArgument(where + ": defined twice");
    o.label = Str(jo, "label", o.name);
    o.file = Str(jo, "file");
    o.endpoint = Str(jo, "endpoint");
    o.primary_key = Str(jo, "primary_key");
    o.modified_at = Str(jo, "modified_at");
    o.entity = Str(jo, "entity");
    if (o.file.empty()) return InvalidArgument(where + ": file is required");
    if (o.primary_key.empty()) return InvalidArgument(where + ": primary_key is required");
    o.format = p.defaults;
    if (Status s = ApplyFormat(jo, &o.format); !s.ok()) return s.Annotate(where);
    for (const auto& r : jo.value("references", Json::array())) {
      connectors::ObjectReference ref{Str(r, "field"), Str(r, "object")};
      if (ref.field.empty() || ref.object.empty()) {
        return InvalidArgument(where + ": a reference needs field and object");
      }
      o.references.push_back(ref);
    }
    o.attachment_fields = Strings(jo.value("attachment_fields", Json::array()));
    for (const auto& jf : jo.value("fields", Json::array())) {
      FieldSpec f;
      f.name = Str(jf, "name");
      f.type = Str(jf, "type", "string");
      f.format = Str(jf, "format");
      f.custom = jf.value("custom", false);
      f.gen = Str(jf, "gen");
      f.max_items = jf.value("max_items", 1);
      f.min_items = jf.value("min_items", f.IsPattern() ? 1 : 1);
      if (f.name.empty()) return InvalidArgument(where + ": a field has no name");
      o.fields.push_back(std::move(f));
    }
    // Fields of one list group share the first member's item counts.
    for (auto& f : o.fields) {
      if (!f.IsPattern()) continue;
      std::string prefix = f.name.substr(0, f.name.find('*'));
      for (const auto& g : o.fields) {
        if (&g == &f) break;
        if (g.IsPattern() && g.name.substr(0, g.name.find('*')) == prefix) {
          f.min_items = g.min_items;
          f.max_items = g.max_items;
          break;
        }
      }
    }
    if (!o.fields.empty() && !o.FindField(o.primary_key)) {
      return InvalidArgument(where + ": primary_key " + o.primary_key + " is not a field");
    }
    o.generate = jo.value("generate", Json::object());
    o.id_prefix = Str(jo, "id_prefix");
    o.id_width = jo.value("id_width", 0);
    o.id_start = jo.value("id_start", int64_t{1});
    p.objects.push_back(std::move(o));
  }
  for (const auto& o : p.objects) {
    for (const auto& r : o.references) {
      if (!p.Find(r.object)) {
        return InvalidArgument("profile " + p.kind + " object " + o.name + ": reference " +
                               r.field + " names unknown object " + r.object);
      }
    }
  }
  return p;
}

}  // namespace bridgework::sources

namespace bridgework::sources {

// builtin_profiles.cc (generated by profiles/embed_profiles.cmake).
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedProfiles();

std::vector<std::string> BuiltinProfileKinds() {
  std::vector<std::string> out;
  for (const auto& [kind, text] : EmbeddedProfiles()) out.emplace_back(kind);
  return out;
}

std::string_view BuiltinProfileText(std::string_view kind) {
  for (const auto& [k, text] : EmbeddedProfiles()) {
    if (k == kind) return text;
  }
  return {};
}

StatusOr<Profile> BuiltinProfile(std::string_view kind) {
  std::string_view text = BuiltinProfileText(kind);
  if (text.empty()) return NotFound(fmt::format("no profile for source kind '{}'", kind));
  return ParseProfile(text);
}

}  // namespace bridgework::sources
