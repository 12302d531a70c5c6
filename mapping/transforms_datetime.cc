// Dates and datetimes: every format the vendor profiles use (US MM/DD/YYYY, day-first DD.MM.YYYY
// and DD/MM/YYYY, ISO 8601 with or without offset, epoch seconds and milliseconds, month names),
// converted to UTC through the written offset or the zone the profile names. Impossible dates
// (February 30, year 0201) are refused with a reason.
//
// Zones come from a rule table rather than the system tzdata, so the result does not depend on
// the machine: the zones practices in our sources use, with their DST rules (US since 1987/2007,
// EU since 1996, Turkey's move to permanent +03 in 2016).
#include <array>
#include <cctype>
#include <cstdlib>

#include "common/civil_time.h"
#include "mapping/text_util.h"
#include "mapping/transforms.h"

namespace bridgework::mapping {
namespace {

constexpr int64_t kDay = 86400;

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// 0 = Sunday.
int Weekday(int y, int m, int d) {
  int64_t days = DaysFromCivil(y, m, d);
  return static_cast<int>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
}

// Day of month of the n-th (1-based; 0 = last) `weekday` in month m of year y.
int NthWeekday(int y, int m, int weekday, int n) {
  if (n == 0) {
    int last = DaysInMonth(y, m);
    int wd = Weekday(y, m, last);
    return last - ((wd - weekday + 7) % 7);
  }
  int wd = Weekday(y, m, 1);
  return 1 + ((weekday - wd + 7) % 7) + 7 * (n - 1);
}

int64_t UtcSeconds(int y, int m, int d, int hh, int mm, int ss) {
  return DaysFromCivil(y, m, d) * kDay + hh * 3600 + mm * 60 + ss;
}

void CivilFromDays(int64_t z, int* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = static_cast<int>(yy + (*m <= 2 ? 1 : 0));
}

enum class DstRule { kNone, kUs, kEu };

struct Zone {
  const char* name;
  int std_offset;  // seconds east of UTC
  DstRule rule;
};

constexpr std::array<Zone, 40> kZones = {{
    {"UTC", 0, DstRule::kNone},
    {"Etc/UTC", 0, DstRule::kNone},
    {"GMT", 0, DstRule::kNone},
    {"America/New_York", -5 * 3600, DstRule::kUs},
    {"America/Detroit", -5 * 3600, DstRule::kUs},
    {"America/Chicago", -6 * 3600, DstRule::kUs},
    {"America/Denver", -7 * 3600, DstRule::kUs},
    {"America/Phoenix", -7 * 3600, DstRule::kNone},
    {"America/Los_Angeles", -8 * 3600, DstRule::kUs},
    {"America/Anchorage", -9 * 3600, DstRule::kUs},
    {"Pacific/Honolulu", -10 * 3600, DstRule::kNone},
    {"America/Toronto", -5 * 3600, DstRule::kUs},
    {"America/Montreal", -5 * 3600, DstRule::kUs},
    {"America/Vancouver", -8 * 3600, DstRule::kUs},
    {"America/Edmonton", -7 * 3600, DstRule::kUs},
    {"America/Winnipeg", -6 * 3600, DstRule::kUs},
    {"America/Halifax", -4 * 3600, DstRule::kUs},
    {"America/Regina", -6 * 3600, DstRule::kNone},
    {"US/Eastern", -5 * 3600, DstRule::kUs},
    {"US/Central", -6 * 3600, DstRule::kUs},
    {"US/Mountain", -7 * 3600, DstRule::kUs},
    {"US/Pacific", -8 * 3600, DstRule::kUs},
    {"Europe/London", 0, DstRule::kEu},
    {"Europe/Dublin", 0, DstRule::kEu},
    {"Europe/Lisbon", 0, DstRule::kEu},
    {"Europe/Berlin", 3600, DstRule::kEu},
    {"Europe/Paris", 3600, DstRule::kEu},
    {"Europe/Madrid", 3600, DstRule::kEu},
    {"Europe/Rome", 3600, DstRule::kEu},
    {"Europe/Amsterdam", 3600, DstRule::kEu},
    {"Europe/Brussels", 3600, DstRule::kEu},
    {"Europe/Vienna", 3600, DstRule::kEu},
    {"Europe/Zurich", 3600, DstRule::kEu},
    {"Europe/Stockholm", 3600, DstRule::kEu},
    {"Europe/Warsaw", 3600, DstRule::kEu},
    {"Europe/Prague", 3600, DstRule::kEu},
    {"Europe/Athens", 7200, DstRule::kEu},
    {"Europe/Helsinki", 7200, DstRule::kEu},
    {"Europe/Istanbul", 3 * 3600, DstRule::kNone},  // special-cased before 2016-09-07
    {"Europe/Moscow", 3 * 3600, DstRule::kNone},
}};

bool InDst(DstRule rule, int std_offset, int64_t utc) {
  int y, m, d;
  CivilFromDays(utc >= 0 ? utc / kDay : (utc - kDay + 1) / kDay, &y, &m, &d);
  if (rule == DstRule::kEu) {
    int64_t start = UtcSeconds(y, 3, NthWeekday(y, 3, 0, 0), 1, 0, 0);
    int64_t end = UtcSeconds(y, 10, NthWeekday(y, 10, 0, 0), 1, 0, 0);
    return utc >= start && utc < end;
  }
  if (rule == DstRule::kUs) {
    int sm = y >= 2007 ? 3 : 4, sn = y >= 2007 ? 2 : 1;
    int em = y >= 2007 ? 11 : 10, en = y >= 2007 ? 1 : 0;
    int64_t start = UtcSeconds(y, sm, NthWeekday(y, sm, 0, sn), 2, 0, 0) - std_offset;
    int64_t end = UtcSeconds(y, em, NthWeekday(y, em, 0, en), 2, 0, 0) - (std_offset + 3600);
    return utc >= start && utc < end;
  }
  return false;
}

// "+03:00", "-0500", "+3", "UTC+3", "GMT-05:00".
std::optional<int> ParseFixedOffset(std::string_view tz) {
  std::string s(tz);
  if (StartsWith(s, "UTC") || StartsWith(s, "GMT")) s = s.substr(3);
  if (s.empty() || s == "Z") return 0;
  if (s[0] != '+' && s[0] != '-') return std::nullopt;
  int sign = s[0] == '-' ? -1 : 1;
  std::string digits;
  for (size_t i = 1; i < s.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(s[i]))) {
      digits.push_back(s[i]);
    } else if (s[i] != ':') {
      return std::nullopt;
    }
  }
  if (digits.empty() || digits.size() > 4) return std::nullopt;
  int h = 0, m = 0;
  if (digits.size() <= 2) {
    h = std::atoi(digits.c_str());
  } else {
    h = std::atoi(digits.substr(0, digits.size() - 2).c_str());
    m = std::atoi(digits.substr(digits.size() - 2).c_str());
  }
  if (h > 14 || m > 59) return std::nullopt;
  return sign * (h * 3600 + m * 60);
}

