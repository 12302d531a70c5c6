// The five default maps against generated bundles: each map parses, covers every object of its
// source profile, and validates a generated bundle with no errors but the planted bad values,
// each of which is reported (truth.json from the generator says which they are).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "connectors/sources/bundle/bundle_source.h"
#include "connectors/sources/generator/generator.h"
#include "connectors/sources/profiles/profile.h"
#include "mapping/mapper.h"
#include "mapping/validator.h"

namespace bridgework::mapping {
namespace {

namespace fs = std::filesystem;

std::string SourceDir() {
  const char* dir = std::getenv("BW_SOURCE_DIR");
  return dir ? dir : BW_SOURCE_DIR_DEFAULT;
}

struct Pair {
  const char* map;
  const char* kind;
};

const Pair kPairs[] = {
    {"sensei-cloud-to-odoo", "sensei-cloud"}, {"core-practice-to-odoo", "core-practice"},
    {"dr-dentes-to-odoo", "dr-dentes"},       {"sensei-cloud-to-twenty", "sensei-cloud"},
    {"clinic-place-to-odoo", "clinic-place"},
};

class DefaultMapTest : public ::testing::TestWithParam<Pair> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bw-maps-" + std::string(GetParam().map) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_P(DefaultMapTest, ParsesAndCoversEveryProfileObject) {
  StatusOr<MapFile> map = LoadMapFile(SourceDir() + "/maps/" + GetParam().map + ".yaml");
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  StatusOr<std::unique_ptr<Mapper>> mapper = Mapper::Create(*map);
  ASSERT_TRUE(mapper.ok()) << mapper.status().ToString();
  StatusOr<sources::Profile> profile = sources::BuiltinProfile(GetParam().kind);
  ASSERT_TRUE(profile.ok());
  std::set<std::string> placed;
  for (const auto& o : map->objects) placed.insert(o.object);
  for (const auto& o : map->no_home) placed.insert(o.object);
  for (const auto& o : map->rebuild_only) placed.insert(o.object);
  for (const auto& o : map->schema_only) placed.insert(o.object);
  for (const auto& o : profile->objects) {
    EXPECT_TRUE(placed.count(o.name))
        << GetParam().map << ": profile object " << o.name << " is not placed";
  }
  // Every source field a map reads exists in the profile.
  for (const ObjectMap& om : map->objects) {
    const sources::ObjectSpec* spec = profile->Find(om.object);
    ASSERT_NE(spec, nullptr) << om.object;
    std::set<std::string> fields;
    for (const auto& f : spec->fields) fields.insert(f.name);
    auto check = [&](const std::vector<TargetRule>& targets) {
      for (const TargetRule& t : targets) {
        for (const FieldRule& f : t.fields) {
          for (const std::string& from : f.from) {
            bool ok = fields.count(from) > 0;
            for (const auto& pf : spec->fields) {
              // Patterned fields ("Address.Lines.*") stand for their indexed names.
              size_t star = pf.name.find('*');
              if (star != std::string::npos && from.compare(0, star, pf.name, 0, star) == 0) {
                ok = true;
              }
            }
            EXPECT_TRUE(ok) << GetParam().map << ": " << om.object << "." << from
                            << " is not a field of the profile";
          }
        }
        for (const ReferenceRule& r : t.references) {
          if (!r.from.empty()) {
            EXPECT_TRUE(fields.count(r.from)) << om.object << "." << r.from;
          }
          if (!r.object.empty()) {
            EXPECT_NE(profile->Find(r.object), nullptr) << om.object << " -> " << r.object;
          }
        }
      }
    };
    check(om.targets);
    for (const Fallback& fb : om.fallbacks) check(fb.targets);
  }
}

TEST_P(DefaultMapTest, ValidatesAGeneratedBundleReportingOnlyThePlantedBadValues) {
  StatusOr<sources::Profile> profile = sources::BuiltinProfile(GetParam().kind);
  ASSERT_TRUE(profile.ok());
  sources::GenerateOptions gen;
  gen.out_dir = dir_.string();
  gen.patients = 400;
  gen.seed = 11;
  gen.large_file_bytes = 2000;
  gen.large_files = 1;
  gen.max_attachment_bytes = 100000;
  gen.attachment_files = 20;
  StatusOr<Json> summary = sources::GenerateBundle(*profile, gen);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  std::ifstream in(dir_ / "truth.json");
  std::stringstream ss;
  ss << in.rdbuf();
  Json truth = Json::parse(ss.str());

  StatusOr<MapFile> map = LoadMapFile(SourceDir() + "/maps/" + GetParam().map + ".yaml");
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  MapperOptions mo;
  mo.as_of = "2026-01-15T00:00:00Z";
  StatusOr<std::unique_ptr<Mapper>> mapper = Mapper::Create(*map, mo);
  ASSERT_TRUE(mapper.ok()) << mapper.status().ToString();
  sources::BundleSourceOptions bo;
  bo.dir = dir_.string();
  auto source = sources::NewBundleSource(*profile, bo);
  StatusOr<ValidationReport> report = Validate(**mapper, *source);
  ASSERT_TRUE(report.ok()) << report.status().ToString();

  // (object, id) -> the fields planted invalid.
  std::map<std::pair<std::string, std::string>, std::set<std::string>> planted;
  for (const auto& [object, fields] : truth["invalid_values"].items()) {
    for (const auto& [field, info] : fields.items()) {
      for (const Json& id : info["ids"]) planted[{object, id.get<std::string>()}].insert(field);
    }
  }
  std::set<std::pair<std::string, std::string>> unreadable;
  for (const Json& b : truth["bad_rows"]) {
    unreadable.insert({b["object"].get<std::string>(), b.value("id", std::string())});
  }
  std::set<std::pair<std::string, std::string>> reported;
  int unexpected = 0;
  for (const RowError& e : report->mapping_errors) {
    auto it = planted.find({e.object, e.record_id});
    bool expected = false;
    if (it != planted.end()) {
      for (const std::string& f : it->second) {
        if (("+" + e.field + "+").find("+" + f + "+") != std::string::npos) expected = true;
      }
    }
    if (!expected && ++unexpected <= 15) ADD_FAILURE() << "unexpected: " << e.ToString();
    reported.insert({e.object, e.record_id});
  }
  EXPECT_EQ(unexpected, 0) << GetParam().map;
  int missed = 0;
  for (const auto& [key, fields] : planted) {
    if (unreadable.count(key)) continue;
    if (!reported.count(key) && ++missed <= 10) {
      ADD_FAILURE() << "planted bad value not reported: " << key.first << "/" << key.second << " "
                    << *fields.begin();
    }
  }
  EXPECT_EQ(missed, 0);
  EXPECT_FALSE(planted.empty()) << "the generator planted no bad values";
  // Every record of every mapped object was read or reported.
  for (const auto& [name, o] : report->objects) {
    EXPECT_NE(o.placement, "not in map") << name;
  }
  // Reader errors are the planted bad rows, each reported with its record, field and reason.
  EXPECT_EQ(report->source_errors.size(), truth["bad_rows"].size());
  for (const Json& b : truth["bad_rows"]) {
    const std::string object = b["object"].get<std::string>();
    const std::string id = b.value("id", std::string());
    const std::string field = b.value("field", std::string());
    const std::string reason = b.value("reason", std::string());
    bool found = false;
    const std::string file = b.value("file", std::string());
    const int64_t line = b.value("line", int64_t{0});
    for (const RowError& e : report->source_errors) {
      // A row too broken to read its id (malformed JSON) is known by its file and line.
      bool same_row = e.record_id.empty() ? (fs::path(e.file).filename() == file && e.line == line)
                                          : e.record_id == id;
      if (e.object != object || !same_row) continue;
      found = true;
      EXPECT_FALSE(e.reason.empty()) << e.ToString();
      EXPECT_NE(e.reason.find(reason), std::string::npos)
          << object << "/" << id << ": reported '" << e.reason << "', planted '" << reason << "'";
      // A broken row names no field; a bad value names the field it is in.
      if (field != "(record)") {
        EXPECT_EQ(e.field, field) << object << "/" << id << ": " << e.ToString();
      }
      EXPECT_FALSE(e.file.empty()) << e.ToString();
    }
    EXPECT_TRUE(found) << GetParam().map << ": planted bad row " << object << "/" << id << " ("
                       << reason << ") is not reported";
  }
}

INSTANTIATE_TEST_SUITE_P(Pairs, DefaultMapTest, ::testing::ValuesIn(kPairs),
                         [](const ::testing::TestParamInfo<Pair>& info) {
                           std::string n = info.param.map;
                           for (char& c : n) {
                             if (c == '-') c = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace bridgework::mapping
