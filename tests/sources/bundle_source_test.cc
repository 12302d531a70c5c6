// The export-bundle reader on hand-made bundles: each kind of bad row is reported with file,
// line, field and reason while every other row arrives; encodings; modified-since; shards.
#include "connectors/sources/bundle/bundle_source.h"

#include <gtest/gtest.h>

#include <set>

#include "tests/sources/read_helpers.h"
#include "tests/sources/temp_dir.h"

namespace bridgework::sources {
namespace {

using testing::ReadObject;
using testing::TempDir;

Profile MustParse(const std::string& text) {
  auto p = ParseProfile(text);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return *p;
}

const char* kCsvProfile = R"({
  "kind": "test-csv",
  "bundle": {"format": "csv", "encoding": "windows-1252", "delimiter": ";",
             "datetime_format": "DD/MM/YYYY HH:mm"},
  "objects": [
    {"name": "patients", "file": "Patients.csv", "primary_key": "Patient ID",
     "modified_at": "Modified", "fields": [{"name": "Patient ID"}, {"name": "Name"},
     {"name": "Modified", "type": "datetime"}]},
    {"name": "docs", "file": "Docs.csv", "primary_key": "Doc ID",
     "references": [{"field": "Patient ID", "object": "patients"}],
     "attachment_fields": ["Path"],
     "fields": [{"name": "Doc ID"}, {"name": "Patient ID"}, {"name": "Path"}]}
  ]})";

TEST(BundleSourceTest, ReportsEachBadRowAndDeliversTheRest) {
  TempDir dir;
  dir.Write("Patients.csv",
            "Patient ID;Name;Modified\r\n"
            "1;Ren\xE9\x65;01/02/2024 10:00\r\n"
            "2;\"Multi\nline\";02/02/2024 10:00\r\n"
            "3;too;many;fields\r\n"
            "4;Bad \x81 byte;03/02/2024 10:00\r\n"
            ";No id;03/02/2024 10:00\r\n"
            "6;\x80uro;05/02/2024 10:00\r\n");
  dir.Write("Docs.csv",
            "Doc ID;Patient ID;Path\nD1;1;files/a.pdf\nD2;2;files/gone.pdf\n"
            "D3;2;../../etc/passwd\n");
  dir.Write("files/a.pdf", "%PDF");
  auto source = NewBundleSource(MustParse(kCsvProfile), BundleSourceOptions{dir.path()});

  auto patients = ReadObject(*source, "patients");
  std::vector<std::string> ids;
  for (const auto& r : patients.records) ids.push_back(r.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"1", "2", "6"}));
  EXPECT_EQ(*patients.records[0].Get("Name"), "Renée");
  EXPECT_EQ(*patients.records[1].Get("Name"), "Multi\nline");
  EXPECT_EQ(*patients.records[2].Get("Name"), "€uro");
  EXPECT_EQ(patients.records[0].modified_at, "2024-02-01T10:00:00Z");
  EXPECT_EQ(patients.records[2].line, 8);  // the quoted name spans lines 3-4
  ASSERT_EQ(patients.errors.size(), 3u);
  EXPECT_EQ(patients.errors[0].file, "Patients.csv");
  EXPECT_EQ(patients.errors[0].line, 5);
  EXPECT_EQ(patients.errors[0].field, "(record)");
  EXPECT_EQ(patients.errors[0].reason, "wrong field count: expected 3 fields, got 4");
  EXPECT_EQ(patients.errors[1].line, 6);
  EXPECT_EQ(patients.errors[1].field, "Name");
  EXPECT_EQ(patients.errors[1].record_id, "4");
  EXPECT_TRUE(patients.errors[1].reason.starts_with("invalid encoding"))
      << patients.errors[1].reason;
  EXPECT_EQ(patients.errors[2].line, 7);
  EXPECT_EQ(patients.errors[2].field, "Patient ID");
  EXPECT_EQ(patients.errors[2].reason, "missing primary key");

  auto docs = ReadObject(*source, "docs");
  ASSERT_EQ(docs.records.size(), 1u);
  ASSERT_EQ(docs.errors.size(), 2u);
  EXPECT_EQ(docs.errors[0].field, "Path");
  EXPECT_EQ(docs.errors[0].reason, "missing attachment file");
  EXPECT_EQ(docs.errors[0].line, 3);
  EXPECT_EQ(docs.errors[1].reason, "attachment path outside the bundle");
  auto bytes = source->ReadAttachment("files/a.pdf");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, "%PDF");
  EXPECT_FALSE(source->ReadAttachment("files/gone.pdf").ok());
  EXPECT_FALSE(source->ReadAttachment("/etc/passwd").ok());
}

