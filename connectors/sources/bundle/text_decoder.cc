#include "connectors/sources/bundle/text_decoder.h"

#include <cstdint>

#include "common/text.h"

namespace bridgework::sources {
namespace {

// Windows-1252 bytes 0x80..0x9F; 0 marks the five undefined bytes (0x81 0x8D 0x8F 0x90 0x9D).
constexpr uint16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

}  // namespace

bool IsValidUtf8(std::string_view s, size_t* bad_offset) {
  size_t i = 0;
  while (i < s.size()) {
    // Fast path over ASCII.
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    size_t n = DecodeUtf8At(s, i, &cp);
    if (n == 0) {
      *bad_offset = i;
      return false;
    }
    i += n;
  }
  return true;
}

bool DecodeToUtf8(std::string_view in, Encoding encoding, std::string* out, size_t* bad_offset) {
  switch (encoding) {
    case Encoding::kUtf8:
    case Encoding::kUtf8Bom:
      if (!IsValidUtf8(in, bad_offset)) return false;
      out->append(in);
      return true;
    case Encoding::kLatin1:
      for (unsigned char c : in) AppendUtf8(c, out);
      return true;
    case Encoding::kWindows1252:
      for (size_t i = 0; i < in.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(in[i]);
        if (c < 0x80 || c >= 0xA0) {
          AppendUtf8(c, out);
        } else if (uint16_t cp = kCp1252High[c - 0x80]; cp != 0) {
          AppendUtf8(cp, out);
        } else {
          *bad_offset = i;
          return false;
        }
      }
      return true;
  }
  return false;
}

std::string EncodeFromUtf8(std::string_view utf8, Encoding encoding) {
  if (encoding == Encoding::kUtf8 || encoding == Encoding::kUtf8Bom) return std::string(utf8);
  std::string out;
  out.reserve(utf8.size());
  size_t i = 0;
  while (i < utf8.size()) {
    char32_t cp;
    size_t n = DecodeUtf8At(utf8, i, &cp);
    if (n == 0) {
      out.push_back('?');
      ++i;
      continue;
    }
    i += n;
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) {
      out.push_back(static_cast<char>(cp));
      continue;
    }
    char mapped = '?';
    if (encoding == Encoding::kWindows1252) {
      for (int k = 0; k < 32; ++k) {
        if (kCp1252High[k] == cp) mapped = static_cast<char>(0x80 + k);
      }
    }
    out.push_back(mapped);
  }
  return out;
}

}  // namespace bridgework::sources
