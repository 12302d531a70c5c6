// Contact transforms: phone numbers to E.164 with a default region, email validation.
#include <array>
#include <cctype>

#include "mapping/text_util.h"
#include "mapping/transforms.h"

namespace bridgework::mapping {
namespace {

struct PhoneRegion {
  const char* region;    // ISO 3166-1 alpha-2
  const char* code;      // country calling code
  const char* trunk;     // national trunk prefix dropped in E.164 ("" when none)
  int min_len, max_len;  // national significant number length
};

// The regions practices in our profiles and seeds use; others can be added here.
constexpr std::array<PhoneRegion, 22> kRegions = {{
    {"US", "1", "1", 10, 10},  {"CA", "1", "1", 10, 10},  {"GB", "44", "0", 9, 10},
    {"TR", "90", "0", 10, 10}, {"DE", "49", "0", 6, 13},  {"FR", "33", "0", 9, 9},
    {"ES", "34", "", 9, 9},    {"IT", "39", "", 6, 11},   {"NL", "31", "0", 9, 9},
    {"BE", "32", "0", 8, 9},   {"AT", "43", "0", 4, 13},  {"CH", "41", "0", 9, 9},
    {"IE", "353", "0", 7, 9},  {"AU", "61", "0", 9, 9},   {"NZ", "64", "0", 8, 10},
    {"MX", "52", "", 10, 10},  {"BR", "55", "0", 10, 11}, {"IN", "91", "0", 10, 10},
    {"RU", "7", "8", 10, 10},  {"PL", "48", "", 9, 9},    {"PT", "351", "", 9, 9},
    {"SE", "46", "0", 7, 9},
}};

const PhoneRegion* FindRegion(std::string_view region) {
  for (const auto& r : kRegions) {
    if (IEquals(r.region, region)) return &r;
  }
  return nullptr;
}

const PhoneRegion* FindByCode(std::string_view digits, size_t* code_len) {
  for (size_t len = 1; len <= 3 && len <= digits.size(); ++len) {
    for (const auto& r : kRegions) {
      if (digits.substr(0, len) == r.code) {
        *code_len = len;
        return &r;
      }
    }
  }
  return nullptr;
}

bool NanpValid(std::string_view nsn) { return nsn.size() == 10 && nsn[0] >= '2' && nsn[3] >= '2'; }

// Cuts an extension ("x12", "ext. 12", "#12", "dahili 12") off the end.
std::string DropExtension(std::string s) {
  std::string lower = ToLowerUtf8(s);
  for (const char* marker : {"extension", "ext.", "ext", " x", "x.", "#", "dahili", "durchwahl"}) {
    size_t pos = lower.find(marker);
    if (pos != std::string::npos && pos > 0) {
      bool digits_before = false;
      for (size_t i = 0; i < pos; ++i)
        digits_before |= std::isdigit(static_cast<unsigned char>(s[i])) != 0;
      if (digits_before) return s.substr(0, pos);
    }
  }
  return s;
}

bool ValidDomainLabel(std::string_view label) {
  if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
    return false;
  }
  for (unsigned char c : label) {
    if (!(std::isalnum(c) || c == '-' || c >= 0x80)) return false;
  }
  return true;
}

}  // namespace