// ---- pattern matching ----

struct Parsed {
  int year = -1, month = -1, day = -1, hour = 0, minute = 0, second = 0;
  int ampm = 0;  // 0 none, 1 am, 2 pm
  bool has_time = false;
  std::optional<int> offset;
};

const char* kMonthNames[] = {"jan", "feb", "mar", "apr", "may", "jun",
                             "jul", "aug", "sep", "oct", "nov", "dec"};
// German, Turkish, French, Spanish month names (folded) for day-first vendors.
const std::pair<const char*, int> kMonthWords[] = {
    {"januar", 1},     {"februar", 2},   {"marz", 3},       {"maerz", 3},     {"mai", 5},
    {"juni", 6},       {"juli", 7},      {"oktober", 10},   {"dezember", 12}, {"ocak", 1},
    {"subat", 2},      {"mart", 3},      {"nisan", 4},      {"mayis", 5},     {"haziran", 6},
    {"temmuz", 7},     {"agustos", 8},   {"eylul", 9},      {"ekim", 10},     {"kasim", 11},
    {"aralik", 12},    {"janvier", 1},   {"fevrier", 2},    {"mars", 3},      {"avril", 4},
    {"juin", 6},       {"juillet", 7},   {"aout", 8},       {"septembre", 9}, {"octobre", 10},
    {"novembre", 11},  {"decembre", 12}, {"enero", 1},      {"febrero", 2},   {"marzo", 3},
    {"abril", 4},      {"mayo", 5},      {"junio", 6},      {"julio", 7},     {"agosto", 8},
    {"septiembre", 9}, {"octubre", 10},  {"noviembre", 11}, {"diciembre", 12}};

