// The REST shape of each shipped vendor profile, read the way the reader reads it.
#include "connectors/sources/rest/rest_profile.h"

#include <gtest/gtest.h>

#include "tests/sources_rest/test_servers.h"

namespace bridgework::connectors::rest {
namespace {

std::string ProfilePath(const std::string& kind) {
  return testing::SourceDir() + "/connectors/sources/profiles/" + kind + ".json";
}

TEST(RestProfileTest, EveryShippedVendorHasAReadableRestShape) {
  for (const char* kind : {"sensei-cloud", "core-practice", "dr-dentes", "clinic-place"}) {
    auto p = LoadRestProfile(ProfilePath(kind));
    ASSERT_TRUE(p.ok()) << kind << ": " << p.status().ToString();
    EXPECT_EQ(p->kind, kind);
    EXPECT_FALSE(p->objects.empty()) << kind;
    for (const auto& o : p->objects) {
      EXPECT_FALSE(o.endpoint.empty()) << kind << " " << o.object.name;
      EXPECT_FALSE(o.object.primary_key.empty()) << kind << " " << o.object.name;
    }
  }
}

TEST(RestProfileTest, VendorsPageDifferently) {
  EXPECT_EQ(LoadRestProfile(ProfilePath("sensei-cloud"))->style, PageStyle::kCursor);
  EXPECT_EQ(LoadRestProfile(ProfilePath("core-practice"))->style, PageStyle::kPage);
  EXPECT_EQ(LoadRestProfile(ProfilePath("dr-dentes"))->style, PageStyle::kOffset);
  EXPECT_EQ(LoadRestProfile(ProfilePath("clinic-place"))->style, PageStyle::kNextUrl);
}

TEST(RestProfileTest, ModifiedAtFormatFollowsTheFieldElseTheBundle) {
  Json doc = Json::parse(R"({"kind": "v", "bundle": {"datetime_format": "DD.MM.YYYY HH:mm"},
    "rest": {"base_path": "/api", "pagination": {"style": "offset"}},
    "objects": [
      {"name": "a", "primary_key": "id", "modified_at": "m"},
      {"name": "b", "primary_key": "id", "modified_at": "m",
       "fields": [{"name": "m", "type": "datetime", "format": "epoch"}]}]})");
  auto p = ParseRestProfile(doc);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->Find("a")->modified_at_format, "DD.MM.YYYY HH:mm");
  EXPECT_EQ(p->Find("b")->modified_at_format, "epoch");
  EXPECT_EQ(p->Find("a")->endpoint, "/a");
}

TEST(RestProfileTest, BadProfilesNameTheKeyAtFault) {
  auto p = ParseRestProfile(Json::parse(R"({"kind": "v", "objects": []})"));
  EXPECT_NE(p.status().message().find("rest"), std::string::npos);
  p = ParseRestProfile(
      Json::parse(R"({"kind": "v", "rest": {"pagination": {"style": "scroll"}}, "objects": []})"));
  EXPECT_NE(p.status().message().find("scroll"), std::string::npos);
  p = ParseRestProfile(Json::parse(R"({"kind": "v", "rest": {}, "objects": [{"name": "a"}]})"));
  EXPECT_NE(p.status().message().find("primary_key"), std::string::npos);
  p = ParseRestProfile(Json::parse(R"({"kind": "v", "rest": {"base_path": 3}, "objects": []})"));
  EXPECT_NE(p.status().message().find("base_path"), std::string::npos);
}

}  // namespace
}  // namespace bridgework::connectors::rest
