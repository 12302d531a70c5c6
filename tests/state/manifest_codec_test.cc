// The Redis store's compact manifest values: every field survives, updates keep their prior
// values, odd text falls back to JSON, and values written as JSON by earlier versions still read.
#include "state/manifest_codec.h"

#include <gtest/gtest.h>

namespace bridgework::state {
namespace {

ManifestEntry Created() {
  ManifestEntry e;
  e.key = "appointments/A-17/event";
  e.model = "calendar.event";
  e.destination_id = "4711";
  e.action = WriteAction::kCreated;
  e.depth = 2;
  e.batch = "l/appointments/3/12";
  e.worker = "embedded-0";
  e.time_ms = 1764095000123;
  return e;
}

void ExpectSame(const ManifestEntry& a, const ManifestEntry& b) {
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.model, b.model);
  EXPECT_EQ(a.destination_id, b.destination_id);
  EXPECT_EQ(a.action, b.action);
  EXPECT_EQ(a.prior_values, b.prior_values);
  EXPECT_EQ(a.depth, b.depth);
  EXPECT_EQ(a.batch, b.batch);
  EXPECT_EQ(a.worker, b.worker);
  EXPECT_EQ(a.time_ms, b.time_ms);
}

TEST(ManifestCodec, ACreatedEntryIsOneShortLine) {
  const ManifestEntry e = Created();
  const std::string v = EncodeManifestValue(e);
  EXPECT_EQ(v, "m1\tc\t2\tcalendar.event\t4711\tl/appointments/3/12\tembedded-0\t1764095000123");
  EXPECT_LT(v.size(), e.ToJson().dump().size() / 2);
  auto back = DecodeManifestValue(e.key, v);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(*back, e);
}

TEST(ManifestCodec, AnUpdateKeepsItsPriorValuesWhateverTheyHold) {
  ManifestEntry e = Created();
  e.action = WriteAction::kUpdated;
  e.prior_values = {{"name", "tab\there\nand a line"},
                    {"partner_id", 7},
                    {"active", false},
                    {"note", nullptr},
                    {"tags", {1, 2}}};
  auto back = DecodeManifestValue(e.key, EncodeManifestValue(e));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ExpectSame(*back, e);
}

TEST(ManifestCodec, TextWithTabsOrLineBreaksIsStoredAsJson) {
  ManifestEntry e = Created();
  e.worker = "host\tone";
  const std::string v = EncodeManifestValue(e);
  EXPECT_EQ(v.front(), '{');
  auto back = DecodeManifestValue(e.key, v);
  ASSERT_TRUE(back.ok());
  ExpectSame(*back, e);
}

TEST(ManifestCodec, JsonValuesFromEarlierVersionsStillRead) {
  const ManifestEntry e = Created();
  auto back = DecodeManifestValue(e.key, e.ToJson().dump());
  ASSERT_TRUE(back.ok());
  ExpectSame(*back, e);
}

TEST(ManifestCodec, DamagedValuesAreDataLossNamingTheKey) {
  for (const std::string v : {"", "m1\tc\t2", "m2\tc\t2\tm\t1\tb\tw\t5", "m1\tx\t2\tm\t1\tb\tw\t5",
                              "m1\tc\ttwo\tm\t1\tb\tw\t5", "m1\tu\t2\tm\t1\tb\tw\t5",
                              "m1\tu\t2\tm\t1\tb\tw\t5\t{bad", "{not json"}) {
    auto r = DecodeManifestValue("patients/P-1/partner", v);
    ASSERT_FALSE(r.ok()) << v;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << v;
    EXPECT_NE(r.status().message().find("patients/P-1/partner"), std::string::npos) << v;
  }
}

}  // namespace
}  // namespace bridgework::state
