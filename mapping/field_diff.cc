#include "mapping/field_diff.h"

#include <cmath>

#include "common/text.h"
#include "mapping/lookups.h"
#include "mapping/text_util.h"
#include "mapping/transforms.h"

namespace bridgework::mapping {
namespace {

bool IsEmptyish(const Json& v) {
  if (v.is_null()) return true;
  if (v.is_boolean()) return false;
  if (v.is_string()) return TrimCopy(v.get<std::string>()).empty();
  if (v.is_array() || v.is_object()) return v.empty();
  return false;
}

std::string Text(const Json& v) { return ScalarText(v).value_or(""); }

std::string StripHtml(const std::string& s) {
  StatusOr<Json> t = HtmlToText(Json(s), Json::object());
  return t.ok() ? t->get<std::string>() : s;
}

bool LooksHtml(const std::string& s) {
  return s.find('<') != std::string::npos && s.find('>') != std::string::npos;
}

// "2024-03-01 10:00:00", "2024-03-01T10:00:00Z", "2024-03-01T10:00:00.000Z" -> comparable form.
std::optional<std::string> DateForm(const std::string& s) {
  StatusOr<CivilTime> t = ParseDateTime(s, Json("iso"), "UTC");
  if (!t.ok()) return std::nullopt;
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d", t->year, t->month, t->day,
                t->hour, t->minute, t->second);
  return t->has_time ? std::string(buf) : std::string(buf).substr(0, 10);
}

const Json* StoredField(const Json& values, const std::string& field) {
  if (values.contains(field)) return &values[field];
  const Json* cur = &values;
  size_t start = 0;
  while (true) {
    size_t dot = field.find('.', start);
    std::string part =
        field.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || !cur->contains(part)) return nullptr;
    cur = &(*cur)[part];
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
}

std::string Show(const Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

std::string VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kEqual:
      return "equal";
    case Verdict::kEqualNormalised:
      return "equal_normalised";
    case Verdict::kDiffers:
      return "differs";
    case Verdict::kMissing:
      return "missing";
  }
  return "unknown";
}

Verdict CompareValues(const Json& expected, const Json& stored_in, std::string* how) {
  Json stored = stored_in;
  if (expected == stored) {
    *how = "";
    return Verdict::kEqual;
  }
  // Odoo answers False for an empty field.
  if (stored.is_boolean() && !stored.get<bool>() && !expected.is_boolean()) stored = Json();
  if (IsEmptyish(stored)) {
    if (IsEmptyish(expected)) {
      *how = "both empty (False/null/\"\")";
      return Verdict::kEqualNormalised;
    }
    *how = "not stored";
    return Verdict::kMissing;
  }
  if (IsLookup(expected) || (expected.is_object() && expected.contains("$file"))) {
    *how = IsLookup(expected) ? "lookup resolved to a stored record" : "file stored";
    return Verdict::kEqualNormalised;
  }
  // many2one read back as [id, "name"].
  if (stored.is_array() && stored.size() == 2 && stored[0].is_number() && !expected.is_array()) {
    if (Text(stored[0]) == Text(expected)) {
      *how = "many2one id";
      return Verdict::kEqualNormalised;
    }
    stored = stored[1];
  }
  // A reference resolved through the id map is the destination id as text; Odoo reads a
  // many2one back as the number.
  if (expected.is_string() && stored.is_number_integer() && Text(stored) == Text(expected)) {
    *how = "same id";
    return Verdict::kEqualNormalised;
  }
  if (expected.is_number() && (stored.is_number() || stored.is_string())) {
    StatusOr<Json> s = Float(stored, Json::object());
    if (s.ok() && std::fabs(s->get<double>() - expected.get<double>()) < 1e-6) {
      *how = "same number";
      return Verdict::kEqualNormalised;
    }
    *how = "different number";
    return Verdict::kDiffers;
  }
  if (expected.is_boolean()) {
    StatusOr<bool> b = ParseBool(Text(stored));
    if (stored.is_boolean()) b = stored.get<bool>();
    if (b.ok() && *b == expected.get<bool>()) {
      *how = "same flag";
      return Verdict::kEqualNormalised;
    }
    *how = "different flag";
    return Verdict::kDiffers;
  }
  if (!expected.is_string() || !stored.is_string()) {
    if (expected.is_array() && stored.is_array() && expected.size() == stored.size()) {
      *how = "same number of lines";
      return Verdict::kEqualNormalised;
    }
    *how = "different type";
    return Verdict::kDiffers;
  }
  std::string e = expected.get<std::string>(), s = stored.get<std::string>();
  if (CollapseSpaces(e, true) == CollapseSpaces(s, true)) {
    *how = "spaces";
    return Verdict::kEqualNormalised;
  }
  if (ToLowerUtf8(CollapseSpaces(e)) == ToLowerUtf8(CollapseSpaces(s))) {
    *how = "case";
    return Verdict::kEqualNormalised;
  }
  if (e.find('@') != std::string::npos) {
    StatusOr<std::string> ne = NormalizeEmail(e), ns = NormalizeEmail(s);
    if (ne.ok() && ns.ok() && *ne == *ns) {
      *how = "email normal form";
      return Verdict::kEqualNormalised;
    }
  }
  if (!e.empty() && (e[0] == '+' || std::isdigit(static_cast<unsigned char>(e[0])))) {
    StatusOr<std::string> pe = PhoneToE164(e, "US"), ps = PhoneToE164(s, "US");
    if (pe.ok() && ps.ok() && *pe == *ps) {
      *how = "phone E.164";
      return Verdict::kEqualNormalised;
    }
    std::optional<std::string> de = DateForm(e), ds = DateForm(s);
    if (de && ds && (*de == *ds || ds->rfind(*de, 0) == 0 || de->rfind(*ds, 0) == 0)) {
      *how = "same date/time";
      return Verdict::kEqualNormalised;
    }
  }
  if (LooksHtml(e) || LooksHtml(s)) {
    std::string te = LooksHtml(e) ? StripHtml(e) : e, ts = LooksHtml(s) ? StripHtml(s) : s;
    if (CollapseSpaces(te) == CollapseSpaces(ts)) {
      *how = "html vs text";
      return Verdict::kEqualNormalised;
    }
  }
  *how = "different text";
  return Verdict::kDiffers;
}

