// Per vendor: a generated bundle reads back exactly as its truth.json says. Every planted bad row
// is reported with file, line, field and reason; every other record arrives, once; values that
// test decoding (non-Latin names, multi-line addresses, long notes) come back byte for byte.
// Also: the same seed gives byte-identical bundles; sharded reads cover every record once.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "connectors/sources/bundle/bundle_source.h"
#include "connectors/sources/generator/generator.h"
#include "tests/sources/read_helpers.h"
#include "tests/sources/temp_dir.h"

namespace bridgework::sources {
namespace {

namespace fs = std::filesystem;
using testing::ReadObject;
using testing::TempDir;

GenerateOptions SmallOptions(const std::string& dir, int64_t patients, uint64_t seed) {
  GenerateOptions o;
  o.out_dir = dir;
  o.patients = patients;
  o.seed = seed;
  o.large_file_bytes = 40000;
  o.large_files = 1;
  o.max_attachment_bytes = 100000;
  o.attachment_files = 50;
  return o;
}

Json LoadTruth(const std::string& dir) {
  std::ifstream in(dir + "/truth.json");
  return Json::parse(in);
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class GeneratedBundleTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GeneratedBundleTest, ReadsBackExactlyAsTheTruthFileSays) {
  auto profile = BuiltinProfile(GetParam());
  ASSERT_TRUE(profile.ok()) << profile.status().ToString();
  TempDir dir;
  auto summary = GenerateBundle(*profile, SmallOptions(dir.path(), 300, 7));
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  Json truth = LoadTruth(dir.path());
  auto source = NewBundleSource(*profile, BundleSourceOptions{dir.path()});

  std::vector<Json> expected_bad;
  for (const auto& b : truth["bad_rows"]) expected_bad.push_back(b);
  ASSERT_GE(expected_bad.size(), 4u);  // structural, encoding (x2), missing attachment
  std::set<std::string> reasons;
  for (const auto& b : expected_bad) reasons.insert(b["reason"].get<std::string>());
  EXPECT_TRUE(reasons.count("invalid encoding"));
  EXPECT_TRUE(reasons.count("missing attachment file"));

  std::vector<RowError> all_errors;
  std::map<std::string, SourceRecord> by_key;  // "object/id"
  for (const auto& object : profile->objects) {
    SCOPED_TRACE(object.name);
    auto read = ReadObject(*source, object.name);
    const Json& t = truth["objects"][object.name];
    ASSERT_FALSE(t.is_null());
    std::vector<std::string> ids;
    for (const auto& r : read.records) ids.push_back(r.id);
    std::vector<std::string> want = t["ids"].get<std::vector<std::string>>();
    EXPECT_EQ(ids, want);
    EXPECT_EQ(static_cast<int64_t>(read.records.size()), t["valid"].get<int64_t>());
    EXPECT_EQ(static_cast<int64_t>(read.records.size() + read.errors.size()),
              t["written"].get<int64_t>());
    for (auto& e : read.errors) all_errors.push_back(e);
    for (auto& r : read.records) by_key[object.name + "/" + r.id] = std::move(r);
  }

  for (const auto& got : all_errors) {
    bool planted = false;
    for (const auto& want : expected_bad) {
      planted |= got.object == want["object"] && got.line == want["line"].get<int64_t>();
    }
    EXPECT_TRUE(planted) << "unexpected row error: " << got.ToString();
  }
  ASSERT_EQ(all_errors.size(), expected_bad.size());
  for (const auto& want : expected_bad) {
    bool found = false;
    for (const auto& got : all_errors) {
      if (got.object == want["object"] && got.file == want["file"] &&
          got.line == want["line"].get<int64_t>()) {
        found = true;
        EXPECT_EQ(got.field, want["field"].get<std::string>()) << got.ToString();
        EXPECT_TRUE(got.reason.starts_with(want["reason"].get<std::string>())) << got.ToString();
      }
    }
    EXPECT_TRUE(found) << "not reported: " << want.dump();
  }

  ASSERT_FALSE(truth["checks"].empty());
  for (const auto& c : truth["checks"]) {
    auto it = by_key.find(c["object"].get<std::string>() + "/" + c["id"].get<std::string>());
    ASSERT_NE(it, by_key.end()) << c.dump();
    const std::string* v = it->second.Get(c["field"].get<std::string>());
    ASSERT_NE(v, nullptr) << c.dump();
    if (c.contains("value")) {
      EXPECT_EQ(*v, c["value"].get<std::string>());
    } else {
      EXPECT_EQ(v->size(), c["length"].get<size_t>());
    }
  }

  // Duplicates, dangling references and attachments are planted and listed.
  EXPECT_FALSE(truth["duplicates"].empty());
  EXPECT_GE(truth["dangling_references"]["count"].get<int>(), 1);
  EXPECT_GE(truth["attachments"]["over_limit_count"].get<int>(), 1);
  for (const auto& f : truth["attachments"]["files"]) {
    auto bytes = source->ReadAttachment(f["path"].get<std::string>());
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(static_cast<int64_t>(bytes->size()), f["bytes"].get<int64_t>());
  }
}

TEST_P(GeneratedBundleTest, SameSeedGivesByteIdenticalBundles) {
  auto profile = BuiltinProfile(GetParam());
  ASSERT_TRUE(profile.ok());
  TempDir a, b, c;
  ASSERT_TRUE(GenerateBundle(*profile, SmallOptions(a.path(), 150, 42)).ok());
  ASSERT_TRUE(GenerateBundle(*profile, SmallOptions(b.path(), 150, 42)).ok());
  ASSERT_TRUE(GenerateBundle(*profile, SmallOptions(c.path(), 150, 43)).ok());
  int files = 0;
  bool differs_with_other_seed = false;
  for (const auto& e : fs::recursive_directory_iterator(a.path())) {
    if (!e.is_regular_file()) continue;
    fs::path rel = fs::relative(e.path(), a.path());
    EXPECT_EQ(Slurp(e.path()), Slurp(fs::path(b.path()) / rel)) << rel;
    if (fs::exists(fs::path(c.path()) / rel) &&
        Slurp(e.path()) != Slurp(fs::path(c.path()) / rel)) {
      differs_with_other_seed = true;
    }
    ++files;
  }
  EXPECT_GT(files, 10);
  EXPECT_TRUE(differs_with_other_seed);
}

TEST_P(GeneratedBundleTest, ShardedReadCoversEveryRecordOnce) {
  auto profile = BuiltinProfile(GetParam());
  ASSERT_TRUE(profile.ok());
  TempDir dir;
  ASSERT_TRUE(GenerateBundle(*profile, SmallOptions(dir.path(), 2000, 3)).ok());
  Json truth = LoadTruth(dir.path());
  BundleSourceOptions options{dir.path()};
  options.min_shard_bytes = 4096;
  auto source = NewBundleSource(*profile, options);
  for (const std::string object : {"patients", "appointments"}) {
    auto read = ReadObject(*source, object, 5);
    std::multiset<std::string> got;
    for (const auto& r : read.records) got.insert(r.id);
    auto want = truth["objects"][object]["ids"].get<std::vector<std::string>>();
    EXPECT_EQ(got, std::multiset<std::string>(want.begin(), want.end())) << object;
    auto plan = source->PlanShards(object, 5);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->size(), 5u);
  }
}

INSTANTIATE_TEST_SUITE_P(Vendors, GeneratedBundleTest,
                         ::testing::Values("sensei-cloud", "core-practice", "dr-dentes",
                                           "clinic-place"),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& ch : n) {
                             if (ch == '-') ch = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace bridgework::sources
