// Small UTF-8 text helpers shared by the transforms, the diff and the proposer. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/record.h"
#include "common/text.h"

namespace bridgework::mapping {

// Trims ASCII and Unicode spaces (NBSP, BOM, ...) at both ends and collapses inner runs of
// spaces/tabs to one space; line breaks are kept when `keep_lines` (each line trimmed).
std::string CollapseSpaces(std::string_view text, bool keep_lines = false);
std::string TrimCopy(std::string_view text);
// Lower/upper case for ASCII, Latin-1, Latin Extended-A (Turkish İ/ı, Ş/ş, Ğ/ğ), Greek and
// Cyrillic; other characters are left as they are.
std::string ToLowerUtf8(std::string_view text);
std::string ToUpperUtf8(std::string_view text);
// Folds to a comparable ASCII key: lower case, accents removed (é->e, ş->s, ı->i, ß->ss),
// anything else that is not a letter or digit becomes a single '_'.
std::string FoldKey(std::string_view text);
// Code points of a UTF-8 string (invalid bytes become U+FFFD).
std::vector<char32_t> DecodeUtf8(std::string_view text);
std::string EncodeUtf8(const std::vector<char32_t>& cps);
using ::bridgework::AppendUtf8;  // common/text.h
bool IsValidUtf8(std::string_view text);
// Splits on `sep` (every occurrence), keeping empty parts.
std::vector<std::string> Split(std::string_view text, char sep);
std::vector<std::string> SplitLines(std::string_view text);
bool IEquals(std::string_view a, std::string_view b);  // ASCII case-insensitive
bool StartsWith(std::string_view s, std::string_view prefix);
// The text of a scalar JSON value (numbers without trailing zeros, booleans as true/false);
// null for null.
std::optional<std::string> ScalarText(const Json& value);
// An InvalidArgument Status for a transform failure; never include the value.
Status Reason(std::string reason);

}  // namespace bridgework::mapping
