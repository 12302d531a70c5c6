// Numbers, money and flags: booleans from Y/N, 1/0, yes/no, true/false (and evet/hayır, ja/nein,
// oui/non, sí/no), integers, floats, money in units, cents or micros, gender codes.
#include <cctype>
#include <cmath>
#include <cstdlib>

#include "mapping/text_util.h"
#include "mapping/transforms.h"

namespace bridgework::mapping {
namespace {

// Parses a decimal number written with either '.' or ',' as the decimal mark and optional
// thousands separators, currency signs, and accounting negatives "(12.00)".
StatusOr<double> ParseNumber(std::string_view text) {
  std::string s = CollapseSpaces(text);
  bool negative = false;
  if (s.size() >= 2 && s.front() == '(' && s.back() == ')') {
    negative = true;
    s = s.substr(1, s.size() - 2);
  }
  std::string kept;
  for (char32_t c : DecodeUtf8(s)) {
    if ((c >= '0' && c <= '9') || c == '.' || c == ',') {
      kept.push_back(static_cast<char>(c));
    } else if (c == '-' || c == 0x2212) {
      if (!kept.empty()) return Reason("number has a misplaced minus sign");
      negative = !negative;
    } else if (c == '+' || c == ' ' || c == '$' || c == 0x20AC || c == 0xA3 || c == 0x20BA ||
               c == 0xA5 || c == '\'' || c == 0xA0 || c == 0x202F) {
      continue;  // currency signs and grouping spaces/apostrophes
    } else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
      continue;  // currency codes ("USD", "TL", "EUR")
    } else {
      return Reason("number has invalid characters");
    }
  }
  if (kept.empty()) return Reason("number has no digits");
  size_t last_dot = kept.rfind('.'), last_comma = kept.rfind(',');
  char decimal = 0;
  if (last_dot != std::string::npos && last_comma != std::string::npos) {
    decimal = last_dot > last_comma ? '.' : ',';
  } else if (last_comma != std::string::npos) {
    // "1,234" is a thousands group; "12,5" and "1,50" are decimals.
    size_t digits_after = kept.size() - last_comma - 1;
    bool several = kept.find(',') != last_comma;
    decimal = (digits_after == 3 || several) ? 0 : ',';
  } else if (last_dot != std::string::npos) {
    size_t digits_after = kept.size() - last_dot - 1;
    bool several = kept.find('.') != last_dot;
    decimal = (several && digits_after == 3) ? 0 : '.';
    if (several && digits_after != 3) return Reason("number has several decimal marks");
  }
  std::string norm;
  for (char c : kept) {
    if (c == decimal) {
      norm.push_back('.');
    } else if (c >= '0' && c <= '9') {
      norm.push_back(c);
    }
  }
  if (norm.empty() || norm == ".") return Reason("number has no digits");
  double v = std::strtod(norm.c_str(), nullptr);
  return negative ? -v : v;
}

int64_t UnitScale(const std::string& unit) {
  if (unit == "cents") return 100;
  if (unit == "micros") return 1000000;
  return 1;
}

}  // namespace

StatusOr<bool> ParseBool(std::string_view text) {
  std::string t = FoldKey(text);
  static const char* kTrue[] = {"y",   "yes",     "true", "t",      "1",     "on",
                                "x",   "checked", "evet", "e",      "ja",    "j",
                                "oui", "si",      "da",   "opt_in", "optin", "opted_in"};
  static const char* kFalse[] = {"n",         "no",      "false",  "f",         "0",   "off",
                                 "unchecked", "hayir",   "h",      "nein",      "non", "nee",
                                 "net",       "opt_out", "optout", "opted_out", "none"};
  for (const char* v : kTrue) {
    if (t == v) return true;
  }
  for (const char* v : kFalse) {
    if (t == v) return false;
  }
  return Reason("not a yes/no value");
}

StatusOr<Json> Bool(const Json& value, const Json& args) {
  if (value.is_null()) {
    // An empty consent cell means "not given": opt-in must be explicit.
    if (args.is_object() && args.contains("empty")) return args["empty"];
    return Json();
  }
  if (value.is_boolean()) return value;
  std::optional<std::string> s = ScalarText(value);
  BW_ASSIGN_OR_RETURN(bool b, ParseBool(*s));
  return Json(b);
}

StatusOr<Json> Integer(const Json& value, const Json&) {
  if (value.is_number_integer()) return value;
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  BW_ASSIGN_OR_RETURN(double v, ParseNumber(*s));
  if (std::floor(v) != v) return Reason("not a whole number");
  return Json(static_cast<int64_t>(v));
}

StatusOr<Json> Float(const Json& value, const Json& args) {
  double v = 0;
  if (value.is_number()) {
    v = value.get<double>();
  } else {
    std::optional<std::string> s = ScalarText(value);
    if (!s) return Json();
    BW_ASSIGN_OR_RETURN(v, ParseNumber(*s));
  }
  // {divide: 60}: minutes to hours (calendar.event duration).
  if (args.is_object() && args.contains("divide") && args["divide"].is_number()) {
    double d = args["divide"].get<double>();
    if (d == 0) return Reason("divide by zero");
    v /= d;
  }
  return Json(v);
}

StatusOr<Json> Money(const Json& value, const Json& args) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  std::string in = args.is_object() ? args.value("in", std::string("units")) : "units";
  std::string out = args.is_object() ? args.value("out", std::string("units")) : "units";
  for (const std::string& u : {in, out}) {
    if (u != "units" && u != "cents" && u != "micros") return Reason("unknown money unit " + u);
  }
  BW_ASSIGN_OR_RETURN(double v, ParseNumber(*s));
  // Work in micros as integers so that cents never drift (0.1 + 0.2).
  double micros = std::round(v * (1000000.0 / static_cast<double>(UnitScale(in))));
  if (std::fabs(micros) > 9.0e15) return Reason("amount out of range");
  auto m = static_cast<int64_t>(micros);
  if (out == "micros") return Json(m);
  if (out == "cents") return Json(static_cast<int64_t>(std::llround(m / 10000.0)));
  return Json(std::round(static_cast<double>(m) / 10000.0) / 100.0);
}

StatusOr<Json> Gender(const Json& value, const Json&) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  std::string t = FoldKey(*s);
  static const char* kMale[] = {"m",         "male",  "man", "erkek",     "e",      "mannlich",
                                "maennlich", "homme", "h",   "masculino", "hombre", "boy"};
  static const char* kFemale[] = {"f",        "female", "woman",    "kadin", "k",   "w",
                                  "weiblich", "femme",  "femenino", "mujer", "girl"};
  static const char* kOther[] = {"o",          "other", "x",       "diverse", "divers", "nonbinary",
                                 "non_binary", "u",     "unknown", "d",       "diger",  "autre"};
  for (const char* v : kMale) {
    if (t == v) return Json("male");
  }
  for (const char* v : kFemale) {
    if (t == v) return Json("female");
  }
  for (const char* v : kOther) {
    if (t == v) return Json("other");
  }
  return Reason("unknown gender code");
}

}  // namespace bridgework::mapping