int MonthFromWord(std::string_view word) {
  std::string w = FoldKey(word);
  for (const auto& [name, m] : kMonthWords) {
    if (w == name) return m;
  }
  if (w.size() >= 3) {
    for (int i = 0; i < 12; ++i) {
      if (w.substr(0, 3) == kMonthNames[i]) return i + 1;
    }
  }
  return -1;
}

// Reads 1..max digits (exactly `max` when `exact`).
bool ReadNum(std::string_view s, size_t* pos, size_t max, bool exact, int* out) {
  size_t start = *pos;
  while (*pos < s.size() && *pos - start < max &&
         std::isdigit(static_cast<unsigned char>(s[*pos]))) {
    ++*pos;
  }
  size_t n = *pos - start;
  if (n == 0 || (exact && n != max)) return false;
  *out = std::atoi(std::string(s.substr(start, n)).c_str());
  return true;
}

bool ReadOffset(std::string_view s, size_t* pos, std::optional<int>* out) {
  while (*pos < s.size() && s[*pos] == ' ') ++*pos;
  if (*pos >= s.size()) return false;
  if (s[*pos] == 'Z' || s[*pos] == 'z') {
    ++*pos;
    *out = 0;
    return true;
  }
  size_t start = *pos;
  std::string_view rest = s.substr(start);
  if (StartsWith(rest, "UTC") || StartsWith(rest, "GMT")) *pos += 3;
  if (*pos < s.size() && (s[*pos] == '+' || s[*pos] == '-')) {
    ++*pos;
    while (*pos < s.size() &&
           (std::isdigit(static_cast<unsigned char>(s[*pos])) || s[*pos] == ':')) {
      ++*pos;
    }
  }
  std::optional<int> off = ParseFixedOffset(s.substr(start, *pos - start));
  if (!off) return false;
  *out = off;
  return true;
}

