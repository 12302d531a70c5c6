#include "common/civil_time.h"

#include <ctime>

namespace bridgework {
namespace {

std::string FormatUtc(int64_t epoch_seconds, const char* format) {
  const std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  const size_t n = std::strftime(buf, sizeof buf, format, &tm);
  return std::string(buf, n);
}

}  // namespace

int64_t DaysFromCivil(int64_t year, int64_t month, int64_t day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t yoe = year - era * 400;
  const int64_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string FormatIsoUtc(int64_t epoch_seconds) {
  return FormatUtc(epoch_seconds, "%Y-%m-%dT%H:%M:%SZ");
}

std::string FormatCompactUtc(int64_t epoch_seconds) {
  return FormatUtc(epoch_seconds, "%Y%m%dT%H%M%SZ");
}

std::string IsoUtcNow() { return FormatIsoUtc(static_cast<int64_t>(std::time(nullptr))); }

std::string CompactUtcNow() { return FormatCompactUtc(static_cast<int64_t>(std::time(nullptr))); }

}  // namespace bridgework