StatusOr<std::string> PhoneToE164(std::string_view text, std::string_view region) {
  std::string s = DropExtension(TrimCopy(text));
  if (StartsWith(ToLowerUtf8(s), "tel:")) s = s.substr(4);
  std::string digits;
  bool plus = false;
  for (char32_t c : DecodeUtf8(s)) {
    if (c >= '0' && c <= '9') {
      digits.push_back(static_cast<char>(c));
    } else if (c >= 0xFF10 && c <= 0xFF19) {  // full-width digits
      digits.push_back(static_cast<char>('0' + (c - 0xFF10)));
    } else if (c == '+' && digits.empty()) {
      plus = true;
    } else if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == 0xA0 ||
               c == 0x2013 || c == 0x2010) {
      continue;
    } else {
      return Reason("phone number contains letters or symbols");
    }
  }
  if (digits.empty()) return Reason("phone number has no digits");
  const PhoneRegion* home = FindRegion(region.empty() ? "US" : region);
  if (home == nullptr) return Reason("unknown phone region " + std::string(region));
  bool international = plus;
  if (!plus && StartsWith(digits, "00")) {
    digits = digits.substr(2);
    international = true;
  } else if (!plus && std::string_view(home->code) == "1" && StartsWith(digits, "011")) {
    digits = digits.substr(3);
    international = true;
  }
  const PhoneRegion* r = home;
  std::string nsn;
  if (international) {
    size_t code_len = 0;
    r = FindByCode(digits, &code_len);
    if (r == nullptr) {
      if (digits.size() < 8 || digits.size() > 15) return Reason("phone number length invalid");
      return "+" + digits;  // a country we keep no rules for: trust the written code
    }
    nsn = digits.substr(code_len);
    // "+44 (0)20 ..." keeps a trunk zero in brackets; E.164 drops it.
    if (r->trunk[0] == '0' && StartsWith(nsn, "0")) nsn = nsn.substr(1);
  } else {
    nsn = digits;
    if (std::string_view(r->code) == "1") {
      if (nsn.size() == 11 && nsn[0] == '1') nsn = nsn.substr(1);
    } else if (r->trunk[0] != '\0' && StartsWith(nsn, r->trunk)) {
      nsn = nsn.substr(std::string_view(r->trunk).size());
    } else if (StartsWith(nsn, r->code) &&
               static_cast<int>(nsn.size() - std::string_view(r->code).size()) >= r->min_len) {
      // Written with the country code but without '+' ("905321234567").
      nsn = nsn.substr(std::string_view(r->code).size());
    }
  }
  if (static_cast<int>(nsn.size()) < r->min_len) return Reason("phone number too short");
  if (static_cast<int>(nsn.size()) > r->max_len) return Reason("phone number too long");
  if (std::string_view(r->code) == "1" && !NanpValid(nsn)) {
    return Reason("not a valid North American number");
  }
  return "+" + std::string(r->code) + nsn;
}

StatusOr<std::string> NormalizeEmail(std::string_view text) {
  std::string s = TrimCopy(text);
  if (StartsWith(ToLowerUtf8(s), "mailto:")) s = s.substr(7);
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
  // "Jane Doe <jane@x.com>" keeps the address.
  size_t lt = s.rfind('<');
  if (lt != std::string::npos && s.back() == '>') s = s.substr(lt + 1, s.size() - lt - 2);
  s = TrimCopy(s);
  if (s.empty()) return Reason("empty email");
  if (s.find_first_of(" \t,;") != std::string::npos) {
    return Reason("email contains spaces, commas or several addresses");
  }
  size_t at = s.find('@');
  if (at == std::string::npos) return Reason("email has no @");
  if (s.find('@', at + 1) != std::string::npos) return Reason("email has more than one @");
  std::string local = s.substr(0, at);
  std::string domain = ToLowerUtf8(s.substr(at + 1));
  if (local.empty() || local.size() > 64) return Reason("email local part empty or too long");
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos) {
    return Reason("email local part has misplaced dots");
  }
  for (unsigned char c : local) {
    if (!(std::isalnum(c) ||
          std::string_view("!#$%&'*+-/=?^_`{|}~.").find(static_cast<char>(c)) !=
              std::string_view::npos ||
          c >= 0x80)) {
      return Reason("email local part has invalid characters");
    }
  }
  std::vector<std::string> labels = Split(domain, '.');
  if (labels.size() < 2) return Reason("email domain has no dot");
  for (const std::string& label : labels) {
    if (!ValidDomainLabel(label)) return Reason("email domain is malformed");
  }
  const std::string& tld = labels.back();
  if (tld.size() < 2) return Reason("email top-level domain too short");
  for (unsigned char c : tld) {
    if (std::isdigit(c)) return Reason("email top-level domain is numeric");
  }
  // Local parts are case-sensitive in theory; in practice every provider folds them, and the
  // destination's duplicate checks compare lower case.
  return ToLowerUtf8(local) + "@" + domain;
}

StatusOr<Json> PhoneE164(const Json& value, const Json& args) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  std::string region = args.is_object() ? args.value("region", std::string("US")) : "US";
  StatusOr<std::string> out = PhoneToE164(*s, region);
  if (!out.ok()) {
    if (args.is_object() && args.value("on_invalid", std::string("error")) == "null") {
      return Json();
    }
    return out.status();
  }
  if (args.is_object() && args.value("format", std::string("e164")) == "national") {
    // The number without "+<calling code>" (Twenty keeps the calling code in its own field).
    const std::string digits = out->substr(1);
    size_t code_len = 0;
    if (FindByCode(digits, &code_len) != nullptr) return Json(digits.substr(code_len));
    return Json(digits);  // a country we keep no rules for: the digits as written
  }
  return Json(*out);
}

StatusOr<Json> Email(const Json& value, const Json& args) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  StatusOr<std::string> out = NormalizeEmail(*s);
  if (!out.ok()) {
    if (args.is_object() && args.value("on_invalid", std::string("error")) == "null") {
      return Json();
    }
    return out.status();
  }
  return Json(*out);
}

}  // namespace bridgework::mapping