DiffReport DiffRecords(const std::vector<TargetRecord>& expected,
                       const std::map<std::string, connectors::StoredRecord>& stored) {
  DiffReport report;
  for (const char* v : {"equal", "equal_normalised", "differs", "missing"}) report.counts[v] = 0;
  for (const TargetRecord& t : expected) {
    std::string key = t.Key();
    auto it = stored.find(key);
    bool exists = it != stored.end() && it->second.exists;
    for (const auto& [field, value] : t.values.items()) {
      FieldDiff d;
      d.key = key;
      d.model = t.model;
      d.field = field;
      d.expected = value;
      if (!exists) {
        d.verdict = Verdict::kMissing;
        d.how = "record not found in the destination";
      } else {
        d.destination_id = it->second.destination_id;
        const Json* s = StoredField(it->second.values, field);
        d.stored = s ? *s : Json();
        if (s == nullptr) {
          d.verdict = Verdict::kMissing;
          d.how = "field not read back";
        } else {
          d.verdict = CompareValues(value, *s, &d.how);
        }
      }
      ++report.counts[VerdictName(d.verdict)];
      report.rows.push_back(std::move(d));
    }
  }
  return report;
}

Json DiffReport::ToJson() const {
  Json rows_json = Json::array();
  for (const FieldDiff& d : rows) {
    rows_json.push_back(Json{{"key", d.key},
                             {"model", d.model},
                             {"destination_id", d.destination_id},
                             {"field", d.field},
                             {"expected", d.expected},
                             {"stored", d.stored},
                             {"verdict", VerdictName(d.verdict)},
                             {"how", d.how}});
  }
  return Json{{"counts", counts}, {"fields", rows_json}};
}

std::string DiffReport::ToCsv() const {
  std::string out = "key,model,destination_id,field,expected,stored,verdict,how\n";
  for (const FieldDiff& d : rows) {
    out += CsvField(d.key) + "," + CsvField(d.model) + "," + CsvField(d.destination_id) + "," +
           CsvField(d.field) + "," + CsvField(Show(d.expected)) + "," + CsvField(Show(d.stored)) +
           "," + VerdictName(d.verdict) + "," + CsvField(d.how) + "\n";
  }
  return out;
}

std::string DiffReport::ToHtml() const {
  std::string out =
      "<!doctype html><html><head><meta charset=\"utf-8\"><title>Field-level diff</title>"
      "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid "
      "#ccc;padding:2px 6px;vertical-align:top;white-space:pre-wrap}.differs{background:#fdd}"
      ".missing{background:#fec}.equal_normalised{background:#eef}</style></head><body>"
      "<h1>Field-level diff</h1><p>";
  for (const auto& [v, n] : counts) out += HtmlEscape(v) + ": " + std::to_string(n) + " &nbsp; ";
  out +=
      "</p><table><tr><th>record</th><th>model</th><th>id</th><th>field</th><th>expected</th>"
      "<th>stored</th><th>verdict</th><th>how</th></tr>";
  for (const FieldDiff& d : rows) {
    std::string v = VerdictName(d.verdict);
    out += "<tr class=\"" + v + "\"><td>" + HtmlEscape(d.key) + "</td><td>" + HtmlEscape(d.model) +
           "</td><td>" + HtmlEscape(d.destination_id) + "</td><td>" + HtmlEscape(d.field) +
           "</td><td>" + HtmlEscape(Show(d.expected)) + "</td><td>" + HtmlEscape(Show(d.stored)) +
           "</td><td>" + v + "</td><td>" + HtmlEscape(d.how) + "</td></tr>";
  }
  return out + "</table></body></html>\n";
}

}  // namespace bridgework::mapping
