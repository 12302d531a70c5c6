// The Redis store's compact manifest values: every field survives, updates keep their prior
// values, odd text falls back to JSON, and values written as JSON by earlier versions still read.
// A batch's created entries go in one created list, which gives back every entry exactly.
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

TEST(ManifestCodec, IsPriorValuesEntryTellsUpdatesFromCreatedRecords) {
  ManifestEntry e = Created();
  EXPECT_FALSE(*IsPriorValuesEntry(e.key, EncodeManifestValue(e)));
  EXPECT_FALSE(*IsPriorValuesEntry(e.key, e.ToJson().dump()));
  e.action = WriteAction::kUpdated;
  e.prior_values = {{"name", "before"}};
  EXPECT_TRUE(*IsPriorValuesEntry(e.key, EncodeManifestValue(e)));
  EXPECT_TRUE(*IsPriorValuesEntry(e.key, e.ToJson().dump()));
  EXPECT_EQ(IsPriorValuesEntry(e.key, "garbage").status().code(), StatusCode::kDataLoss);
}

TEST(ManifestCodec, ACreatedListGivesBackEveryEntry) {
  std::vector<ManifestEntry> entries;
  for (int i = 0; i < 3; ++i) {
    ManifestEntry e = Created();
    e.key = "appointments/A-" + std::to_string(i) + "/event";
    e.destination_id = std::to_string(4711 + i);
    e.time_ms += (i == 2) ? -5 : 40 * i;  // clocks differ a little between writes
    if (i == 1) e.model = "calendar.attendee";
    entries.push_back(e);
  }
  CreatedListWriter w;
  for (const auto& e : entries) ASSERT_TRUE(w.Add(e));
  EXPECT_EQ(w.size(), 3u);
  const std::string v = w.Finish();
  EXPECT_EQ(v.substr(0, v.find('\n')), "m2\t2\tl/appointments/3/12\tembedded-0\t1764095000123");
  // Per record: key, model, id and a time offset; about half the bytes of one entry alone.
  EXPECT_LT(v.size(), 3 * EncodeManifestValue(entries[0]).size());
  auto back = DecodeCreatedList("l/appointments/3/12", v);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 3u);
  for (size_t i = 0; i < 3; ++i) ExpectSame((*back)[i], entries[i]);
}

TEST(ManifestCodec, ACreatedListTakesOnlyPlainCreatedEntriesOfOneBatch) {
  CreatedListWriter w;
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.Finish(), "");
  ASSERT_TRUE(w.Add(Created()));
  ManifestEntry update = Created();
  update.action = WriteAction::kUpdated;
  ManifestEntry tab_key = Created();
  tab_key.key = "appointments/A\t1/event";
  ManifestEntry line_id = Created();
  line_id.destination_id = "47\n11";
  ManifestEntry other_batch = Created();
  other_batch.batch = "l/appointments/3/13";
  ManifestEntry other_worker = Created();
  other_worker.worker = "embedded-1";
  ManifestEntry other_depth = Created();
  other_depth.depth = 1;
  for (const ManifestEntry* e :
       {&update, &tab_key, &line_id, &other_batch, &other_worker, &other_depth}) {
    EXPECT_FALSE(w.Add(*e)) << e->key << " " << e->batch;
  }
  EXPECT_EQ(w.size(), 1u);
  auto back = DecodeCreatedList("b", w.Finish());
  ASSERT_TRUE(back.ok());
  ASSERT_EQ(back->size(), 1u);
  ExpectSame((*back)[0], Created());
}

TEST(ManifestCodec, DamagedCreatedListsAreDataLossNamingTheBatch) {
  for (const std::string v : {"", "m2\t2\tb\tw\t5", "m1\t2\tb\tw\t5\n", "m2\tx\tb\tw\t5\n",
                              "m2\t2\tb\tw\t5\nk\tm\t1\n", "m2\t2\tb\tw\t5\nk\tm\t1\t0",
                              "m2\t2\tb\tw\t5\n\tm\t1\t0\n", "m2\t2\tb\tw\t5\nk\tm\t1\tz\n"}) {
    auto r = DecodeCreatedList("l/patients/0/3", v);
    ASSERT_FALSE(r.ok()) << v;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << v;
    EXPECT_NE(r.status().message().find("l/patients/0/3"), std::string::npos) << v;
  }
  auto empty = DecodeCreatedList("b", "m2\t2\tb\tw\t5\n");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

}  // namespace
}  // namespace bridgework::state
