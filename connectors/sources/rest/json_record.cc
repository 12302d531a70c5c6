#include "connectors/sources/rest/json_record.h"

#include <cctype>
#include <ctime>

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

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm), so no time zone is used.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ValidDate(int y, int m, int d, int hh, int mm, int ss) {
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > kDays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (m == 2 && d == 29 && !leap) return false;
  return hh >= 0 && hh < 24 && mm >= 0 && mm < 60 && ss >= 0 && ss < 61;
}

std::string Iso(int y, int m, int d, int hh, int mm, int ss) {
  char buf[80];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, hh, mm, ss);
  return buf;
}

std::optional<std::string> FromEpoch(const std::string& value, int64_t divisor) {
  if (value.empty() || value.size() > 19) return std::nullopt;
  for (char c : value) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
  }
  time_t t = static_cast<time_t>(std::stoll(value) / divisor);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::nullopt;
  return Iso(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

// Reads `width` digits at *pos.
bool Digits(const std::string& s, size_t* pos, size_t width, int* out) {
  if (*pos + width > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < width; ++i) {
    char c = s[*pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  *pos += width;
  *out = v;
  return true;
}

std::optional<std::string> FromIso(const std::string& v) {
  // YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+HH:MM]
  size_t pos = 0;
  int y = 0, m = 0, d = 0, hh = 0, mm = 0, ss = 0;
  if (!Digits(v, &pos, 4, &y) || pos >= v.size() || v[pos++] != '-' || !Digits(v, &pos, 2, &m) ||
      pos >= v.size() || v[pos++] != '-' || !Digits(v, &pos, 2, &d)) {
    return std::nullopt;
  }
  int offset_min = 0;
  if (pos < v.size() && (v[pos] == 'T' || v[pos] == ' ')) {
    ++pos;
    if (!Digits(v, &pos, 2, &hh) || pos >= v.size() || v[pos++] != ':' ||
        !Digits(v, &pos, 2, &mm)) {
      return std::nullopt;
    }
    if (pos < v.size() && v[pos] == ':') {
      ++pos;
      if (!Digits(v, &pos, 2, &ss)) return std::nullopt;
      if (pos < v.size() && v[pos] == '.') {
        ++pos;
        while (pos < v.size() && std::isdigit(static_cast<unsigned char>(v[pos]))) ++pos;
      }
    }
    if (pos < v.size() && v[pos] == 'Z') {
      ++pos;
    } else if (pos < v.size() && (v[pos] == '+' || v[pos] == '-')) {
      int sign = v[pos++] == '-' ? -1 : 1;
      int oh = 0, om = 0;
      if (!Digits(v, &pos, 2, &oh)) return std::nullopt;
      if (pos < v.size() && v[pos] == ':') ++pos;
      if (!Digits(v, &pos, 2, &om)) return std::nullopt;
      offset_min = sign * (oh * 60 + om);
    }
  }
  if (pos != v.size() || !ValidDate(y, m, d, hh, mm, ss)) return std::nullopt;
  if (offset_min == 0) return Iso(y, m, d, hh, mm, ss);
  int64_t secs = DaysFromCivil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss - offset_min * 60;
  return FromEpoch(std::to_string(secs), 1);
}

std::optional<std::string> FromPattern(const std::string& v, const std::string& f) {
  int y = -1, m = -1, d = -1, hh = 0, mm = 0, ss = 0;
  size_t vp = 0, fp = 0;
  auto token = [&](const char* t, size_t w, int* out) {
    if (f.compare(fp, w, t) != 0) return false;
    fp += w;
    return Digits(v, &vp, w, out);
  };
  while (fp < f.size()) {
    if (f.compare(fp, 4, "YYYY") == 0) {
      if (!token("YYYY", 4, &y)) return std::nullopt;
    } else if (f.compare(fp, 2, "MM") == 0) {
      if (!token("MM", 2, &m)) return std::nullopt;
    } else if (f.compare(fp, 2, "DD") == 0) {
      if (!token("DD", 2, &d)) return std::nullopt;
    } else if (f.compare(fp, 2, "HH") == 0) {
      if (!token("HH", 2, &hh)) return std::nullopt;
    } else if (f.compare(fp, 2, "mm") == 0) {
      if (!token("mm", 2, &mm)) return std::nullopt;
    } else if (f.compare(fp, 2, "ss") == 0) {
      if (!token("ss", 2, &ss)) return std::nullopt;
    } else {
      if (vp >= v.size() || v[vp] != f[fp]) return std::nullopt;
      ++vp;
      ++fp;
    }
  }
  if (vp != v.size() || y < 0 || m < 0 || d < 0 || !ValidDate(y, m, d, hh, mm, ss)) {
    return std::nullopt;
  }
  return Iso(y, m, d, hh, mm, ss);
}

}  // namespace

void FlattenJson(const Json& value, const std::string& prefix, std::vector<SourceField>* out) {
  auto join = [&](const std::string& key) { return prefix.empty() ? key : prefix + "." + key; };
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end(); ++it) FlattenJson(*it, join(it.key()), out);
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) FlattenJson(value[i], join(std::to_string(i)), out);
  } else if (value.is_null()) {
    out->push_back({prefix, std::nullopt});
  } else if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    out->push_back({prefix, s.empty() ? std::nullopt : std::optional<std::string>(s)});
  } else {
    out->push_back({prefix, value.dump()});
  }
}

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
  FlattenJson(item, "", &rec.fields);
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
  if (format.empty() || format == "iso8601" || format == "iso") return FromIso(value);
  if (format == "epoch" || format == "epoch_s" || format == "unix") return FromEpoch(value, 1);
  if (format == "epoch_ms") return FromEpoch(value, 1000);
  return FromPattern(value, format);
}

StatusOr<std::string> FormatModifiedSince(const std::string& iso, const std::string& format) {
  std::optional<std::string> norm = FromIso(iso);
  if (!norm) return InvalidArgument("modified-since is not an ISO-8601 time");
  if (format.empty() || format == "iso8601" || format == "iso") return *norm;
  int y = std::stoi(norm->substr(0, 4)), m = std::stoi(norm->substr(5, 2)),
      d = std::stoi(norm->substr(8, 2)), hh = std::stoi(norm->substr(11, 2)),
      mm = std::stoi(norm->substr(14, 2)), ss = std::stoi(norm->substr(17, 2));
  int64_t secs = DaysFromCivil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
  if (format == "epoch" || format == "epoch_s" || format == "unix") return std::to_string(secs);
  if (format == "epoch_ms") return std::to_string(secs * 1000);
  return InvalidArgument("modified-since format " + format + " is not supported");
}

}  // namespace bridgework::connectors::rest
