#include "connectors/sources/profiles/date_format.h"

#include <fmt/format.h>

#include <charconv>

#include "common/civil_time.h"

namespace bridgework::sources {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && IsLeap(y)) return 29;
  return kDays[m - 1];
}

bool ReadInt(std::string_view s, size_t* pos, size_t digits, int* out) {
  if (*pos + digits > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += digits;
  *out = v;
  return true;
}

std::optional<CivilTime> ParseIso(std::string_view s) {
  CivilTime t;
  size_t p = 0;
  if (!ReadInt(s, &p, 4, &t.year) || p >= s.size() || s[p++] != '-') return std::nullopt;
  if (!ReadInt(s, &p, 2, &t.month) || p >= s.size() || s[p++] != '-') return std::nullopt;
  if (!ReadInt(s, &p, 2, &t.day)) return std::nullopt;
  if (p == s.size()) return IsValidCivil(t) ? std::optional(t) : std::nullopt;
  if (s[p] != 'T' && s[p] != ' ') return std::nullopt;
  ++p;
  if (!ReadInt(s, &p, 2, &t.hour) || p >= s.size() || s[p++] != ':') return std::nullopt;
  if (!ReadInt(s, &p, 2, &t.minute)) return std::nullopt;
  if (p < s.size() && s[p] == ':') {
    ++p;
    if (!ReadInt(s, &p, 2, &t.second)) return std::nullopt;
  }
  if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
    ++p;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
  }
  int64_t offset = 0;
  if (p < s.size() && s[p] == 'Z') {
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int sign = s[p] == '-' ? -1 : 1;
    ++p;
    int oh = 0, om = 0;
    if (!ReadInt(s, &p, 2, &oh)) return std::nullopt;
    if (p < s.size() && s[p] == ':') ++p;
    if (p < s.size() && !ReadInt(s, &p, 2, &om)) return std::nullopt;
    offset = sign * (oh * 3600 + om * 60);
  }
  if (p != s.size() || !IsValidCivil(t)) return std::nullopt;
  if (offset != 0) t = FromEpochSeconds(ToEpochSeconds(t) - offset);
  return t;
}

std::optional<CivilTime> ParseEpoch(std::string_view s, int64_t divisor) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) {
    // JSON numbers may arrive as "1.7e12" or "1700000000.0"; accept a plain fraction.
    double d = 0;
    auto [p2, ec2] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec2 != std::errc() || p2 != s.data() + s.size()) return std::nullopt;
    v = static_cast<int64_t>(d);
  }
  return FromEpochSeconds(v / divisor);
}

}  // namespace

bool IsValidCivil(const CivilTime& t) {
  return t.year >= 1 && t.year <= 9999 && t.month >= 1 && t.month <= 12 && t.day >= 1 &&
         t.day <= DaysInMonth(t.year, t.month) && t.hour >= 0 && t.hour <= 23 && t.minute >= 0 &&
         t.minute <= 59 && t.second >= 0 && t.second <= 60;
}

int64_t ToEpochSeconds(const CivilTime& t) {
  return DaysFromCivil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

CivilTime FromEpochSeconds(int64_t seconds) {
  int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  int64_t rem = seconds - days * 86400;
  // civil_from_days (Hinnant).
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  CivilTime t;
  t.year = static_cast<int>(y + (m <= 2));
  t.month = static_cast<int>(m);
  t.day = static_cast<int>(d);
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem % 3600 / 60);
  t.second = static_cast<int>(rem % 60);
  return t;
}

std::optional<CivilTime> ParseTime(std::string_view text, std::string_view format) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  if (format == "iso8601") return ParseIso(text);
  if (format == "epoch") return ParseEpoch(text, 1);
  if (format == "epoch_ms") return ParseEpoch(text, 1000);
  CivilTime t;
  size_t p = 0, f = 0;
  while (f < format.size()) {
    std::string_view rest = format.substr(f);
    bool ok = true;
    if (rest.starts_with("YYYY")) {
      ok = ReadInt(text, &p, 4, &t.year);
      f += 4;
    } else if (rest.starts_with("MM")) {
      ok = ReadInt(text, &p, 2, &t.month);
      f += 2;
    } else if (rest.starts_with("DD")) {
      ok = ReadInt(text, &p, 2, &t.day);
      f += 2;
    } else if (rest.starts_with("HH")) {
      ok = ReadInt(text, &p, 2, &t.hour);
      f += 2;
    } else if (rest.starts_with("mm")) {
      ok = ReadInt(text, &p, 2, &t.minute);
      f += 2;
    } else if (rest.starts_with("ss")) {
      ok = ReadInt(text, &p, 2, &t.second);
      f += 2;
    } else {
      ok = p < text.size() && text[p] == format[f];
      ++p;
      ++f;
    }
    if (!ok) return std::nullopt;
  }
  if (p != text.size() || !IsValidCivil(t)) return std::nullopt;
  return t;
}

std::string FormatTime(const CivilTime& t, std::string_view format) {
  if (format == "iso8601") return ToIso(t);
  if (format == "epoch") return std::to_string(ToEpochSeconds(t));
  if (format == "epoch_ms") return std::to_string(ToEpochSeconds(t) * 1000);
  std::string out;
  size_t f = 0;
  while (f < format.size()) {
    std::string_view rest = format.substr(f);
    if (rest.starts_with("YYYY")) {
      out += fmt::format("{:04d}", t.year);
      f += 4;
    } else if (rest.starts_with("MM")) {
      out += fmt::format("{:02d}", t.month);
      f += 2;
    } else if (rest.starts_with("DD")) {
      out += fmt::format("{:02d}", t.day);
      f += 2;
    } else if (rest.starts_with("HH")) {
      out += fmt::format("{:02d}", t.hour);
      f += 2;
    } else if (rest.starts_with("mm")) {
      out += fmt::format("{:02d}", t.minute);
      f += 2;
    } else if (rest.starts_with("ss")) {
      out += fmt::format("{:02d}", t.second);
      f += 2;
    } else {
      out += format[f++];
    }
  }
  return out;
}

std::string ToIso(const CivilTime& t) {
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z", t.year, t.month, t.day, t.hour,
                     t.minute, t.second);
}

std::string NormalizeIso(std::string_view text) {
  auto t = ParseIso(text);
  return t ? ToIso(*t) : std::string();
}

}  // namespace bridgework::sources
