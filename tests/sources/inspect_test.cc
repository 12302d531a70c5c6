// inspect's scope document agrees with what gen-sample planted (truth.json), per vendor; and the
// generic csv kind infers keys and references and reads through the bundle reader.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>

#include "connectors/sources/bundle/bundle_source.h"
#include "connectors/sources/csv/csv_source.h"
#include "connectors/sources/generator/generator.h"
#include "connectors/sources/inspect/inspector.h"
#include "tests/sources/read_helpers.h"
#include "tests/sources/temp_dir.h"

namespace bridgework::sources {
namespace {

using testing::ReadObject;
using testing::TempDir;

class InspectGeneratedTest : public ::testing::TestWithParam<std::string> {};

TEST_P(InspectGeneratedTest, ScopeMatchesWhatWasPlanted) {
  auto profile = BuiltinProfile(GetParam());
  ASSERT_TRUE(profile.ok());
  TempDir dir;
  GenerateOptions g;
  g.out_dir = dir.path();
  g.patients = 400;
  g.seed = 11;
  g.large_file_bytes = 30000;
  g.large_files = 1;
  g.max_attachment_bytes = 80000;
  g.attachment_files = 40;
  ASSERT_TRUE(GenerateBundle(*profile, g).ok());
  std::ifstream in(dir.File("truth.json"));
  Json truth = Json::parse(in);

  auto source = NewBundleSource(*profile, BundleSourceOptions{dir.path()});
  InspectOptions options;
  options.bundle_dir = dir.path();
  options.max_attachment_bytes = g.max_attachment_bytes;
  auto scope = InspectSource(*source, &*profile, options);
  ASSERT_TRUE(scope.ok()) << scope.status().ToString();
  const Json& objects = (*scope)["objects"];

  std::map<std::string, int64_t> bad_per_object;
  for (const auto& b : truth["bad_rows"]) ++bad_per_object[b["object"].get<std::string>()];
  for (const auto& o : profile->objects) {
    SCOPED_TRACE(o.name);
    EXPECT_EQ(objects[o.name]["records"], truth["objects"][o.name]["valid"]);
    EXPECT_EQ(objects[o.name]["row_errors"].get<int64_t>(), bad_per_object[o.name]);
  }
  EXPECT_EQ((*scope)["row_errors"]["count"].get<size_t>(), truth["bad_rows"].size());

  // Invalid values: exactly the planted ones, field by field.
  std::string patients = "patients";
  for (const auto& o : profile->objects) {
    const Json& got = objects[o.name]["invalid_values"];
    const Json& want = truth["invalid_values"].value(o.name, Json::object());
    for (auto it = want.begin(); it != want.end(); ++it) {
      ASSERT_TRUE(got.contains(it.key())) << o.name << "." << it.key();
      EXPECT_EQ(got[it.key()]["count"], it.value()["count"]) << o.name << "." << it.key();
    }
    for (auto it = got.begin(); it != got.end(); ++it) {
      EXPECT_TRUE(want.contains(it.key())) << "unplanted invalid values in " << o.name << "."
                                           << it.key() << ": " << it.value().dump();
    }
  }

  // Every planted duplicate group is found together.
  ASSERT_FALSE(truth["duplicates"].empty());
  std::map<std::string, int> group_of;
  int gi = 0;
  for (const auto& g2 : (*scope)["duplicates"]["groups"]) {
    for (const auto& id : g2) group_of[id.get<std::string>()] = gi;
    ++gi;
  }
  for (const auto& want : truth["duplicates"]) {
    std::set<int> groups;
    for (const auto& id : want["ids"]) {
      auto it = group_of.find(id.get<std::string>());
      groups.insert(it == group_of.end() ? -1 : it->second);
    }
    EXPECT_EQ(groups.size(), 1u) << want.dump();
    EXPECT_FALSE(groups.count(-1)) << want.dump();
  }

  // Dangling references: exactly the planted ones.
  std::map<std::string, int64_t> dangling;
  for (const auto& d : truth["dangling_references"]["items"]) {
    ++dangling[d["object"].get<std::string>() + "." + d["field"].get<std::string>()];
  }
  std::map<std::string, int64_t> found;
  for (auto it = objects.begin(); it != objects.end(); ++it) {
    for (auto f = it.value()["dangling_references"].begin();
         f != it.value()["dangling_references"].end(); ++f) {
      found[it.key() + "." + f.key()] = f.value()["count"].get<int64_t>();
    }
  }
  EXPECT_EQ(found, dangling);

  const Json& att = (*scope)["attachments"];
  EXPECT_EQ(att["count"], truth["attachments"]["references"]);
  EXPECT_EQ(att["bytes"], truth["attachments"]["referenced_bytes"]);
  EXPECT_EQ(att["over_limit_count"], truth["attachments"]["over_limit_count"]);
  EXPECT_FALSE((*scope)["custom_properties"].empty());

  std::string html = RenderInspectHtml(*scope);
  EXPECT_NE(html.find("Duplicate patients"), std::string::npos);
  // No patient value reaches the page: the first planted non-Latin name is absent.
  for (const auto& c : truth["checks"]) {
    if (c.contains("value")) {
      EXPECT_EQ(html.find(c["value"].get<std::string>()), std::string::npos);
      break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Vendors, InspectGeneratedTest,
                         ::testing::Values("sensei-cloud", "core-practice", "dr-dentes",
                                           "clinic-place"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& ch : n) {
                             if (ch == '-') ch = '_';
                           }
                           return n;
                         });

TEST(CsvSourceTest, InfersKeysReferencesAndOrderFromHeaders) {
  TempDir dir;
  dir.Write("appointments.csv",
            "id,patient_id,provider_id,start,updated_at\n"
            "A1,1,D1,2024-01-02,2024-01-03T10:00:00Z\nA2,9,D1,2024-01-02,\n");
  dir.Write("patients.csv",
            "id;first_name;last_name;dob;email;scan_path\n"
            "1;Ana;Silva;1980-02-30;ana@example.com;\n"
            "2;Bo;Li;1990-01-01;not-an-email;scans/x.pdf\n");
  dir.Write("providers.csv", "provider_id\tname\temail\nD1\tDr Who\twho@example.com\n");
  CsvSourceOptions options;
  options.dir = dir.path();
  auto built = BuildCsvProfile(options);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  const Profile& p = built->profile;
  ASSERT_EQ(p.objects.size(), 3u);
  EXPECT_EQ(p.objects[2].name, "appointments");  // parents first
  const ObjectSpec* appts = p.Find("appointments");
  EXPECT_EQ(appts->primary_key, "id");
  EXPECT_EQ(appts->modified_at, "updated_at");
  ASSERT_EQ(appts->references.size(), 2u);
  EXPECT_EQ(appts->references[0].object, "patients");
  EXPECT_EQ(appts->references[1].object, "providers");
  EXPECT_EQ(p.Find("providers")->primary_key, "provider_id");
  EXPECT_EQ(p.Find("providers")->format.delimiter, '\t');
  EXPECT_EQ(p.Find("patients")->format.delimiter, ';');
  EXPECT_EQ(p.Find("patients")->attachment_fields, std::vector<std::string>{"scan_path"});
  EXPECT_TRUE(built->inference["appointments"]["primary_key"]["inferred"].get<bool>());
  EXPECT_TRUE(built->inference["appointments"]["references"][0]["inferred"].get<bool>());

  auto source = NewBundleSource(p, BundleSourceOptions{dir.path()});
  auto read = ReadObject(*source, "appointments");
  ASSERT_EQ(read.records.size(), 2u);
  EXPECT_EQ(read.records[0].modified_at, "2024-01-03T10:00:00Z");
  auto patients = ReadObject(*source, "patients");
  EXPECT_EQ(patients.records.size(), 1u);  // scans/x.pdf is missing
  ASSERT_EQ(patients.errors.size(), 1u);
  EXPECT_EQ(patients.errors[0].reason, "missing attachment file");

  InspectOptions io;
  io.bundle_dir = dir.path();
  auto scope = InspectSource(*source, &p, io);
  ASSERT_TRUE(scope.ok());
  EXPECT_EQ((*scope)["objects"]["appointments"]["dangling_references"]["patient_id"]["count"], 1);
  EXPECT_EQ((*scope)["objects"]["patients"]["invalid_values"]["dob"]["count"], 1);
}

TEST(CsvSourceTest, ConfigGivenKeysWin) {
  TempDir dir;
  dir.Write("people.csv", "Code,Name,Practice\nX1,Ann,P1\n");
  dir.Write("practices.csv", "Code,Name\nP1,Main\n");
  CsvSourceOptions options;
  options.dir = dir.path();
  CsvObjectConfig people{"people", "people.csv", "Code", "", true, {{"Practice", "practices"}}};
  CsvObjectConfig practices{"practices", "practices.csv", "Code"};
  options.objects = {people, practices};
  auto built = BuildCsvProfile(options);
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  EXPECT_EQ(built->profile.objects[0].name, "practices");
  EXPECT_FALSE(built->inference["people"]["primary_key"]["inferred"].get<bool>());
  ASSERT_EQ(built->profile.Find("people")->references.size(), 1u);
  options.objects[0].references = {{"Practice", "nowhere"}};
  EXPECT_FALSE(BuildCsvProfile(options).ok());
}

}  // namespace
}  // namespace bridgework::sources
