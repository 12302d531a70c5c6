#include "connectors/sources/inspect/inspector.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/logging.h"
#include "connectors/sources/bundle/bundle_source.h"
#include "connectors/sources/generator/value_pools.h"
#include "connectors/sources/profiles/date_format.h"

namespace bridgework::sources {
namespace {

namespace fs = std::filesystem;

uint64_t Hash(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h ^ (h >> 29);
}

bool IsInteger(std::string_view s) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

bool IsDecimal(std::string_view s, char sep) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  bool digit = false, dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digit = true;
    } else if ((s[i] == sep || s[i] == '.') && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digit;
}

bool IsEmail(std::string_view s) {
  size_t at = s.find('@');
  if (at == std::string_view::npos || at == 0 || s.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  if (s.find_first_of(" \t\r\n,;") != std::string_view::npos) return false;
  std::string_view domain = s.substr(at + 1);
  size_t dot = domain.rfind('.');
  return dot != std::string_view::npos && dot > 0 && dot + 1 < domain.size();
}

bool IsPhone(std::string_view s) {
  int digits = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (c != 'x' && c != 'X') return false;  // "x123" extensions are fine
    }
  }
  return digits >= 7;
}

// The kind a value looks like, for "detected type".
std::string DetectKind(const std::string& v, const FormatSpec& fmt) {
  if (v == "true" || v == "false" ||
      std::find(fmt.true_values.begin(), fmt.true_values.end(), v) != fmt.true_values.end() ||
      std::find(fmt.false_values.begin(), fmt.false_values.end(), v) != fmt.false_values.end()) {
    return "boolean";
  }
  if (IsInteger(v)) return "integer";
  if (IsDecimal(v, fmt.decimal_separator)) return "decimal";
  if (ParseTime(v, "iso8601") || ParseTime(v, fmt.date_format)) return "date";
  if (ParseTime(v, fmt.datetime_format)) return "datetime";
  if (IsEmail(v)) return "email";
  if (v.find('\n') != std::string::npos || v.size() > 200) return "text";
  if (IsPhone(v) && v.find_first_of("+()- ") != std::string::npos) return "phone";
  return "string";
}

// Why a value does not fit its declared type, or empty.
std::string InvalidReason(const std::string& v, const FieldSpec& f, const ObjectSpec& o) {
  const std::string& t = f.type;
  if (t == "email") return IsEmail(v) ? "" : "invalid email";
  if (t == "phone") return IsPhone(v) ? "" : "invalid phone";
  if (t == "date" || t == "datetime") {
    return ParseTime(v, o.DateFormatOf(f)) ? "" : "invalid or impossible date";
  }
  if (t == "integer") return IsInteger(v) ? "" : "not an integer";
  if (t == "decimal") return IsDecimal(v, o.format.decimal_separator) ? "" : "not a number";
  if (t == "boolean") {
    bool ok = v == "true" || v == "false" ||
              std::count(o.format.true_values.begin(), o.format.true_values.end(), v) ||
              std::count(o.format.false_values.begin(), o.format.false_values.end(), v);
    return ok ? "" : "not a boolean";
  }
  return "";
}

struct FieldStats {
  int64_t filled = 0;
  std::map<std::string, int64_t> kinds;
  int64_t invalid = 0;
  std::string invalid_reason;
  Json invalid_examples = Json::array();
};

struct RefStats {
  std::string target;
  int64_t checked = 0;
  int64_t dangling = 0;
  Json examples = Json::array();
};

// The patient object's name columns, from the profile's recipes or by name.
struct PersonColumns {
  std::string first, last, dob;
};

PersonColumns FindPersonColumns(const ObjectSpec& o) {
  PersonColumns c;
  for (const auto& f : o.fields) {
    if (c.first.empty() && f.gen.starts_with("first_name")) c.first = f.name;
    if (c.last.empty() && f.gen.starts_with("last_name")) c.last = f.name;
    if (c.dob.empty() && f.gen == "dob") c.dob = f.name;
  }
  auto norm = [](std::string s) {
    std::string out;
    for (char ch : s) {
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
      if (ch >= 'a' && ch <= 'z') out.push_back(ch);
    }
    return out;
  };
  for (const auto& f : o.fields) {
    std::string n = norm(f.name);
    if (c.first.empty() &&
        (n == "firstname" || n == "givenname" || n == "namefirst" || n == "first" || n == "ad")) {
      c.first = f.name;
    }
    if (c.last.empty() && (n == "lastname" || n == "surname" || n == "familyname" ||
                           n == "namelast" || n == "last" || n == "soyad")) {
      c.last = f.name;
    }
    if (c.dob.empty() &&
        (n == "dob" || n == "dateofbirth" || n == "birthdate" || n == "dogumtarihi")) {
      c.dob = f.name;
    }
  }
  return c;
}

