// The REST reader against the source REST simulator (a real HTTP server in its own process):
// every record of a shard arrives, shards do not overlap, delta sees only what changed, a
// malformed record is a row error, and each vendor's pagination style is walked to its end.
#include "connectors/sources/rest/rest_source.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "tests/sources_rest/test_servers.h"

namespace bridgework::connectors::rest {
namespace {

struct ReadResult {
  std::vector<std::string> ids;
  std::vector<RowError> errors;
  std::vector<SourceRecord> records;
  Status status;
};

ReadResult ReadShard(SourceConnector* source, const ShardSpec& shard,
                     const ReadOptions& options = {}) {
  ReadResult out;
  auto cursor = source->Open(shard, options);
  if (!cursor.ok()) {
    out.status = cursor.status();
    return out;
  }
  SourceRow row;
  for (;;) {
    auto more = (*cursor)->Next(&row);
    if (!more.ok()) {
      out.status = more.status();
      return out;
    }
    if (!*more) return out;
    if (row.record) {
      out.ids.push_back(row.record->id);
      out.records.push_back(*row.record);
    } else {
      out.errors.push_back(*row.error);
    }
  }
}

class RestSourceTest : public ::testing::Test {
 protected:
  void StartSim(int patients, int malformed = 0, const std::string& token = "t0ken") {
    ids_ = testing::WriteFixtureBundle(dir_.path(), patients, malformed);
    Launch(token);
  }
  void Launch(const std::string& token = "t0ken") {
    testing::SimulatorOptions o;
    o.bundle = dir_.path();
    o.profile = dir_.path() + "/profile.json";
    o.token = token;
    ASSERT_TRUE(sim_.Start(o));
  }
  std::unique_ptr<SourceConnector> MakeSource(const std::string& token = "t0ken",
                                              int page_size = 7) {
    auto profile = LoadRestProfile(dir_.path() + "/profile.json");
    EXPECT_TRUE(profile.ok()) << profile.status().ToString();
    RestSourceOptions o;
    o.base_url = sim_.base_url();
    o.bearer_token = token;
    o.page_size = page_size;
    o.fetch.initial_backoff = std::chrono::milliseconds(20);
    return NewRestSource(*profile, o, http_, nullptr);
  }
  // A call to the simulator's control endpoints.
  Json Control(const std::string& method, const std::string& path, const std::string& body) {
    HttpRequest r;
    r.method = method;
    r.url = sim_.base_url() + path;
    r.headers = {{"Authorization", "Bearer t0ken"}, {"Content-Type", "application/json"}};
    r.body = body;
    auto res = http_->Send(r);
    EXPECT_TRUE(res.ok());
    EXPECT_EQ(res->status, 200) << res->body;
    return Json::parse(res->body);
  }

  testing::ScopedTempDir dir_{"rest"};
  testing::Simulator sim_;
  std::shared_ptr<HttpClient> http_ = NewCurlHttpClient({});
  std::vector<std::string> ids_;
};

TEST_F(RestSourceTest, DescribesTheProfilesObjects) {
  StartSim(3);
  auto d = MakeSource()->Describe();
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, "fixture-vendor");
  // (SourceDescription::Find is declared by the seam but defined nowhere yet.)
  ASSERT_EQ(d->objects.size(), 2u);
  EXPECT_EQ(d->objects[1].name, "appointments");
  EXPECT_EQ(d->objects[1].primary_key, "ApptID");
  EXPECT_EQ(d->objects[1].references[0].object, "patients");
}

TEST_F(RestSourceTest, OneShardReadsEveryRecordAndReportsMalformedRows) {
  StartSim(40, /*malformed=*/2);
  auto source = MakeSource();
  ReadResult r = ReadShard(source.get(), {"patients", 0, 1, ""});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.ids, ids_);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].field, "id");
  EXPECT_EQ(r.errors[0].file, "/patients");
  EXPECT_EQ(r.errors[0].ToString().find("No key"), std::string::npos);
  const SourceRecord& first = r.records[0];
  EXPECT_EQ(*first.Get("name.first"), "First1");
  EXPECT_EQ(first.modified_at, "2024-01-02T10:00:00Z");
}

TEST_F(RestSourceTest, ShardsSplitAnObjectWithoutOverlap) {
  StartSim(100);
  auto source = MakeSource();
  auto shards = source->PlanShards("patients", 4);
  ASSERT_TRUE(shards.ok());
  ASSERT_EQ(shards->size(), 4u);
  std::multiset<std::string> seen;
  for (const auto& s : *shards) {
    ReadResult r = ReadShard(source.get(), s);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_FALSE(r.ids.empty()) << "shard " << s.index;
    seen.insert(r.ids.begin(), r.ids.end());
  }
  EXPECT_EQ(std::vector<std::string>(seen.begin(), seen.end()), ids_);
  EXPECT_EQ(source->PlanShards("nothing", 2).status().code(), StatusCode::kNotFound);
}

