// Calendar arithmetic and UTC timestamps in the forms the project writes: ISO-8601 with 'Z' for
// reports and watermarks, and the compact "YYYYMMDDTHHMMSSZ" that starts run ids (so run folders
// sort by time). Pure functions of their arguments, except the *Now helpers; thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace bridgework {

// Days from 1970-01-01 to the civil date (proleptic Gregorian; Howard Hinnant's algorithm).
// Does not check the date: callers validate month and day first.
int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day);

// "2026-11-25T14:03:07Z" for seconds since the epoch.
std::string FormatIsoUtc(int64_t epoch_seconds);
// "20261125T140307Z".
std::string FormatCompactUtc(int64_t epoch_seconds);

// The same for the wall clock now.
std::string IsoUtcNow();
std::string CompactUtcNow();

}  // namespace bridgework
