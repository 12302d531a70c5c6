#include "cli/workflow/owner_matching.h"

#include <gtest/gtest.h>

namespace bridgework::cli::workflow {
namespace {

std::vector<connectors::DestinationUser> Users() {
  return {{"u1", "Ana Ruiz", "Ana.Ruiz@Practice.example"},
          {"u2", "José Núñez", "jnunez@practice.example"},
          {"u3", "Mary Smith", "mary@practice.example"},
          {"u4", "John Smith", "john@practice.example"},
          {"u9", "Administrator", "admin@practice.example"}};
}

OwnerCandidate Record(std::string id, std::string name, std::string email) {
  OwnerCandidate c;
  c.object = "providers";
  c.source_id = std::move(id);
  c.name = std::move(name);
  c.email = std::move(email);
  return c;
}

OwnerCandidate Text(const std::string& raw) {
  OwnerCandidate c;
  c.object = "provider_names";
  c.source_id = NormaliseName(raw);
  c.name = raw;
  c.spellings = {raw};
  c.free_text = true;
  return c;
}

TEST(NormaliseName, DropsTitlesCaseAccentsAndReordersLastFirst) {
  EXPECT_EQ(NormaliseName("Dr. José Núñez, DDS"), "jose nunez");
  EXPECT_EQ(NormaliseName("Núñez, José"), "jose nunez");
  EXPECT_EQ(NormaliseName("  DR ANA   RUIZ "), "ana ruiz");
  EXPECT_EQ(NormaliseName("Dr."), "");
}

TEST(ResolveOwners, MatchesByEmailIgnoringCase) {
  auto r =
      ResolveOwners({Record("P1", "Someone Else", " ana.ruiz@PRACTICE.example ")}, Users(), "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->owners.size(), 1u);
  EXPECT_EQ(r->owners[0].method, "email");
  EXPECT_EQ(r->owners[0].user_id, "u1");
  EXPECT_EQ(r->matched, 1);
}

TEST(ResolveOwners, FallsBackToNameWhenEmailUnknown) {
  auto r = ResolveOwners({Record("P2", "Nunez Jose", "old@legacy.example")}, Users(), "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->owners[0].method, "name");
  EXPECT_EQ(r->owners[0].user_id, "u2");
}

TEST(ResolveOwners, FreeTextProvidersMatchByNormalisedNameAndMapEverySpelling) {
  auto r = ResolveOwners({Text("Dr. Ruiz, Ana"), Text("Dr. Ruiz")}, Users(), "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->owners[0].method, "name");
  EXPECT_EQ(r->owners[0].user_id, "u1");
  EXPECT_EQ(r->owners[1].method, "name");  // surname alone, one user has it
  auto ids = r->IdMapEntries();
  EXPECT_EQ(ids.at("provider_names/ana ruiz/user"), "u1");
  EXPECT_EQ(ids.at("provider_names/Dr. Ruiz, Ana/user"), "u1");
  EXPECT_EQ(ids.at("provider_names/ruiz/user"), "u1");
}

TEST(ResolveOwners, AmbiguousSurnameIsUnresolvedWithReason) {
  auto r = ResolveOwners({Text("Dr. Smith")}, Users(), "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->unresolved, 1);
  EXPECT_EQ(r->owners[0].user_id, "");
  EXPECT_NE(r->owners[0].reason.find("several"), std::string::npos);
  EXPECT_TRUE(r->IdMapEntries().empty());
}

TEST(ResolveOwners, FallbackOwnerTakesTheUnmatched) {
  auto r = ResolveOwners(
      {Record("P7", "Nobody Known", "x@y.example"), Record("P1", "", "ana.ruiz@practice.example")},
      Users(), "ADMIN@practice.example");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->owners[0].method, "fallback");
  EXPECT_EQ(r->owners[0].user_id, "u9");
  EXPECT_EQ(r->owners[1].method, "email");
  EXPECT_EQ(r->fallback, 1);
  EXPECT_EQ(r->unresolved, 0);
  EXPECT_EQ(r->IdMapEntries().at("providers/P7/user"), "u9");
}

TEST(ResolveOwners, UnknownFallbackOwnerIsAnError) {
  auto r = ResolveOwners({}, Users(), "ghost@nowhere.example");
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
}

mapping::MapFile MapWithOwners() {
  mapping::MapFile map;
  mapping::ObjectMap o;
  o.object = "providers";
  o.match = mapping::MatchRule{"res.users", "email", {"email"}, "last_name"};
  map.objects.push_back(o);
  return map;
}

TEST(OwnerSourcesOf, DerivedFromMatchRulesWhenNoOwnersSection) {
  auto sources = OwnerSourcesOf(MapWithOwners());
  ASSERT_EQ(sources.size(), 1u);
  EXPECT_EQ(sources[0].object, "providers");
  EXPECT_EQ(sources[0].email, std::vector<std::string>{"email"});
}

TEST(CheckOwnersResolved, RefusesWhileAnOwnerIsUnresolvedAndNamesIt) {
  mapping::MapFile map = MapWithOwners();
  EXPECT_EQ(CheckOwnersResolved(map, std::nullopt, "").code(), StatusCode::kFailedPrecondition);
  auto r = ResolveOwners({Record("P7", "Nobody Known", "x@y.example")}, Users(), "");
  ASSERT_TRUE(r.ok());
  Status s = CheckOwnersResolved(map, OwnersStatus(*r).dump(), "");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("providers P7"), std::string::npos) << s.message();
  auto fixed = ResolveOwners({Record("P7", "Nobody Known", "x@y.example")}, Users(), "u9");
  ASSERT_TRUE(fixed.ok());
  EXPECT_TRUE(CheckOwnersResolved(map, OwnersStatus(*fixed).dump(), "u9").ok());
  EXPECT_TRUE(CheckOwnersResolved(mapping::MapFile{}, std::nullopt, "").ok());
}

TEST(OwnerResolution, FilesCarryEveryOwner) {
  auto r =
      ResolveOwners({Record("P1", "Ana <b>Ruiz</b>", "ana.ruiz@practice.example")}, Users(), "");
  ASSERT_TRUE(r.ok());
  Json j = r->ToJson();
  EXPECT_EQ(j["owners"][0]["key"], "providers/P1/user");
  EXPECT_EQ(j["matched"], 1);
  EXPECT_NE(r->ToCsv().find("P1,Ana <b>Ruiz</b>,ana.ruiz@practice.example,email,u1"),
            std::string::npos);
  EXPECT_EQ(r->ToHtml().find("<b>Ruiz"), std::string::npos);  // escaped
}

}  // namespace
}  // namespace bridgework::cli::workflow