std::string DuplicateKey(const SourceRecord& r, const PersonColumns& c, const ObjectSpec& o) {
  const std::string* first = r.Get(c.first);
  const std::string* last = r.Get(c.last);
  const std::string* dob = r.Get(c.dob);
  if (!first || !last || !dob) return "";
  std::string l;
  for (char ch : gen::FoldName(*last)) {
    if (ch != ' ' && ch != '-' && ch != '\'' && ch != '.') l.push_back(ch);
  }
  std::string f = gen::FoldName(*first);
  size_t n = 1;
  while (n < f.size() && (static_cast<unsigned char>(f[n]) & 0xC0) == 0x80) ++n;
  const FieldSpec* spec = o.FindField(c.dob);
  auto t = ParseTime(*dob, spec ? o.DateFormatOf(*spec) : o.format.date_format);
  if (!t) return "";
  return l + "|" + ToIso(*t).substr(0, 10) + "|" + f.substr(0, n);
}

}  // namespace

StatusOr<Json> InspectSource(connectors::SourceConnector& source, const Profile* profile,
                             const InspectOptions& options) {
  auto log = Logger("sources");
  BW_ASSIGN_OR_RETURN(auto description, source.Describe());
  std::set<std::string> referenced;
  for (const auto& o : description.objects) {
    for (const auto& r : o.references) referenced.insert(r.object);
  }
  std::map<std::string, std::vector<uint64_t>> id_hashes;  // sorted, per referenced object
  Json objects = Json::object();
  Json row_errors = Json::array();
  int64_t total_row_errors = 0;
  Json custom = Json::object();
  Json attachments = {{"count", 0},
                      {"bytes", 0},
                      {"limit_bytes", options.max_attachment_bytes},
                      {"over_limit", Json::array()},
                      {"over_limit_count", 0},
                      {"sizes_known", !options.bundle_dir.empty()}};
  Json duplicates = {
      {"object", nullptr}, {"group_count", 0}, {"records", 0}, {"groups", Json::array()}};

  for (const auto& so : description.objects) {
    const ObjectSpec* spec = profile ? profile->Find(so.name) : nullptr;
    ObjectSpec fallback;
    fallback.name = so.name;
    const ObjectSpec& o = spec ? *spec : fallback;
    bool is_patient =
        spec && (spec->entity == "patient" || (spec->entity.empty() && spec->name == "patients"));
    PersonColumns person = is_patient ? FindPersonColumns(o) : PersonColumns{};
    std::vector<uint64_t> dup_hashes;

    std::map<std::string, FieldStats> fields;
    std::vector<std::string> field_order;
    std::map<std::string, RefStats> refs;
    for (const auto& r : so.references) refs[r.field].target = r.object;
    int64_t records = 0, errors = 0;
    std::vector<uint64_t>* ids = referenced.count(so.name) ? &id_hashes[so.name] : nullptr;

    BW_ASSIGN_OR_RETURN(auto shards, source.PlanShards(so.name, 1));
    for (const auto& shard : shards) {
      BW_ASSIGN_OR_RETURN(auto cursor, source.Open(shard, connectors::ReadOptions{}));
      connectors::SourceRow row;
      for (;;) {
        BW_ASSIGN_OR_RETURN(bool more, cursor->Next(&row));
        if (!more) break;
        if (row.error) {
          ++errors;
          ++total_row_errors;
          if (static_cast<int>(row_errors.size()) < options.max_row_errors) {
            row_errors.push_back(row.error->ToJson());
          }
          continue;
        }
        const SourceRecord& r = *row.record;
        ++records;
        if (ids) ids->push_back(Hash(r.id));
        for (const auto& f : r.fields) {
          auto [it, inserted] = fields.try_emplace(f.name);
          if (inserted) field_order.push_back(f.name);
          if (!f.value || f.value->empty()) continue;
          FieldStats& st = it->second;
          ++st.filled;
          ++st.kinds[DetectKind(*f.value, o.format)];
          const FieldSpec* fs_spec = spec ? spec->FindField(f.name) : nullptr;
          if (fs_spec) {
            std::string why = InvalidReason(*f.value, *fs_spec, o);
            if (!why.empty()) {
              ++st.invalid;
              st.invalid_reason = why;
              if (static_cast<int>(st.invalid_examples.size()) < options.max_examples) {
                st.invalid_examples.push_back(r.id);
              }
            }
          }
        }
        for (auto& [field, rs] : refs) {
          const std::string* v = r.Get(field);
          auto target = id_hashes.find(rs.target);
          if (!v || target == id_hashes.end() || rs.target == so.name) continue;
          ++rs.checked;
          if (!std::binary_search(target->second.begin(), target->second.end(), Hash(*v))) {
            ++rs.dangling;
            if (static_cast<int>(rs.examples.size()) < options.max_examples) {
              rs.examples.push_back(Json{{"id", r.id}, {"value", *v}});
            }
          }
        }
        for (const auto& af : so.attachment_fields) {
          const std::string* rel = r.Get(af);
          if (!rel) continue;
          attachments["count"] = attachments["count"].get<int64_t>() + 1;
          if (options.bundle_dir.empty()) continue;
          std::error_code ec;
          auto size = fs::file_size(ResolveBundlePath(options.bundle_dir, *rel), ec);
          if (ec) continue;
          attachments["bytes"] = attachments["bytes"].get<int64_t>() + static_cast<int64_t>(size);
          if (static_cast<int64_t>(size) > options.max_attachment_bytes) {
            attachments["over_limit_count"] = attachments["over_limit_count"].get<int64_t>() + 1;
            if (static_cast<int>(attachments["over_limit"].size()) < 1000) {
              attachments["over_limit"].push_back(
                  Json{{"object", so.name}, {"id", r.id}, {"field", af}, {"bytes", size}});
            }
          }
        }
        if (is_patient) {
          std::string key = DuplicateKey(r, person, o);
          if (!key.empty()) dup_hashes.push_back(Hash(key));
        }
      }
    }
    if (ids) std::sort(ids->begin(), ids->end());

    Json jf = Json::object();
    Json invalid = Json::object();
    Json custom_fields = Json::array();
    for (const auto& name : field_order) {
      const FieldStats& st = fields[name];
      const FieldSpec* fs_spec = spec ? spec->FindField(name) : nullptr;
      std::string detected = "empty";
      int64_t best = 0;
      for (const auto& [k, n] : st.kinds) {
        if (n > best) detected = k, best = n;
      }
      bool is_custom =
          (fs_spec && fs_spec->custom) || (profile && !profile->custom_property_prefix.empty() &&
                                           name.starts_with(profile->custom_property_prefix));
      Json entry = {{"filled", st.filled},
                    {"fill_rate", records ? static_cast<double>(st.filled) / records : 0.0},
                    {"declared_type", fs_spec ? Json(fs_spec->type) : Json(nullptr)},
                    {"detected_type", detected},
                    {"invalid", st.invalid},
                    {"custom", is_custom}};
      jf[name] = entry;
      if (st.invalid > 0) {
        invalid[name] = Json{{"count", st.invalid},
                             {"reason", st.invalid_reason},
                             {"example_ids", st.invalid_examples}};
      }
      if (is_custom) custom_fields.push_back(Json{{"field", name}, {"filled", st.filled}});
    }
    if (!custom_fields.empty()) custom[so.name] = custom_fields;
    Json dangling = Json::object();
    for (const auto& [field, rs] : refs) {
      if (rs.dangling > 0) {
        dangling[field] =
            Json{{"target", rs.target}, {"count", rs.dangling}, {"examples", rs.examples}};
      }
    }
    objects[so.name] = Json{{"label", so.label},
                            {"primary_key", so.primary_key},
                            {"modified_at", so.modified_at_field},
                            {"records", records},
                            {"row_errors", errors},
                            {"fields", jf},
                            {"invalid_values", invalid},
                            {"dangling_references", dangling}};
    log->info("inspect: {} records, {} row errors in {}", records, errors, so.name);

    if (is_patient && !dup_hashes.empty()) {
      // Second pass: the ids of records whose key occurs more than once.
      std::vector<uint64_t> sorted = dup_hashes;
      std::sort(sorted.begin(), sorted.end());
      std::unordered_set<uint64_t> repeated;
      for (size_t i = 1; i < sorted.size(); ++i) {
        if (sorted[i] == sorted[i - 1]) repeated.insert(sorted[i]);
      }
      std::vector<uint64_t>().swap(dup_hashes);
      std::unordered_map<uint64_t, std::vector<std::string>> groups;
      for (const auto& shard : shards) {
        BW_ASSIGN_OR_RETURN(auto cursor, source.Open(shard, connectors::ReadOptions{}));
        connectors::SourceRow row;
        for (;;) {
          BW_ASSIGN_OR_RETURN(bool more, cursor->Next(&row));
          if (!more) break;
          if (!row.record) continue;
          std::string key = DuplicateKey(*row.record, person, o);
          if (key.empty()) continue;
          uint64_t h = Hash(key);
          if (repeated.count(h)) groups[h].push_back(row.record->id);
        }
      }
      std::vector<std::vector<std::string>> list;
      int64_t dup_records = 0;
      for (auto& [h, g] : groups) {
        dup_records += static_cast<int64_t>(g.size());
        list.push_back(std::move(g));
      }
      std::sort(list.begin(), list.end());
      duplicates["object"] = so.name;
      duplicates["group_count"] = list.size();
      duplicates["records"] = dup_records;
      duplicates["key"] = "folded last name + date of birth + first initial";
      for (size_t i = 0; i < list.size() && i < 10000; ++i) {
        duplicates["groups"].push_back(list[i]);
      }
    }
  }

  return Json{{"source", Json{{"kind", description.kind}, {"objects", description.objects.size()}}},
              {"objects", objects},
              {"row_errors", Json{{"count", total_row_errors}, {"first", row_errors}}},
              {"custom_properties", custom},
              {"duplicates", duplicates},
              {"attachments", attachments}};
}

}  // namespace bridgework::sources
