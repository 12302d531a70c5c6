// Person names: split and join. Handles "Last, First M.", prefixes (Dr., Mr., Mrs., Prof.,
// Herr, Frau, Bay, Bayan), suffixes (Jr., III, DDS, DMD, MD, PhD), surname particles (van, von,
// de, bin, al-), and non-Latin names: Cyrillic and Turkish names in Latin order, CJK and Hangul
// names family-name first, Arabic "Abd al-" compounds kept together.
#include <algorithm>

#include "mapping/text_util.h"
#include "mapping/transforms.h"

namespace bridgework::mapping {
namespace {

bool IsPrefix(const std::string& token) {
  static const char* kPrefixes[] = {"dr",   "mr",   "mrs",  "ms",  "miss",  "mx",  "prof",
                                    "rev",  "herr", "frau", "bay", "bayan", "sr",  "sra",
                                    "srta", "mme",  "mlle", "sir", "dame",  "doc", "dra"};
  std::string k = FoldKey(token);
  for (const char* p : kPrefixes) {
    if (k == p) return true;
  }
  return false;
}

bool IsSuffix(const std::string& token) {
  static const char* kSuffixes[] = {"jr",  "sr",  "ii",  "iii", "iv",  "v",   "dds", "dmd",
                                    "md",  "phd", "rdh", "do",  "esq", "rn",  "np",  "pa",
                                    "msd", "ms",  "mba", "dvm", "od",  "cpa", "2nd", "3rd"};
  std::string k = FoldKey(token);
  for (const char* s : kSuffixes) {
    if (k == s) return true;
  }
  return false;
}

bool IsParticle(const std::string& token) {
  static const char* kParticles[] = {"van", "von", "de",  "da",  "del",  "della", "der", "di",
                                     "du",  "la",  "le",  "bin", "ibn",  "al",    "el",  "dos",
                                     "das", "ter", "ten", "zu",  "bint", "st"};
  std::string k = FoldKey(token);
  for (const char* p : kParticles) {
    if (k == p) return true;
  }
  return false;
}

bool IsCjk(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x3040 && c <= 0x30FF) || (c >= 0xAC00 && c <= 0xD7AF) ||
         (c >= 0xF900 && c <= 0xFAFF);
}

bool AllCjk(const std::string& s) {
  std::vector<char32_t> cps = DecodeUtf8(s);
  if (cps.empty()) return false;
  return std::all_of(cps.begin(), cps.end(), [](char32_t c) { return IsCjk(c) || c == 0x30FB; });
}

bool IsArabicScript(const std::string& s) {
  for (char32_t c : DecodeUtf8(s)) {
    if (c >= 0x0600 && c <= 0x06FF) return true;
  }
  return false;
}

std::vector<std::string> Tokens(const std::string& s) {
  std::vector<std::string> out;
  for (const std::string& t : Split(s, ' ')) {
    if (!t.empty()) out.push_back(t);
  }
  return out;
}

std::string JoinTokens(const std::vector<std::string>& t, size_t b, size_t e) {
  std::string out;
  for (size_t i = b; i < e && i < t.size(); ++i) {
    if (!out.empty()) out += " ";
    out += t[i];
  }
  return out;
}

// Given names then family name, no comma: "First Middle Last".
void ParseGivenFirst(std::vector<std::string> t, PersonName* n) {
  while (!t.empty() && IsPrefix(t.front()) && t.size() > 1) {
    n->prefix += (n->prefix.empty() ? "" : " ") + t.front();
    t.erase(t.begin());
  }
  std::vector<std::string> suffixes;
  while (t.size() > 1 && IsSuffix(t.back())) {
    std::string s = t.back();
    if (!s.empty() && s.back() == ',') s.pop_back();
    suffixes.insert(suffixes.begin(), s);
    t.pop_back();
  }
  for (auto& tok : t) {
    if (!tok.empty() && tok.back() == ',') tok.pop_back();
  }
  n->suffix = JoinTokens(suffixes, 0, suffixes.size());
  if (t.empty()) return;
  if (t.size() == 1) {
    if (AllCjk(t[0])) {
      // Chinese/Korean names written without a space: the family name is the first character.
      std::vector<char32_t> cps = DecodeUtf8(t[0]);
      if (cps.size() >= 2 && cps.size() <= 4) {
        n->last = EncodeUtf8({cps[0]});
        n->first = EncodeUtf8(std::vector<char32_t>(cps.begin() + 1, cps.end()));
        return;
      }
    }
    n->last = t[0];
    return;
  }
  if (std::all_of(t.begin(), t.end(), AllCjk)) {
    n->last = t[0];  // family name first
    n->first = JoinTokens(t, 1, t.size());
    return;
  }
  // Family name: the last token plus any particles right before it ("van der Berg").
  size_t last_start = t.size() - 1;
  while (last_start > 1 && IsParticle(t[last_start - 1])) --last_start;
  // Arabic "Abd al-Rahman" / "عبد الله": "Abd" belongs to the following given name.
  size_t first_end = 1;
  std::string f0 = FoldKey(t[0]);
  if ((f0 == "abd" || f0 == "abdul" || f0 == "abdel" || f0 == "abu" || t[0] == "عبد") &&
      last_start > 1) {
    first_end = 2;
  }
  n->first = JoinTokens(t, 0, first_end);
  n->middle = JoinTokens(t, first_end, last_start);
  n->last = JoinTokens(t, last_start, t.size());
  if (n->middle.empty() && IsArabicScript(n->first) && n->last.empty()) n->last = n->first;
}

}  // namespace

