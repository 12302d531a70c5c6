// Items of a REST page to rows, and the vendors' time notations to ISO-8601 UTC.
#include "connectors/sources/rest/json_record.h"

#include <gtest/gtest.h>

namespace bridgework::connectors::rest {
namespace {

RestObject Patients(const std::string& format = "MM/DD/YYYY HH:mm:ss") {
  RestObject o;
  o.object.name = "patients";
  o.object.primary_key = "id";
  o.object.modified_at_field = "meta.updated";
  o.endpoint = "/patients";
  o.modified_at_format = format;
  return o;
}

TEST(JsonRecordTest, NestedObjectsAndListsAreFlattened) {
  Json item = Json::parse(R"({"id": 17, "name": {"first": "Ana", "last": ""}, "tags": ["a", "b"],
    "vip": true, "balance": 12.5, "email": null, "meta": {"updated": "03/01/2024 10:00:00"}})");
  SourceRow row = ItemToRow(item, Patients(), "/patients", 4);
  ASSERT_TRUE(row.record.has_value());
  const SourceRecord& r = *row.record;
  EXPECT_EQ(r.id, "17");
  EXPECT_EQ(r.object, "patients");
  EXPECT_EQ(r.line, 4);
  EXPECT_EQ(*r.Get("name.first"), "Ana");
  EXPECT_EQ(r.Get("name.last"), nullptr);  // empty is absent
  EXPECT_EQ(r.Get("email"), nullptr);
  EXPECT_EQ(*r.Get("tags.1"), "b");
  EXPECT_EQ(*r.Get("vip"), "true");
  EXPECT_EQ(*r.Get("balance"), "12.5");
  EXPECT_EQ(r.modified_at, "2024-03-01T10:00:00Z");
}

TEST(JsonRecordTest, ItemsThatAreNotRecordsAreRowErrorsWithoutValues) {
  SourceRow row = ItemToRow(Json::parse(R"(["P-1", "Ana"])"), Patients(), "/patients", 9);
  ASSERT_TRUE(row.error.has_value());
  EXPECT_FALSE(row.record.has_value());
  EXPECT_EQ(row.error->line, 9);
  EXPECT_EQ(row.error->file, "/patients");
  EXPECT_EQ(row.error->reason, "record is not a JSON object");
  EXPECT_EQ(row.error->value_kind, "JSON array");
  EXPECT_EQ(row.error->ToString().find("Ana"), std::string::npos);

  row = ItemToRow(Json::parse(R"({"name": "Ana"})"), Patients(), "/patients", 10);
  ASSERT_TRUE(row.error.has_value());
  EXPECT_EQ(row.error->field, "id");
  EXPECT_EQ(row.error->ToString().find("Ana"), std::string::npos);
}

TEST(JsonRecordTest, UnreadableModifiedAtLeavesItEmptyButKeepsTheRecord) {
  SourceRow row =
      ItemToRow(Json::parse(R"({"id": "P-1", "meta": {"updated": "02/30/2024 10:00:00"}})"),
                Patients(), "/patients", 1);
  ASSERT_TRUE(row.record.has_value());
  EXPECT_EQ(row.record->modified_at, "");
  EXPECT_EQ(*row.record->Get("meta.updated"), "02/30/2024 10:00:00");
}

TEST(JsonRecordTest, TimestampsInEveryVendorNotation) {
  EXPECT_EQ(NormalizeTimestamp("03/01/2024 10:00:00", "MM/DD/YYYY HH:mm:ss"),
            "2024-03-01T10:00:00Z");
  EXPECT_EQ(NormalizeTimestamp("01.03.2024 10:00:05", "DD.MM.YYYY HH:mm:ss"),
            "2024-03-01T10:00:05Z");
  EXPECT_EQ(NormalizeTimestamp("01/03/2024 10:00", "DD/MM/YYYY HH:mm"), "2024-03-01T10:00:00Z");
  EXPECT_EQ(NormalizeTimestamp("1709287200", "epoch"), "2024-03-01T10:00:00Z");
  EXPECT_EQ(NormalizeTimestamp("1709287200000", "epoch_ms"), "2024-03-01T10:00:00Z");
  EXPECT_EQ(NormalizeTimestamp("2024-03-01T12:00:00+02:00", "iso8601"), "2024-03-01T10:00:00Z");
  EXPECT_EQ(NormalizeTimestamp("2024-03-01T10:00:00.123Z", "iso8601"), "2024-03-01T10:00:00Z");
  EXPECT_EQ(NormalizeTimestamp("2023-02-29", "iso8601"), std::nullopt);
  EXPECT_EQ(NormalizeTimestamp("13/01/2024 10:00:00", "MM/DD/YYYY HH:mm:ss"), std::nullopt);
  EXPECT_EQ(NormalizeTimestamp("yesterday", "epoch"), std::nullopt);
}

TEST(JsonRecordTest, ModifiedSinceInTheApisFormat) {
  EXPECT_EQ(*FormatModifiedSince("2024-03-01T10:00:00Z", "iso8601"), "2024-03-01T10:00:00Z");
  EXPECT_EQ(*FormatModifiedSince("2024-03-01T10:00:00Z", "epoch"), "1709287200");
  EXPECT_EQ(*FormatModifiedSince("2024-03-01T10:00:00Z", "epoch_ms"), "1709287200000");
  EXPECT_FALSE(FormatModifiedSince("last week", "iso8601").ok());
  EXPECT_FALSE(FormatModifiedSince("2024-03-01T10:00:00Z", "MM/DD/YYYY").ok());
}

}  // namespace
}  // namespace bridgework::connectors::rest
