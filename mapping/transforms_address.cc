// Postal addresses: a multi-line (or comma-separated) address parsed into street, street2, city,
// state code, zip and country code. Knows the layouts of the countries our practices are in:
// US ("City, ST 12345-6789"), Canada ("City ON A1A 1A1"), UK (post town line, postcode line),
// Turkey ("34710 Kadıköy/İstanbul"), Germany and other zip-first countries ("10115 Berlin").
#include <algorithm>
#include <cctype>

#include "mapping/text_util.h"
#include "mapping/transforms.h"

namespace bridgework::mapping {
namespace {

struct NameCode {
  const char* name;
  const char* code;
};

constexpr NameCode kCountries[] = {
    {"united states", "US"},
    {"united states of america", "US"},
    {"usa", "US"},
    {"u s a", "US"},
    {"u s", "US"},
    {"america", "US"},
    {"united kingdom", "GB"},
    {"uk", "GB"},
    {"u k", "GB"},
    {"great britain", "GB"},
    {"england", "GB"},
    {"scotland", "GB"},
    {"wales", "GB"},
    {"northern ireland", "GB"},
    {"gb", "GB"},
    {"turkey", "TR"},
    {"turkiye", "TR"},
    {"tuerkiye", "TR"},
    {"tr", "TR"},
    {"germany", "DE"},
    {"deutschland", "DE"},
    {"de", "DE"},
    {"canada", "CA"},
    {"france", "FR"},
    {"spain", "ES"},
    {"espana", "ES"},
    {"italy", "IT"},
    {"italia", "IT"},
    {"netherlands", "NL"},
    {"nederland", "NL"},
    {"austria", "AT"},
    {"osterreich", "AT"},
    {"oesterreich", "AT"},
    {"switzerland", "CH"},
    {"schweiz", "CH"},
    {"suisse", "CH"},
    {"ireland", "IE"},
    {"mexico", "MX"},
    {"australia", "AU"},
    {"belgium", "BE"},
    {"portugal", "PT"},
    {"poland", "PL"},
    {"polska", "PL"},
    {"sweden", "SE"},
    {"brazil", "BR"},
    {"brasil", "BR"},
    {"india", "IN"},
    {"russia", "RU"},
    {"greece", "GR"},
    {"cyprus", "CY"},
    {"new zealand", "NZ"},
};

constexpr NameCode kUsStates[] = {
    {"alabama", "AL"},        {"alaska", "AK"},         {"arizona", "AZ"},
    {"arkansas", "AR"},       {"california", "CA"},     {"colorado", "CO"},
    {"connecticut", "CT"},    {"delaware", "DE"},       {"district of columbia", "DC"},
    {"florida", "FL"},        {"georgia", "GA"},        {"hawaii", "HI"},
    {"idaho", "ID"},          {"illinois", "IL"},       {"indiana", "IN"},
    {"iowa", "IA"},           {"kansas", "KS"},         {"kentucky", "KY"},
    {"louisiana", "LA"},      {"maine", "ME"},          {"maryland", "MD"},
    {"massachusetts", "MA"},  {"michigan", "MI"},       {"minnesota", "MN"},
    {"mississippi", "MS"},    {"missouri", "MO"},       {"montana", "MT"},
    {"nebraska", "NE"},       {"nevada", "NV"},         {"new hampshire", "NH"},
    {"new jersey", "NJ"},     {"new mexico", "NM"},     {"new york", "NY"},
    {"north carolina", "NC"}, {"north dakota", "ND"},   {"ohio", "OH"},
    {"oklahoma", "OK"},       {"oregon", "OR"},         {"pennsylvania", "PA"},
    {"rhode island", "RI"},   {"south carolina", "SC"}, {"south dakota", "SD"},
    {"tennessee", "TN"},      {"texas", "TX"},          {"utah", "UT"},
    {"vermont", "VT"},        {"virginia", "VA"},       {"washington", "WA"},
    {"west virginia", "WV"},  {"wisconsin", "WI"},      {"wyoming", "WY"},
    {"puerto rico", "PR"},
};

constexpr NameCode kCaProvinces[] = {
    {"alberta", "AB"},       {"british columbia", "BC"},          {"manitoba", "MB"},
    {"new brunswick", "NB"}, {"newfoundland and labrador", "NL"}, {"nova scotia", "NS"},
    {"ontario", "ON"},       {"prince edward island", "PE"},      {"quebec", "QC"},
    {"saskatchewan", "SK"},  {"northwest territories", "NT"},     {"nunavut", "NU"},
    {"yukon", "YT"},
};

// Turkish provinces to their plate codes (Odoo's res.country.state codes for TR).
constexpr NameCode kTrProvinces[] = {
    {"adana", "01"},     {"ankara", "06"},  {"antalya", "07"},   {"aydin", "09"},
    {"balikesir", "10"}, {"bursa", "16"},   {"denizli", "20"},   {"diyarbakir", "21"},
    {"edirne", "22"},    {"erzurum", "25"}, {"eskisehir", "26"}, {"gaziantep", "27"},
    {"hatay", "31"},     {"mersin", "33"},  {"istanbul", "34"},  {"izmir", "35"},
    {"kayseri", "38"},   {"kocaeli", "41"}, {"konya", "42"},     {"malatya", "44"},
    {"manisa", "45"},    {"mugla", "48"},   {"sakarya", "54"},   {"samsun", "55"},
    {"tekirdag", "59"},  {"trabzon", "61"}, {"van", "65"},
};

const char* LookupTable(const NameCode* begin, const NameCode* end, const std::string& key) {
  for (const NameCode* p = begin; p != end; ++p) {
    if (key == p->name) return p->code;
  }
  return nullptr;
}

std::string Spaced(std::string_view s) {
  std::string k = FoldKey(s);
  std::replace(k.begin(), k.end(), '_', ' ');
  return k;
}

std::optional<std::string> CountryFromText(const std::string& text) {
  std::string k = Spaced(text);
  if (const char* c = LookupTable(std::begin(kCountries), std::end(kCountries), k)) return c;
  return std::nullopt;
}

bool IsUsStateCode(const std::string& s) {
  for (const NameCode& n : kUsStates) {
    if (s == n.code) return true;
  }
  return false;
}

bool IsCaProvinceCode(const std::string& s) {
  for (const NameCode& n : kCaProvinces) {
    if (s == n.code) return true;
  }
  return false;
}

// State code from a name or code for the country ("" when not recognised).
std::string StateFor(const std::string& country, const std::string& text) {
  std::string k = Spaced(text);
  std::string up = ToUpperUtf8(TrimCopy(text));
  if (!up.empty() && up.back() == '.') up.pop_back();
  if (country == "US") {
    if (IsUsStateCode(up)) return up;
    if (const char* c = LookupTable(std::begin(kUsStates), std::end(kUsStates), k)) return c;
  } else if (country == "CA") {
    if (IsCaProvinceCode(up)) return up;
    if (const char* c = LookupTable(std::begin(kCaProvinces), std::end(kCaProvinces), k)) return c;
  } else if (country == "TR") {
    if (const char* c = LookupTable(std::begin(kTrProvinces), std::end(kTrProvinces), k)) return c;
  }
  return "";
}

bool AllDigits(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool IsUsZip(const std::string& s) {
  if (s.size() == 5) return AllDigits(s);
  if (s.size() == 10 && s[5] == '-') return AllDigits(s.substr(0, 5)) && AllDigits(s.substr(6));
  if (s.size() == 9) return AllDigits(s);
  return false;
}

bool IsCaPostal(const std::string& s) {
  std::string t;
  for (char c : s) {
    if (c != ' ') t.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (t.size() != 6) return false;
  for (int i = 0; i < 6; ++i) {
    bool want_alpha = i % 2 == 0;
    if (want_alpha != (std::isalpha(static_cast<unsigned char>(t[i])) != 0)) return false;
    if (!want_alpha && !std::isdigit(static_cast<unsigned char>(t[i]))) return false;
  }
  return true;
}

std::string FormatCaPostal(const std::string& s) {
  std::string t;
  for (char c : s) {
    if (c != ' ') t.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return t.substr(0, 3) + " " + t.substr(3);
}

// UK postcode: outward (A9, A99, AA9, AA99, A9A, AA9A) + inward (9AA).
bool IsUkPostcode(const std::string& s) {
  std::string t;
  for (char c : s) {
    if (c != ' ') t.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (t.size() < 5 || t.size() > 7) return false;
  std::string in = t.substr(t.size() - 3), out = t.substr(0, t.size() - 3);
  if (!std::isdigit(static_cast<unsigned char>(in[0])) ||
      !std::isalpha(static_cast<unsigned char>(in[1])) ||
      !std::isalpha(static_cast<unsigned char>(in[2]))) {
    return false;
  }
  if (!std::isalpha(static_cast<unsigned char>(out[0]))) return false;
  bool has_digit = false;
  for (char c : out) has_digit |= std::isdigit(static_cast<unsigned char>(c)) != 0;
  return has_digit &&
         std::all_of(out.begin(), out.end(), [](unsigned char c) { return std::isalnum(c); });
}

std::string FormatUkPostcode(const std::string& s) {
  std::string t;
  for (char c : s) {
    if (c != ' ') t.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return t.substr(0, t.size() - 3) + " " + t.substr(t.size() - 3);
}

std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  for (const std::string& w : Split(s, ' ')) {
    if (!w.empty()) out.push_back(w);
  }
  return out;
}

std::string JoinWords(const std::vector<std::string>& w, size_t b, size_t e) {
  std::string out;
  for (size_t i = b; i < e; ++i) out += (out.empty() ? "" : " ") + w[i];
  return out;
}

std::string StripTrailingComma(std::string s) {
  while (!s.empty() && (s.back() == ',' || s.back() == ' ')) s.pop_back();
  return s;
}

// Parses the locality line(s) ("Springfield, IL 62704", "10115 Berlin", "Toronto ON M5V 2T6",
// "34710 Kadıköy/İstanbul") into city/state/zip. Returns false when it is not a locality line.
bool ParseLocality(const std::string& line, std::string* country, PostalAddress* a) {
  std::string l = CollapseSpaces(line);
  std::vector<std::string> w = Words(l);
  if (w.empty()) return false;
  // UK: postcode at the end (possibly alone on its line).
  if (w.size() == 1 && IsUkPostcode(w[0]) && (*country == "GB" || country->empty())) {
    a->zip = FormatUkPostcode(w[0]);
    *country = "GB";
    return true;
  }
  if (w.size() >= 2 && IsUkPostcode(w[w.size() - 2] + w.back()) &&
      (*country == "GB" || country->empty())) {
    a->zip = FormatUkPostcode(w[w.size() - 2] + w.back());
    a->city = StripTrailingComma(JoinWords(w, 0, w.size() - 2));
    *country = "GB";
    return true;
  }
  // Canada: "City ON A1A 1A1" / "City, ON A1A1A1".
  if (w.size() >= 2) {
    std::string last2 = w.size() >= 2 ? w[w.size() - 2] + w.back() : "";
    size_t zip_words = 0;
    if (IsCaPostal(last2) && w[w.size() - 2].size() == 3) {
      zip_words = 2;
    } else if (IsCaPostal(w.back())) {
      zip_words = 1;
    }
    if (zip_words > 0 && (*country == "CA" || country->empty() || *country == "US")) {
      a->zip = FormatCaPostal(zip_words == 2 ? last2 : w.back());
      size_t end = w.size() - zip_words;
      if (end >= 1 && IsCaProvinceCode(ToUpperUtf8(StripTrailingComma(w[end - 1])))) {
        a->state_code = ToUpperUtf8(StripTrailingComma(w[end - 1]));
        --end;
      }
      a->city = StripTrailingComma(JoinWords(w, 0, end));
      *country = "CA";
      return true;
    }
  }
  // Australia: "SUBURB STATE 2000" (four-digit postcode after the state abbreviation).
  if (w.size() >= 3 && w.back().size() == 4 && AllDigits(w.back()) &&
      (country->empty() || *country == "AU")) {
    std::string st = ToUpperUtf8(StripTrailingComma(w[w.size() - 2]));
    static const char* kAuStates[] = {"NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT", "NT"};
    for (const char* code : kAuStates) {
      if (st != code) continue;
      a->zip = w.back();
      a->state_code = st;
      a->city = StripTrailingComma(JoinWords(w, 0, w.size() - 2));
      *country = "AU";
      return true;
    }
  }
  // US: "... ST 12345" or "... State Name 12345-6789".
  if (IsUsZip(w.back()) && (*country == "US" || country->empty())) {
    a->zip = w.back();
    size_t end = w.size() - 1;
    std::string st;
    if (end >= 1) st = StateFor("US", StripTrailingComma(w[end - 1]));
    if (!st.empty()) {
      a->state_code = st;
      --end;
    } else if (end >= 2) {
      st = StateFor("US", StripTrailingComma(w[end - 2] + " " + w[end - 1]));
      if (!st.empty()) {
        a->state_code = st;
        end -= 2;
      }
    }
    if (!a->state_code.empty() || *country == "US") {
      a->city = StripTrailingComma(JoinWords(w, 0, end));
      *country = "US";
      return true;
    }
    a->state_code.clear();
    a->zip.clear();
  }
  // Zip first: "10115 Berlin", "34710 Kadıköy/İstanbul", "75001 Paris".
  if (AllDigits(w[0]) && (w[0].size() == 4 || w[0].size() == 5) && w.size() >= 2) {
    a->zip = w[0];
    std::string rest = JoinWords(w, 1, w.size());
    size_t slash = rest.find('/');
    std::string c = *country;
    if (slash != std::string::npos) {
      // Turkish "district/province": the province is the city Odoo knows; the district goes to
      // street2 when it is not already there.
      std::string district = TrimCopy(rest.substr(0, slash));
      std::string province = TrimCopy(rest.substr(slash + 1));
      a->city = province;
      if (c.empty() || c == "TR") a->state_code = StateFor("TR", province);
      if (!district.empty()) a->street2 = a->street2.empty() ? district : a->street2;
      if (c.empty() && !a->state_code.empty()) *country = "TR";
    } else {
      a->city = rest;
      if ((c.empty() || c == "TR")) {
        std::string st = StateFor("TR", rest);
        if (!st.empty() && w[0].size() == 5) {
          a->state_code = st;
          if (c.empty()) *country = "TR";
        }
      }
    }
    return true;
  }
  // "City, ST" without zip (US), or "City ON" (CA).
  if (w.size() >= 2 && (*country == "US" || *country == "CA" || country->empty())) {
    std::string st = StateFor(country->empty() ? "US" : *country, StripTrailingComma(w.back()));
    if (!st.empty() && w.back().size() <= 3) {
      a->state_code = st;
      a->city = StripTrailingComma(JoinWords(w, 0, w.size() - 1));
      if (country->empty()) *country = "US";
      return true;
    }
  }
  // Turkish "Kadıköy/İstanbul" or "İstanbul 34710".
  if (l.find('/') != std::string::npos) {
    size_t slash = l.find('/');
    std::string province = TrimCopy(l.substr(slash + 1));
    std::vector<std::string> pw = Words(province);
    if (!pw.empty() && AllDigits(pw.back()) && pw.back().size() == 5) {
      a->zip = pw.back();
      province = JoinWords(pw, 0, pw.size() - 1);
    }
    std::string st = StateFor("TR", province);
    if (!st.empty()) {
      a->city = province;
      a->state_code = st;
      a->street2 = TrimCopy(l.substr(0, slash));
      *country = "TR";
      return true;
    }
  }
  if (AllDigits(w.back()) && (w.back().size() == 5 || w.back().size() == 4) && w.size() >= 2) {
    a->zip = w.back();
    a->city = StripTrailingComma(JoinWords(w, 0, w.size() - 1));
    std::string st = StateFor("TR", a->city);
    if (!st.empty() && (country->empty() || *country == "TR")) {
      a->state_code = st;
      *country = "TR";
    }
    return true;
  }
  return false;
}

}  // namespace

StatusOr<PostalAddress> ParseAddress(std::string_view text, std::string_view default_country) {
  std::vector<std::string> parts;
  std::vector<std::string> lines = SplitLines(text);
  size_t nonempty = 0;
  for (const std::string& l : lines) nonempty += CollapseSpaces(l).empty() ? 0 : 1;
  if (nonempty <= 1) {
    // One line: commas separate the parts ("12 Main St, Apt 4, Springfield, IL 62704").
    std::string one = CollapseSpaces(text);
    for (const std::string& p : Split(one, ',')) {
      std::string t = CollapseSpaces(p);
      if (!t.empty()) parts.push_back(t);
    }
  } else {
    for (const std::string& l : lines) {
      std::string t = StripTrailingComma(CollapseSpaces(l));
      if (!t.empty()) parts.push_back(t);
    }
  }
  if (parts.empty()) return Reason("empty address");
  PostalAddress a;
  std::string country;
  if (parts.size() >= 2) {
    if (std::optional<std::string> c = CountryFromText(parts.back())) {
      // "CA"/"DE" alone are US state codes first when a US zip precedes them.
      country = *c;
      parts.pop_back();
    }
  }
  // A trailing "ST 12345" part after a comma-separated city: "Springfield, IL 62704".
  int loc = -1;
  for (int i = static_cast<int>(parts.size()) - 1; i >= 1 && loc < 0; --i) {
    PostalAddress probe;
    std::string c = country;
    // Try the part alone, then joined with the part before (city on its own part).
    if (ParseLocality(parts[i], &c, &probe)) {
      if (probe.city.empty() && i >= 2) {
        probe.city = parts[i - 1];
        a = probe;
        country = c;
        loc = i - 1;
        break;
      }
      if (probe.city.empty()) continue;
      a = probe;
      country = c;
      loc = i;
    }
  }
  if (loc < 0) {
    // No locality recognised: the last part is taken as the city when there are 2+ parts.
    if (parts.size() < 2) return Reason("address has no recognisable city line");
    a.city = parts.back();
    loc = static_cast<int>(parts.size()) - 1;
  }
  std::string district = a.street2;
  a.street2.clear();
  if (loc >= 1) a.street = parts[0];
  std::string street2;
  for (int i = 1; i < loc; ++i) street2 += (street2.empty() ? "" : ", ") + parts[i];
  if (!district.empty() && street2.find(district) == std::string::npos) {
    street2 += (street2.empty() ? "" : ", ") + district;
  }
  a.street2 = street2;
  if (loc == 0) return Reason("address has no street line");
  a.country_code = country.empty() ? std::string(default_country) : country;
  if (a.state_code.empty() && a.country_code == "US" && !a.city.empty()) {
    // "Springfield IL" with no zip was handled above; nothing else to infer.
  }
  return a;
}

StatusOr<Json> AddressPart(const Json& value, const Json& args) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  std::string part = args.is_object() ? args.value("part", std::string("street")) : "street";
  std::string country = args.is_object() ? args.value("country", std::string("US")) : "US";
  BW_ASSIGN_OR_RETURN(PostalAddress a, ParseAddress(*s, country));
  std::string out;
  if (part == "street") {
    out = a.street;
  } else if (part == "street2") {
    out = a.street2;
  } else if (part == "city") {
    out = a.city;
  } else if (part == "state" || part == "state_code") {
    out = a.state_code;
  } else if (part == "zip") {
    out = a.zip;
  } else if (part == "country" || part == "country_code") {
    out = a.country_code;
  } else if (part == "country_state") {
    // "US/IL": the key Odoo connectors resolve res.country.state by (state within country).
    if (!a.state_code.empty()) out = a.country_code + "/" + a.state_code;
  } else {
    return Reason("unknown address part " + part);
  }
  if (out.empty()) return Json();
  return Json(out);
}

StatusOr<Json> CountryCode(const Json& value, const Json&) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  std::string up = ToUpperUtf8(TrimCopy(*s));
  if (std::optional<std::string> c = CountryFromText(*s)) return Json(*c);
  if (up.size() == 2 && std::isalpha(static_cast<unsigned char>(up[0])) &&
      std::isalpha(static_cast<unsigned char>(up[1]))) {
    return Json(up);
  }
  return Reason("unknown country");
}

StatusOr<Json> StateCode(const Json& value, const Json& args) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  std::string country = args.is_object() ? args.value("country", std::string("US")) : "US";
  std::string st = StateFor(country, *s);
  if (st.empty()) return Reason("unknown state or province");
  return Json(st);
}

}  // namespace bridgework::mapping