TEST(BundleSourceTest, ModifiedSinceKeepsOnlyNewerRecords) {
  TempDir dir;
  dir.Write("Patients.csv",
            "Patient ID;Name;Modified\n1;a;01/02/2024 10:00\n2;b;05/02/2024 10:00\n"
            "3;c;\n");
  auto source = NewBundleSource(MustParse(kCsvProfile), BundleSourceOptions{dir.path()});
  auto read = ReadObject(*source, "patients", 1, "2024-02-03T00:00:00Z");
  std::vector<std::string> ids;
  for (const auto& r : read.records) ids.push_back(r.id);
  // A record without a modified-at cannot be proven old, so it is read again.
  EXPECT_EQ(ids, (std::vector<std::string>{"2", "3"}));
}

TEST(BundleSourceTest, JsonArrayAndNdjsonWithBadElements) {
  TempDir dir;
  dir.Write(
      "p.json",
      "\xEF\xBB\xBF[\n{\"Id\": 1, \"Name\": {\"First\": \"Ana\"}, \"Tags\": [\"a\", \"b\"]},\n"
      "{\"Id\": 2 \"Name\": {}},\n\"fragment\",\n{\"Id\": 4, \"Name\": {\"First\": \"x\xFF\"}},\n"
      "{\"Id\": 5, \"Gone\": null}\n]\n");
  dir.Write("a.ndjson", "{\"id\": 10}\n{\"id\": 11, \"x\": \n\n{\"id\": 12}\n");
  const char* profile = R"({"kind": "t", "bundle": {"format": "json"}, "objects": [
      {"name": "p", "file": "p.json", "primary_key": "Id"},
      {"name": "a", "file": "a.ndjson", "format": "ndjson", "primary_key": "id"}]})";
  auto source = NewBundleSource(MustParse(profile), BundleSourceOptions{dir.path()});
  auto p = ReadObject(*source, "p");
  ASSERT_EQ(p.records.size(), 2u);
  EXPECT_EQ(*p.records[0].Get("Name.First"), "Ana");
  EXPECT_EQ(*p.records[0].Get("Tags.1"), "b");
  EXPECT_EQ(p.records[1].id, "5");
  EXPECT_EQ(p.records[1].Get("Gone"), nullptr);
  ASSERT_EQ(p.errors.size(), 3u);
  EXPECT_EQ(p.errors[0].line, 3);
  EXPECT_EQ(p.errors[0].reason, "malformed JSON: not a valid JSON value");
  EXPECT_EQ(p.errors[1].line, 4);
  EXPECT_EQ(p.errors[1].reason, "not a JSON object");
  EXPECT_EQ(p.errors[2].line, 5);
  EXPECT_EQ(p.errors[2].field, "Name.First");
  EXPECT_EQ(p.errors[2].record_id, "4");
  auto a = ReadObject(*source, "a");
  ASSERT_EQ(a.records.size(), 2u);
  ASSERT_EQ(a.errors.size(), 1u);
  EXPECT_EQ(a.errors[0].line, 2);
  EXPECT_EQ(a.records[1].line, 4);
}

// Shards: many records with line breaks inside quotes; every record read exactly once.
TEST(BundleSourceTest, ShardsCoverEveryRowExactlyOnce) {
  TempDir dir;
  std::string csv = "Patient ID;Name;Modified\n";
  std::string json = "[\n";
  for (int i = 0; i < 5000; ++i) {
    csv += std::to_string(i) + ";\"name " + std::to_string(i) + "\nsecond line; \"\"q\"\"\";\n";
    json += (i ? ",\n" : "") + std::string("{\"Id\": ") + std::to_string(i) +
            ", \"T\": \"a\\nb ] } ,\"}";
  }
  json += "\n]\n";
  dir.Write("Patients.csv", csv);
  dir.Write("p.json", json);
  const char* profile = R"({"kind": "t", "bundle": {"format": "csv", "delimiter": ";"},
      "objects": [{"name": "patients", "file": "Patients.csv", "primary_key": "Patient ID"},
                  {"name": "p", "file": "p.json", "format": "json", "primary_key": "Id"}]})";
  BundleSourceOptions options{dir.path()};
  options.min_shard_bytes = 1000;
  auto source = NewBundleSource(MustParse(profile), options);
  for (const std::string object : {"patients", "p"}) {
    auto plan = source->PlanShards(object, 7);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->size(), 7u);
    auto read = ReadObject(*source, object, 7);
    EXPECT_TRUE(read.errors.empty());
    std::multiset<std::string> seen;
    for (const auto& r : read.records) seen.insert(r.id);
    ASSERT_EQ(seen.size(), 5000u) << object;
    for (int i = 0; i < 5000; ++i) EXPECT_EQ(seen.count(std::to_string(i)), 1u);
    if (object == "patients") {
      EXPECT_EQ(*read.records[4999].Get("Name"), "name 4999\nsecond line; \"q\"");
      EXPECT_EQ(read.records[4999].line, 2 + 2 * 4999);
    }
  }
}

}  // namespace
}  // namespace bridgework::sources
