#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "mapping/confirmation.h"
#include "mapping/field_diff.h"

namespace bridgework::mapping {
namespace {

namespace fs = std::filesystem;

class ConfirmationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bw-confirm-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    path_ = (dir_ / "m.yaml").string();
    Write("source: sensei-cloud\ndestination: odoo\n");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& text) { std::ofstream(path_, std::ios::binary) << text; }
  fs::path dir_;
  std::string path_;
};

TEST_F(ConfirmationTest, UnconfirmedMapIsRefused) {
  Status s = CheckConfirmed(path_);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("not confirmed"), std::string::npos);
}

TEST_F(ConfirmationTest, ConfirmedMapPassesAndChangedMapIsRefused) {
  StatusOr<Confirmation> c = ConfirmMap(path_, "Dr. Ada", "2026-11-25T12:00:00Z");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(CheckConfirmed(path_).ok());
  struct stat st;
  ASSERT_EQ(::stat(ConfirmationPath(path_).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Write("source: sensei-cloud\ndestination: twenty\n");
  Status s = CheckConfirmed(path_);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("changed since it was confirmed by Dr. Ada"), std::string::npos);
}

TEST_F(ConfirmationTest, BrokenMapCannotBeConfirmed) {
  Write("source: x\ndestination: odoo\nbogus: 1\n");
  EXPECT_FALSE(ConfirmMap(path_, "Ada", "2026-11-25T12:00:00Z").ok());
  EXPECT_FALSE(ConfirmMap(path_, "", "2026-11-25T12:00:00Z").ok());
}

TEST(FieldDiffTest, Verdicts) {
  std::string how;
  EXPECT_EQ(CompareValues("Jane", "Jane", &how), Verdict::kEqual);
  EXPECT_EQ(CompareValues("Jane Doe", " JANE  doe", &how), Verdict::kEqualNormalised);
  EXPECT_EQ(CompareValues("jane@x.com", "Jane@X.com", &how), Verdict::kEqualNormalised);
  EXPECT_EQ(CompareValues("+14155550132", "(415) 555-0132", &how), Verdict::kEqualNormalised);
  EXPECT_EQ(how, "phone E.164");
  EXPECT_EQ(CompareValues("2024-03-01 10:00:00", "2024-03-01T10:00:00Z", &how),
            Verdict::kEqualNormalised);
  EXPECT_EQ(CompareValues("<p>a &amp; b</p>", "a & b", &how), Verdict::kEqualNormalised);
  EXPECT_EQ(CompareValues(Json(), false, &how), Verdict::kEqualNormalised);
  EXPECT_EQ(CompareValues("x", false, &how), Verdict::kMissing);
  EXPECT_EQ(CompareValues(Json(7), Json::array({7, "Partner"}), &how), Verdict::kEqualNormalised);
  EXPECT_EQ(CompareValues(12.5, "12.50", &how), Verdict::kEqualNormalised);
  EXPECT_EQ(CompareValues(true, true, &how), Verdict::kEqual);
  EXPECT_EQ(CompareValues(true, false, &how), Verdict::kDiffers);
  EXPECT_EQ(CompareValues("Smith", "Smyth", &how), Verdict::kDiffers);
}

TEST(FieldDiffTest, RecordsAndReports) {
  TargetRecord t;
  t.model = "people";
  t.object = "patients";
  t.source_id = "P1";
  t.target = "person";
  t.values = {{"name.firstName", "Zoë"}, {"emails.primaryEmail", "z@x.org"}, {"city", "Austin"}};
  TargetRecord gone = t;
  gone.source_id = "P2";
  connectors::StoredRecord s;
  s.exists = true;
  s.destination_id = "uuid-1";
  s.values = {{"name", {{"firstName", "Zoë"}}}, {"emails", {{"primaryEmail", "Z@X.org"}}}};
  DiffReport r = DiffRecords({t, gone}, {{t.Key(), s}});
  EXPECT_EQ(r.counts["equal"], 1);
  EXPECT_EQ(r.counts["equal_normalised"], 1);
  EXPECT_EQ(r.counts["missing"], 4);
  EXPECT_NE(r.ToHtml().find("<table>"), std::string::npos);
  EXPECT_NE(r.ToCsv().find("patients/P1/person,people,uuid-1"), std::string::npos);
  EXPECT_EQ(r.ToJson()["fields"].size(), 6u);
}

TEST(FieldDiffTest, HtmlEscapesValues) {
  TargetRecord t;
  t.model = "res.partner";
  t.object = "p";
  t.source_id = "1";
  t.target = "partner";
  t.values = {{"name", "<script>x</script>"}};
  DiffReport r = DiffRecords({t}, {});
  EXPECT_EQ(r.ToHtml().find("<script>"), std::string::npos);
}

}  // namespace
}  // namespace bridgework::mapping
