#include <gtest/gtest.h>

#include "cli/delta/deleted_records.h"

namespace bridgework::cli::delta {
namespace {

TEST(DeletedRecords, ParsesKeysWhoseIdsHoldSlashes) {
  auto k = ParseTargetKey("notes/2024/03/17/record");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->object, "notes");
  EXPECT_EQ(k->source_id, "2024/03/17");
  EXPECT_EQ(k->target, "record");
  EXPECT_FALSE(ParseTargetKey("patients/p-1"));
  EXPECT_FALSE(ParseTargetKey("nokey"));
  EXPECT_FALSE(ParseTargetKey("/p-1/partner"));
}

TEST(DeletedRecords, ListsMappedIdsTheSourceNoLongerHas) {
  std::vector<std::string> keys = {"patients/p-1/partner", "patients/p-1/lead",
                                   "patients/p-2/partner", "patients/p-3/partner",
                                   "notes/n-1/message",    "carriers/c-1/partner"};
  std::map<std::string, std::set<std::string>> current = {{"patients", {"p-1", "p-3", "p-9"}},
                                                          {"notes", {}}};
  auto gone = FindDeletedInSource(keys, current);
  ASSERT_EQ(gone.size(), 2u);
  EXPECT_EQ(gone["patients"], std::vector<std::string>({"p-2"}));  // once, not per target
  EXPECT_EQ(gone["notes"], std::vector<std::string>({"n-1"}));
  EXPECT_FALSE(gone.count("carriers"));  // not scanned: not judged
}

TEST(DeletedRecords, NothingGoneWhenEverythingIsStillThere) {
  EXPECT_TRUE(FindDeletedInSource({"patients/p-1/partner"}, {{"patients", {"p-1"}}}).empty());
}

}  // namespace
}  // namespace bridgework::cli::delta
