// Calendar arithmetic and the UTC stamps written into reports, watermarks and run ids.
#include "common/civil_time.h"

#include <gtest/gtest.h>

namespace bridgework {
namespace {

TEST(CivilTimeTest, DaysFromCivilAcrossLeapYearsAndTheEpoch) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1) - DaysFromCivil(2000, 2, 28), 2);  // 2000 is leap
  EXPECT_EQ(DaysFromCivil(1900, 3, 1) - DaysFromCivil(1900, 2, 28), 1);  // 1900 is not
  EXPECT_EQ(DaysFromCivil(2026, 11, 25), 20782);
}

TEST(CivilTimeTest, FormatsIsoAndCompactUtc) {
  const int64_t t = DaysFromCivil(2026, 11, 25) * 86400 + 14 * 3600 + 3 * 60 + 7;
  EXPECT_EQ(FormatIsoUtc(t), "2026-11-25T14:03:07Z");
  EXPECT_EQ(FormatCompactUtc(t), "20261125T140307Z");
  EXPECT_EQ(IsoUtcNow().size(), 20u);
  EXPECT_EQ(CompactUtcNow().size(), 16u);
}

}  // namespace
}  // namespace bridgework