TEST_F(RestSourceTest, DeltaReadsOnlyWhatChangedSinceTheWatermark) {
  StartSim(30);
  Json up = Control("POST", "/_sim/records/patients",
                    R"([{"id": "P-00003", "name": {"first": "Changed"}},
                        {"id": "P-99999", "name": {"first": "New"}}])");
  std::string watermark = up["modified_at"];
  Control("DELETE", "/_sim/records/patients/P-00004", "");
  auto source = MakeSource();
  ReadResult r = ReadShard(source.get(), {"patients", 0, 1, ""}, {watermark});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.ids, (std::vector<std::string>{"P-00003", "P-99999"}));
  EXPECT_EQ(*r.records[0].Get("name.first"), "Changed");
  EXPECT_EQ(r.records[0].modified_at, watermark);
  ReadResult all = ReadShard(source.get(), {"patients", 0, 1, ""});
  EXPECT_EQ(all.ids.size(), 30u);  // one deleted, one added
}

TEST_F(RestSourceTest, CorruptedRecordIsARowErrorAndTheShardGoesOn) {
  StartSim(20);
  Control("POST", "/_sim/corrupt/patients/P-00005", "");
  auto source = MakeSource();
  ReadResult r = ReadShard(source.get(), {"patients", 0, 1, ""});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.ids.size(), 19u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].reason, "record is not a JSON object");
  EXPECT_EQ(r.errors[0].line, 5);
}

TEST_F(RestSourceTest, ARefusedTokenFailsTheShardWithoutRetrying) {
  StartSim(5);
  auto source = MakeSource("wrong-token");
  ReadResult r = ReadShard(source.get(), {"patients", 0, 1, ""});
  EXPECT_EQ(r.status.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(r.status.message().find("wrong-token"), std::string::npos);
}

struct StyleCase {
  const char* name;
  const char* pagination;
  const char* modified_since;
};

class PaginationStyleTest : public RestSourceTest,
                            public ::testing::WithParamInterface<StyleCase> {};

TEST_P(PaginationStyleTest, EveryStyleWalksEveryShardToItsEnd) {
  ids_ = testing::WriteFixtureBundle(dir_.path(), 45);
  testing::SetFixtureRestShape(dir_.path(), GetParam().pagination, GetParam().modified_since);
  Launch();
  auto source = MakeSource();
  std::multiset<std::string> seen;
  auto shards = source->PlanShards("patients", 3);
  ASSERT_TRUE(shards.ok());
  for (const auto& s : *shards) {
    ReadResult r = ReadShard(source.get(), s);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    seen.insert(r.ids.begin(), r.ids.end());
  }
  EXPECT_EQ(std::vector<std::string>(seen.begin(), seen.end()), ids_);
  // The modified-since filter in the API's own notation: records of Jan 20 onwards.
  ReadResult r = ReadShard(source.get(), {"patients", 0, 1, ""}, {"2024-01-20T00:00:00Z"});
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_FALSE(r.ids.empty());
  for (const auto& rec : r.records) EXPECT_GE(rec.modified_at, "2024-01-20T00:00:00Z");
  EXPECT_LT(r.ids.size(), ids_.size());
}

INSTANTIATE_TEST_SUITE_P(
    Vendors, PaginationStyleTest,
    ::testing::Values(
        StyleCase{"cursor",
                  R"({"style": "cursor", "cursor_param": "cursor", "limit_param": "limit",
                      "max_limit": 500, "items_field": "data", "next_field": "next_cursor"})",
                  R"({"param": "updated_since", "format": "iso8601"})"},
        StyleCase{"page",
                  R"({"style": "page", "page_param": "page", "limit_param": "page_size",
                      "max_limit": 200, "items_field": "items", "total_pages_field": "total_pages",
                      "first_page": 1})",
                  R"({"param": "modified_after", "format": "iso8601"})"},
        StyleCase{"offset",
                  R"({"style": "offset", "offset_param": "baslangic", "limit_param": "adet",
                      "max_limit": 250, "items_field": "kayitlar", "total_field": "toplam"})",
                  R"({"param": "guncelleme_sonrasi", "format": "epoch"})"},
        StyleCase{"next_url",
                  R"({"style": "next_url", "limit_param": "PageSize", "max_limit": 1000,
                      "items_field": "Items", "next_field": "NextPageUrl"})",
                  R"({"param": "ModifiedSince", "format": "epoch_ms"})"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace bridgework::connectors::rest
