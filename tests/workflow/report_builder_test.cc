#include "cli/workflow/report_builder.h"

#include <gtest/gtest.h>

namespace bridgework::cli::workflow {
namespace {

ReportInput Input() {
  ReportInput in;
  in.migration = "m";
  in.run_id = "r1";
  in.status = "done";
  in.object_order = {"patients", "notes"};
  state::ObjectCounters p;
  p.read = 10;
  p.loaded = 8;
  p.failed = 1;
  p.skipped = 1;
  in.counters["patients"] = p;
  state::ObjectCounters n;
  n.read = 5;
  n.loaded = 3;
  n.unlinked = 1;  // one note neither loaded nor reported
  in.counters["notes"] = n;
  in.missing_ids["notes"] = {"N9"};
  in.failures = {{"patients", "P3", "email", "invalid email", "failed"},
                 {"notes", "N4", "patient_id", "parent patients P3 is not migrated", "unlinked"}};
  in.runs = {{"r0", "", "done", 10, 0, 0}, {"r1", "2024-05-01T00:00:00Z", "done", 2, 1, 0}};
  return in;
}

TEST(Reconcile, ReadEqualsLoadedSkippedFailedUnlinked) {
  auto r = Reconcile(Input());
  ASSERT_EQ(r.size(), 2u);
  EXPECT_TRUE(r[0].reconciled);
  EXPECT_FALSE(r[1].reconciled);
  EXPECT_EQ(r[1].accounted, 4);
}

TEST(BuildReportJson, NamesMissingRecordsAndSplitsFailuresFromUnlinked) {
  Json j = BuildReportJson(Input());
  EXPECT_FALSE(j["reconciled"].get<bool>());
  EXPECT_TRUE(j["objects"]["patients"]["reconciled"].get<bool>());
  EXPECT_EQ(j["objects"]["notes"]["missing"], 1);
  EXPECT_EQ(j["objects"]["notes"]["missing_ids"][0], "N9");
  EXPECT_EQ(j["failures"].size(), 1u);
  EXPECT_EQ(j["unlinked"].size(), 1u);
  EXPECT_EQ(j["deltas"].size(), 1u);
  EXPECT_EQ(j["deltas"][0]["run_id"], "r1");
  EXPECT_TRUE(j["owners"].is_null());
}

TEST(RenderReportHtml, SelfContainedWithBarsAndEscapedText) {
  ReportInput in = Input();
  in.failures.push_back({"patients", "P<9>", "", "bad <script>", "failed"});
  std::string html = RenderReportHtml(BuildReportJson(in));
  EXPECT_NE(html.find("class=\"bar"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);  // no external assets
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_NE(html.find("1 missing: N9"), std::string::npos);
}

TEST(AuditCsv, OneRowPerBatchWithIdsNoValues) {
  state::AuditEntry e;
  e.id = "1-0";
  e.run = "r1";
  e.batch = "l/patients/0/1";
  e.object = "patients";
  e.worker = "w1";
  e.time_ms = 5;
  e.created = 3;
  std::string csv = AuditCsv({e});
  EXPECT_EQ(csv,
            "entry,time_ms,run,batch,object,worker,created,updated,failed,unlinked\r\n"
            "1-0,5,r1,l/patients/0/1,patients,w1,3,0,0,0\r\n");
}

TEST(RecordsCsv, ColumnsFromMapOrEveryField) {
  SourceRecord a;
  a.id = "1";
  a.Set("name", "Ana, \"Jr\"");
  a.Set("amount", "5");
  SourceRecord b;
  b.id = "2";
  b.Set("extra", "x");
  EXPECT_EQ(RecordsCsv({a, b}, {}), "name,amount,extra\r\n\"Ana, \"\"Jr\"\"\",5,\r\n,,x\r\n");
  EXPECT_EQ(RecordsCsv({a}, {"amount"}), "amount\r\n5\r\n");
}

TEST(RebuildReference, ListsEveryRecordOfRebuildOnlyObjects) {
  mapping::MapFile map;
  map.pair = "x-to-y";
  map.rebuild_only.push_back({"automations", "Automation", "no API to create them"});
  SourceRecord r;
  r.id = "A1";
  r.Set("trigger", "appointment booked");
  Json ref = RebuildReferenceJson(map, {{"automations", {r}}});
  EXPECT_EQ(ref["objects"][0]["count"], 1);
  EXPECT_EQ(ref["objects"][0]["records"][0]["fields"]["trigger"], "appointment booked");
  std::string md = RebuildReferenceMarkdown(ref);
  EXPECT_NE(md.find("### A1"), std::string::npos);
  EXPECT_NE(md.find("- **trigger**: appointment booked"), std::string::npos);
}

}  // namespace
}  // namespace bridgework::cli::workflow
