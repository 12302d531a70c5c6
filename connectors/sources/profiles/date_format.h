// Dates and times as vendors write them, to and from one civil time in UTC.
//
// A format is either a pattern of tokens YYYY MM DD HH mm ss with literal characters between
// them ("MM/DD/YYYY", "DD.MM.YYYY HH:mm"), or one of the names "iso8601" (2024-03-01,
// 2024-03-01T10:00:00Z, with optional fraction and offset), "epoch" (seconds) or "epoch_ms".
// Parsing refuses dates that do not exist (02/30/2019) so that callers can report them.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bridgework::sources {

struct CivilTime {
  int year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
};

bool IsValidCivil(const CivilTime& t);
int64_t ToEpochSeconds(const CivilTime& t);
CivilTime FromEpochSeconds(int64_t seconds);

// Parses `text` per `format`; nullopt when it does not match or the date does not exist.
std::optional<CivilTime> ParseTime(std::string_view text, std::string_view format);
// Writes `t` per `format`. Does not check validity (gen-sample writes impossible dates on purpose).
std::string FormatTime(const CivilTime& t, std::string_view format);
// "2024-03-01T10:00:00Z".
std::string ToIso(const CivilTime& t);
// Normalises an ISO-8601 text to ToIso form; empty when it is not one.
std::string NormalizeIso(std::string_view text);

}  // namespace bridgework::sources