// Matches `s` against a pattern of tokens: YYYY YY MM M DD D HH H hh h mm ss SSS A Z MMM;
// spaces match any run of spaces; "T" and other characters match themselves.
bool MatchPattern(std::string_view s, std::string_view pat, Parsed* p) {
  size_t i = 0, j = 0;
  auto tok = [&](std::string_view t) { return pat.substr(j, t.size()) == t; };
  while (j < pat.size()) {
    int v = 0;
    if (tok("YYYY")) {
      if (!ReadNum(s, &i, 4, true, &p->year)) return false;
      j += 4;
    } else if (tok("YY")) {
      if (!ReadNum(s, &i, 2, true, &v)) return false;
      p->year = v < 70 ? 2000 + v : 1900 + v;  // pivot: profiles with 2-digit years are recent
      j += 2;
    } else if (tok("MMM")) {
      while (j < pat.size() && pat[j] == 'M') ++j;
      size_t start = i;
      while (i < s.size() && (std::isalpha(static_cast<unsigned char>(s[i])) ||
                              static_cast<unsigned char>(s[i]) >= 0x80)) {
        ++i;
      }
      p->month = MonthFromWord(s.substr(start, i - start));
      if (p->month < 0) return false;
      if (i < s.size() && s[i] == '.') ++i;
    } else if (tok("MM") || tok("M")) {
      if (!ReadNum(s, &i, 2, false, &p->month)) return false;
      j += tok("MM") ? 2 : 1;
    } else if (tok("DD") || tok("D")) {
      if (!ReadNum(s, &i, 2, false, &p->day)) return false;
      j += tok("DD") ? 2 : 1;
    } else if (tok("HH") || tok("H") || tok("hh") || tok("h")) {
      if (!ReadNum(s, &i, 2, false, &p->hour)) return false;
      j += (tok("HH") || tok("hh")) ? 2 : 1;
      p->has_time = true;
    } else if (tok("mm")) {
      if (!ReadNum(s, &i, 2, true, &p->minute)) return false;
      j += 2;
    } else if (tok("ss")) {
      if (!ReadNum(s, &i, 2, true, &p->second)) return false;
      j += 2;
    } else if (tok("SSS")) {
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
      j += 3;
    } else if (tok("A") || tok("a")) {
      while (i < s.size() && s[i] == ' ') ++i;
      std::string ap = ToLowerUtf8(s.substr(i, 2));
      if (ap == "am") {
        p->ampm = 1;
      } else if (ap == "pm") {
        p->ampm = 2;
      } else {
        return false;
      }
      i += 2;
      if (i < s.size() && s[i] == '.') ++i;
      j += 1;
    } else if (tok("Z")) {
      if (!ReadOffset(s, &i, &p->offset)) return false;
      j += 1;
    } else if (pat[j] == ' ') {
      if (i >= s.size() || s[i] != ' ') return false;
      while (i < s.size() && s[i] == ' ') ++i;
      ++j;
    } else {
      if (i >= s.size() || s[i] != pat[j]) return false;
      ++i;
      ++j;
    }
  }
  return i == s.size();
}

// ISO 8601: date, optional T/space time with optional seconds, fraction and offset.
bool MatchIso(std::string_view s, Parsed* p) {
  static const char* kIso[] = {"YYYY-MM-DD",
                               "YYYYMMDD",
                               "YYYY-MM-DDTHH:mm",
                               "YYYY-MM-DDTHH:mmZ",
                               "YYYY-MM-DDTHH:mm:ss",
                               "YYYY-MM-DDTHH:mm:ssZ",
                               "YYYY-MM-DDTHH:mm:ss.SSS",
                               "YYYY-MM-DDTHH:mm:ss.SSSZ",
                               "YYYY-MM-DD HH:mm",
                               "YYYY-MM-DD HH:mm:ss",
                               "YYYY-MM-DD HH:mm:ssZ",
                               "YYYY-MM-DD HH:mm:ss.SSS",
                               "YYYY-MM-DD HH:mm:ss.SSSZ",
                               "YYYY/MM/DD",
                               "YYYY/MM/DD HH:mm",
                               "YYYY/MM/DD HH:mm:ss"};
  for (const char* pat : kIso) {
    Parsed q;
    if (MatchPattern(s, pat, &q)) {
      *p = q;
      return true;
    }
  }
  return false;
}

bool MatchEpoch(std::string_view s, bool millis, Parsed* p, int64_t* epoch) {
  if (s.empty() || s.size() > 16) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  std::string digits;
  for (; i < s.size(); ++i) {
    if (s[i] == '.') break;  // fractional seconds are dropped
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    digits.push_back(s[i]);
  }
  if (digits.empty()) return false;
  int64_t v = std::strtoll(digits.c_str(), nullptr, 10);
  if (s[0] == '-') v = -v;
  if (millis) v = v >= 0 ? v / 1000 : -((-v + 999) / 1000);
  *epoch = v;
  p->has_time = true;
  p->offset = 0;
  return true;
}

