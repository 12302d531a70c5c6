#include "mapping/text_util.h"

#include <cstdint>

namespace bridgework::mapping {
namespace {

bool IsSpaceCp(char32_t c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == 0xA0 || c == 0xFEFF ||
         c == 0x2007 || c == 0x202F || (c >= 0x2000 && c <= 0x200B) || c == 0x3000;
}

char32_t LowerCp(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if ((c >= 0xC0 && c <= 0xDE) && c != 0xD7) return c + 32;
  if (c == 0x130) return 'i';  // İ -> i
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
      c != 0x17F) {
    bool odd_pairs = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_pairs) return (c % 2 == 1) ? c + 1 : c;
    return (c % 2 == 0) ? c + 1 : c;
  }
  if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) return c + 32;  // Greek
  if (c >= 0x410 && c <= 0x42F) return c + 32;                // Cyrillic А-Я
  if (c >= 0x400 && c <= 0x40F) return c + 80;                // Ѐ-Џ
  return c;
}

char32_t UpperCp(char32_t c) {
  if (c >= 'a' && c <= 'z') return c - 32;
  if ((c >= 0xE0 && c <= 0xFE) && c != 0xF7) return c - 32;
  if (c == 0x131) return 'I';  // ı -> I
  if (c >= 0x100 && c <= 0x17F && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 &&
      c != 0x17F) {
    bool odd_pairs = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
    if (odd_pairs) return (c % 2 == 0) ? c - 1 : c;
    return (c % 2 == 1) ? c - 1 : c;
  }
  if (c >= 0x3B1 && c <= 0x3CB && c != 0x3C2) return c - 32;
  if (c >= 0x430 && c <= 0x44F) return c - 32;
  if (c >= 0x450 && c <= 0x45F) return c - 80;
  return c;
}

// ASCII letters for accented Latin letters (base letter), for FoldKey.
const char* FoldCp(char32_t c) {
  switch (c) {
    case 0xDF:
      return "ss";
    case 0xE6:
    case 0xC6:
      return "ae";
    case 0xF8:
    case 0xD8:
      return "o";
    case 0x131:
    case 0x130:
      return "i";
    case 0x142:
    case 0x141:
      return "l";
    case 0x111:
    case 0x110:
      return "d";
    case 0x153:
    case 0x152:
      return "oe";
    default:
      break;
  }
  static const char* kLatin1 = "aaaaaaaceeeeiiiidnooooo/ouuuuyty";  // 0xE0..0xFF (lower case block)
  char32_t l = LowerCp(c);
  if (l >= 0xE0 && l <= 0xFF) {
    static thread_local char buf[2] = {0, 0};
    buf[0] = kLatin1[l - 0xE0];
    return buf;
  }
  if (l >= 0x100 && l <= 0x17F) {
    static const char* kExtA =
        "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiijjjjkkkllllllllllnnnnnnnnnoooooooorrrrrr"
        "s"
        "sssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
    static thread_local char buf[2] = {0, 0};
    buf[0] = kExtA[l - 0x100];
    return buf;
  }
  return nullptr;
}

}  // namespace

std::vector<char32_t> DecodeUtf8(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    char32_t cp;
    const size_t len = DecodeUtf8At(s, i, &cp);
    out.push_back(len == 0 ? char32_t{0xFFFD} : cp);  // one replacement per bad byte
    i += len == 0 ? 1 : len;
  }
  return out;
}

std::string EncodeUtf8(const std::vector<char32_t>& cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t c : cps) AppendUtf8(c, &out);
  return out;
}

bool IsValidUtf8(std::string_view s) {
  for (char32_t c : DecodeUtf8(s)) {
    if (c == 0xFFFD) return false;
  }
  return true;
}

std::string CollapseSpaces(std::string_view text, bool keep_lines) {
  std::string out;
  std::vector<char32_t> cps = DecodeUtf8(text);
  bool pending_space = false;
  std::string line;
  auto flush_line = [&](bool newline) {
    out += line;
    if (newline) out.push_back('\n');
    line.clear();
    pending_space = false;
  };
  for (char32_t c : cps) {
    if (c == '\n' || (c == '\r' && keep_lines)) {
      if (c == '\r') continue;
      if (keep_lines) {
        flush_line(true);
        continue;
      }
      c = ' ';
    }
    if (IsSpaceCp(c) || c == '\n') {
      if (!line.empty()) pending_space = true;
      continue;
    }
    if (pending_space) line.push_back(' ');
    pending_space = false;
    AppendUtf8(c, &line);
  }
  flush_line(false);
  if (keep_lines) {
    while (!out.empty() && out.back() == '\n') out.pop_back();
    size_t start = out.find_first_not_of('\n');
    out = start == std::string::npos ? std::string() : out.substr(start);
  }
  return out;
}

std::string TrimCopy(std::string_view text) {
  std::vector<char32_t> cps = DecodeUtf8(text);
  size_t b = 0, e = cps.size();
  auto space = [](char32_t c) { return IsSpaceCp(c) || c == '\n'; };
  while (b < e && space(cps[b])) ++b;
  while (e > b && space(cps[e - 1])) --e;
  return EncodeUtf8(std::vector<char32_t>(cps.begin() + b, cps.begin() + e));
}

std::string ToLowerUtf8(std::string_view text) {
  std::string out;
  for (char32_t c : DecodeUtf8(text)) AppendUtf8(LowerCp(c), &out);
  return out;
}

std::string ToUpperUtf8(std::string_view text) {
  std::string out;
  for (char32_t c : DecodeUtf8(text)) AppendUtf8(UpperCp(c), &out);
  return out;
}

std::string FoldKey(std::string_view text) {
  std::string out;
  bool sep = false;
  for (char32_t c : DecodeUtf8(text)) {
    char32_t l = LowerCp(c);
    std::string piece;
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) {
      piece.push_back(static_cast<char>(l));
    } else if (const char* f = FoldCp(c)) {
      std::string_view folded(f);
      if (folded != "/") piece.append(folded.data(), folded.size());
    } else if (l >= 0x80 && l != 0xFFFD && !IsSpaceCp(l) && !(l >= 0x2000 && l <= 0x206F)) {
      AppendUtf8(l, &piece);  // other scripts stay as they are
    }
    if (piece.empty()) {
      sep = !out.empty();
      continue;
    }
    if (sep) out.push_back('_');
    sep = false;
    out += piece;
  }
  return out;
}

std::vector<std::string> Split(std::string_view text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t pos = text.find(sep, start);
    if (pos == std::string_view::npos) {
      out.emplace_back(text.substr(start));
      return out;
    }
    out.emplace_back(text.substr(start, pos - start));
    start = pos + 1;
  }
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out.push_back(cur);
      cur.clear();
    } else if (c == '\n') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x += 32;
    if (y >= 'A' && y <= 'Z') y += 32;
    if (x != y) return false;
  }
  return true;
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.substr(0, prefix.size()) == prefix;
}

std::optional<std::string> ScalarText(const Json& value) {
  if (value.is_null()) return std::nullopt;
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number_unsigned()) return std::to_string(value.get<uint64_t>());
  if (value.is_number_float()) return value.dump();
  return value.dump();
}

Status Reason(std::string reason) { return InvalidArgument(std::move(reason)); }

}  // namespace bridgework::mapping