PersonName ParseName(std::string_view text) {
  PersonName n;
  std::string s = CollapseSpaces(text);
  if (s.empty()) return n;
  size_t comma = s.find(',');
  if (comma != std::string::npos) {
    std::string left = TrimCopy(s.substr(0, comma));
    std::string right = TrimCopy(s.substr(comma + 1));
    std::vector<std::string> rt = Tokens(right);
    bool right_is_suffix =
        !rt.empty() && std::all_of(rt.begin(), rt.end(), [](const std::string& tok) {
          std::string t = tok;
          if (!t.empty() && t.back() == ',') t.pop_back();
          return IsSuffix(t);
        });
    if (right_is_suffix || left.empty() || right.empty()) {
      // "John Smith, DDS" or a stray comma.
      std::vector<std::string> t = Tokens(left + " " + right);
      ParseGivenFirst(t, &n);
      return n;
    }
    // "Last, First M." / "Last Jr., Dr. First M." / "Last, First, Jr."
    std::vector<std::string> lt = Tokens(left);
    while (lt.size() > 1 && IsSuffix(lt.back())) {
      n.suffix = lt.back() + (n.suffix.empty() ? "" : " " + n.suffix);
      lt.pop_back();
    }
    n.last = JoinTokens(lt, 0, lt.size());
    size_t comma2 = right.find(',');
    if (comma2 != std::string::npos) {
      std::string sfx = TrimCopy(right.substr(comma2 + 1));
      right = TrimCopy(right.substr(0, comma2));
      n.suffix = n.suffix.empty() ? sfx : n.suffix + " " + sfx;
      rt = Tokens(right);
    }
    while (!rt.empty() && rt.size() > 1 && IsPrefix(rt.front())) {
      n.prefix += (n.prefix.empty() ? "" : " ") + rt.front();
      rt.erase(rt.begin());
    }
    while (rt.size() > 1 && IsSuffix(rt.back())) {
      n.suffix = rt.back() + (n.suffix.empty() ? "" : " " + n.suffix);
      rt.pop_back();
    }
    if (!rt.empty()) {
      n.first = rt[0];
      n.middle = JoinTokens(rt, 1, rt.size());
    }
    return n;
  }
  ParseGivenFirst(Tokens(s), &n);
  return n;
}

std::string FormatName(const PersonName& n) {
  std::vector<std::string> parts;
  bool family_first = AllCjk(n.last) && (n.first.empty() || AllCjk(n.first));
  if (family_first) {
    // CJK names read family name first; no space when both parts are Han/Kana written solid.
    return n.last + n.first;
  }
  for (const std::string* p : {&n.prefix, &n.first, &n.middle, &n.last}) {
    if (!p->empty()) parts.push_back(*p);
  }
  std::string out = JoinTokens(parts, 0, parts.size());
  if (!n.suffix.empty()) out += (out.empty() ? "" : " ") + n.suffix;
  return out;
}

// Joins the listed parts in `from` order, skipping empty ones; with {format: "last_first"} the
// first element is taken as the family name and written last.
StatusOr<Json> NameJoin(const Json& value, const Json& args) {
  if (value.is_null()) return Json();
  if (!value.is_array()) {
    std::optional<std::string> s = ScalarText(value);
    return Json(FormatName(ParseName(*s)));
  }
  std::vector<std::string> parts;
  for (const Json& v : value) {
    std::optional<std::string> s = ScalarText(v);
    if (s) {
      std::string t = CollapseSpaces(*s);
      if (!t.empty()) parts.push_back(t);
    }
  }
  if (parts.empty()) return Json();
  std::string format = args.is_object() ? args.value("format", std::string()) : "";
  if (format == "last_first" && parts.size() >= 2) {
    std::rotate(parts.begin(), parts.begin() + 1, parts.end());
  }
  bool cjk = std::all_of(parts.begin(), parts.end(), AllCjk);
  if (cjk && format != "last_first") {
    std::string out;
    for (const auto& p : parts) out += p;
    return Json(out);
  }
  return Json(JoinTokens(parts, 0, parts.size()));
}

StatusOr<Json> NameSplit(const Json& value, const Json& args) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  std::string part = args.is_object() ? args.value("part", std::string("first")) : "first";
  PersonName n = ParseName(*s);
  std::string out;
  if (part == "first") {
    out = n.first;
  } else if (part == "middle") {
    out = n.middle;
  } else if (part == "last") {
    out = n.last;
  } else if (part == "prefix") {
    out = n.prefix;
  } else if (part == "suffix") {
    out = n.suffix;
  } else if (part == "given") {
    out = n.middle.empty() ? n.first : n.first + " " + n.middle;
  } else {
    return Reason("unknown name part " + part);
  }
  if (out.empty()) return Json();
  return Json(out);
}

StatusOr<Json> NameNormalize(const Json& value, const Json&) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  std::string out = FormatName(ParseName(*s));
  if (out.empty()) return Json();
  return Json(out);
}

}  // namespace bridgework::mapping