Status CheckCivil(const Parsed& p, int min_year, int max_year) {
  if (p.month < 1 || p.month > 12) return Reason("impossible date: month out of range");
  if (p.year < min_year || p.year > max_year) {
    return Reason("implausible year (outside " + std::to_string(min_year) + ".." +
                  std::to_string(max_year) + ")");
  }
  if (p.day < 1 || p.day > DaysInMonth(p.year, p.month)) {
    return Reason("impossible date: day out of range for the month");
  }
  if (p.hour > 23 || p.minute > 59 || p.second > 60) return Reason("impossible time of day");
  return Status::Ok();
}

std::string Pad(int v, int width) {
  std::string s = std::to_string(v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), '0');
  return s;
}

std::string FormatDate(const CivilTime& t) {
  return Pad(t.year, 4) + "-" + Pad(t.month, 2) + "-" + Pad(t.day, 2);
}

struct ParseOutcome {
  Parsed parsed;
  std::optional<int64_t> epoch;  // set for epoch formats
};

StatusOr<ParseOutcome> ParseAny(std::string_view raw, const Json& formats) {
  std::string s = CollapseSpaces(raw);
  if (s.empty()) return Reason("empty date");
  std::vector<std::string> list;
  if (formats.is_string()) {
    list.push_back(formats.get<std::string>());
  } else if (formats.is_array()) {
    for (const Json& f : formats) {
      if (f.is_string()) list.push_back(f.get<std::string>());
    }
  }
  if (list.empty()) list = {"iso"};
  for (const std::string& f : list) {
    ParseOutcome out;
    int64_t epoch = 0;
    if (f == "iso") {
      if (MatchIso(s, &out.parsed)) return out;
    } else if (f == "epoch" || f == "epoch_s") {
      if (MatchEpoch(s, false, &out.parsed, &epoch)) {
        out.epoch = epoch;
        return out;
      }
    } else if (f == "epoch_ms") {
      if (MatchEpoch(s, true, &out.parsed, &epoch)) {
        out.epoch = epoch;
        return out;
      }
    } else if (f == "epoch_auto") {
      bool ms = s.size() >= 12;
      if (MatchEpoch(s, ms, &out.parsed, &epoch)) {
        out.epoch = epoch;
        return out;
      }
    } else if (MatchPattern(s, f, &out.parsed)) {
      return out;
    }
  }
  return Reason("date in no expected format");
}

}  // namespace

int64_t DaysFromCivil(int y, int m, int d) { return ::bridgework::DaysFromCivil(y, m, d); }

StatusOr<int> ZoneOffsetSeconds(std::string_view tz, int64_t utc) {
  if (tz.empty()) return 0;
  if (std::optional<int> fixed = ParseFixedOffset(tz)) return *fixed;
  for (const Zone& z : kZones) {
    if (tz != z.name) continue;
    if (tz == "Europe/Istanbul" && utc < UtcSeconds(2016, 9, 7, 0, 0, 0)) {
      return 7200 + (InDst(DstRule::kEu, 7200, utc) ? 3600 : 0);
    }
    return z.std_offset + (InDst(z.rule, z.std_offset, utc) ? 3600 : 0);
  }
  return NotFound("unknown time zone " + std::string(tz));
}

StatusOr<CivilTime> ParseDateTime(std::string_view text, const Json& formats, std::string_view tz) {
  return ParseDateTimeBounded(text, formats, tz, 1850, 2200);
}

