#include "common/ids.h"

#include <gtest/gtest.h>

#include <set>

namespace bridgework {
namespace {

TEST(IdsTest, UuidV5MatchesRfcReferenceVector) {
  // Python: uuid.uuid5(uuid.NAMESPACE_DNS, "python.org")
  EXPECT_EQ(UuidV5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "python.org"),
            "886313e1-3b8a-5372-9b90-0c9aee199e5d");
}

TEST(IdsTest, RecordUuidIsStablePerMigrationAndKey) {
  EXPECT_EQ(RecordUuid("m1", "patients/7/person"), RecordUuid("m1", "patients/7/person"));
  EXPECT_NE(RecordUuid("m1", "patients/7/person"), RecordUuid("m2", "patients/7/person"));
  EXPECT_NE(RecordUuid("m1", "patients/7/person"), RecordUuid("m1", "patients/8/person"));
}

TEST(IdsTest, SafeExternalNameUsesOnlyOdooSafeCharactersAndNeverCollides) {
  std::set<std::string> seen;
  for (const char* key : {"patients/P-17/partner", "patients/p_17/partner", "patients/P 17/partner",
                          "patients/Ünal/partner", "patients/P-17/lead"}) {
    std::string name = SafeExternalName(key);
    for (char c : name) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') << name;
    }
    EXPECT_TRUE(seen.insert(name).second) << name;
  }
}

TEST(IdsTest, Sha256OfEmptyString) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace bridgework
