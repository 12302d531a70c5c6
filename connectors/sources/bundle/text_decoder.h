// Converts the bytes of one field from a bundle's encoding to UTF-8, refusing bytes that have no
// meaning in that encoding (so the reader can report the field instead of passing on garbage).
//
// Thread contract: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "connectors/sources/profiles/profile.h"

namespace bridgework::sources {

// Appends the UTF-8 form of `in` to *out. On failure returns false and sets *bad_offset to the
// offset in `in` of the first byte that cannot be decoded (*out is then unspecified).
bool DecodeToUtf8(std::string_view in, Encoding encoding, std::string* out, size_t* bad_offset);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates); else sets *bad_offset.
bool IsValidUtf8(std::string_view s, size_t* bad_offset);

// Encodes UTF-8 text into `encoding`; characters it cannot hold become '?'. (gen-sample)
std::string EncodeFromUtf8(std::string_view utf8, Encoding encoding);

}  // namespace bridgework::sources
