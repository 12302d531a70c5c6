// Text primitives every layer needs the same way: HTML escaping for report pages, RFC 4180 CSV
// fields, and UTF-8 encoding/decoding of single code points. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bridgework {

// Escapes & < > " ' so the text is safe both in element content and in quoted attributes.
std::string HtmlEscape(std::string_view text);

// A CSV field, quoted (with inner quotes doubled) when it holds a comma, quote or line break.
std::string CsvField(std::string_view text);

// The bytes of standard base64 text (RFC 4648, padded; whitespace not allowed). InvalidArgument
// when it is not base64, without quoting it (it may be a patient's document).
StatusOr<std::string> DecodeBase64(std::string_view text);

// Appends the UTF-8 encoding of `cp` (a Unicode scalar value) to `out`.
void AppendUtf8(char32_t cp, std::string* out);

// Decodes the UTF-8 sequence starting at text[pos] into *cp and returns its length in bytes, or
// 0 when it is malformed: a stray continuation byte, a truncated or overlong sequence, a
// surrogate, or a value above U+10FFFF. Strict, so that undecodable input is reported, never
// passed on as if it were text.
size_t DecodeUtf8At(std::string_view text, size_t pos, char32_t* cp);

}  // namespace bridgework