StatusOr<CivilTime> ParseDateTimeBounded(std::string_view text, const Json& formats,
                                         std::string_view tz, int min_year, int max_year) {
  BW_ASSIGN_OR_RETURN(ParseOutcome out, ParseAny(text, formats));
  Parsed& p = out.parsed;
  int64_t utc = 0;
  if (out.epoch) {
    utc = *out.epoch;
  } else {
    if (p.ampm != 0) {
      if (p.hour < 1 || p.hour > 12) return Reason("impossible time of day");
      if (p.ampm == 1 && p.hour == 12) p.hour = 0;
      if (p.ampm == 2 && p.hour != 12) p.hour += 12;
    }
    BW_RETURN_IF_ERROR(CheckCivil(p, min_year, max_year));
    if (!p.has_time) {
      return CivilTime{p.year, p.month, p.day, 0, 0, 0, false};
    }
    int64_t local = UtcSeconds(p.year, p.month, p.day, p.hour, p.minute, p.second);
    if (p.offset) {
      utc = local - *p.offset;
    } else {
      // Local time in zone `tz`: the offset at the guessed instant, refined once (DST edges).
      StatusOr<int> off = ZoneOffsetSeconds(tz, local);
      if (!off.ok()) return Reason(off.status().message());
      utc = local - *off;
      StatusOr<int> off2 = ZoneOffsetSeconds(tz, utc);
      if (off2.ok() && *off2 != *off) utc = local - *off2;
    }
  }
  int64_t days = utc >= 0 ? utc / kDay : (utc - kDay + 1) / kDay;
  int64_t rem = utc - days * kDay;
  CivilTime t;
  CivilFromDays(days, &t.year, &t.month, &t.day);
  t.hour = static_cast<int>(rem / 3600);
  t.minute = static_cast<int>(rem % 3600 / 60);
  t.second = static_cast<int>(rem % 60);
  t.has_time = true;
  if (t.year < min_year || t.year > max_year) {
    return Reason("implausible year (outside " + std::to_string(min_year) + ".." +
                  std::to_string(max_year) + ")");
  }
  return t;
}

// Dates keep the calendar day as written (a birth date has no zone); datetime inputs give
// their local date unless `utc: true`.
StatusOr<Json> Date(const Json& value, const Json& args) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  Json formats = args.is_object() && args.contains("formats") ? args["formats"] : Json("iso");
  int min_year = args.is_object() ? args.value("min_year", 1850) : 1850;
  int max_year = args.is_object() ? args.value("max_year", 2200) : 2200;
  bool utc = args.is_object() && args.value("utc", false);
  BW_ASSIGN_OR_RETURN(ParseOutcome out, ParseAny(*s, formats));
  if (out.epoch || utc) {
    std::string tz = args.is_object() ? args.value("tz", std::string("UTC")) : "UTC";
    BW_ASSIGN_OR_RETURN(CivilTime t, ParseDateTimeBounded(*s, formats, tz, min_year, max_year));
    return Json(FormatDate(t));
  }
  BW_RETURN_IF_ERROR(CheckCivil(out.parsed, min_year, max_year));
  CivilTime t{out.parsed.year, out.parsed.month, out.parsed.day, 0, 0, 0, false};
  if (args.is_object() && args.value("not_future_of", std::string()) != "") {
    // Birth dates after the extract date are impossible; the map passes the cut-off.
    std::string cutoff = args["not_future_of"].get<std::string>();
    if (FormatDate(t) > cutoff) return Reason("date is in the future");
  }
  return Json(FormatDate(t));
}

StatusOr<Json> DateTime(const Json& value, const Json& args) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  Json formats = args.is_object() && args.contains("formats") ? args["formats"] : Json("iso");
  std::string tz = args.is_object() ? args.value("tz", std::string("UTC")) : "UTC";
  std::string style = args.is_object() ? args.value("style", std::string("odoo")) : "odoo";
  int min_year = args.is_object() ? args.value("min_year", 1850) : 1850;
  int max_year = args.is_object() ? args.value("max_year", 2200) : 2200;
  BW_ASSIGN_OR_RETURN(CivilTime t, ParseDateTimeBounded(*s, formats, tz, min_year, max_year));
  std::string date = FormatDate(t);
  std::string time = Pad(t.hour, 2) + ":" + Pad(t.minute, 2) + ":" + Pad(t.second, 2);
  if (style == "iso") return Json(date + "T" + time + "Z");
  if (style == "iso_ms") return Json(date + "T" + time + ".000Z");
  if (style == "date") return Json(date);
  return Json(date + " " + time);  // Odoo: naive UTC "YYYY-MM-DD HH:MM:SS"
}

}  // namespace bridgework::mapping
