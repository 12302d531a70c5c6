// The proposer against the default maps as truth (tests/mapping/proposer_scoring.h says how it
// is scored; bench/proposer_eval prints the full table for docs/map-format.md): a confident
// proposal is right, on every pair's generated bundle, with its own column names and renamed;
// a confirmed map teaches the proposer; and unit cases for synonyms, links and unsure fields.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "connectors/sources/generator/generator.h"
#include "connectors/sources/profiles/profile.h"
#include "mapping/mapper.h"
#include "mapping/proposer.h"
#include "mapping/text_util.h"
#include "tests/mapping/proposer_scoring.h"

namespace bridgework::mapping {
namespace {

namespace fs = std::filesystem;
using eval::Counts;
using eval::Renaming;

std::string SourceDir() {
  const char* dir = std::getenv("BW_SOURCE_DIR");
  return dir ? dir : BW_SOURCE_DIR_DEFAULT;
}

using eval::kPairs;
using eval::Pair;
constexpr Renaming kModes[] = {Renaming::kNone, Renaming::kRestyled, Renaming::kTranslated};
constexpr double kConfident = 0.8;

// A generated bundle per vendor kind, in a temp folder of this test process.
class ProposerEval : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("bw-proposer-eval-" + std::to_string(::getpid()));
  }
  void TearDown() override { fs::remove_all(root_); }

  eval::PairSpec Spec(const Pair& pair) {
    fs::path dir = root_ / pair.kind;
    if (!fs::exists(dir / "truth.json")) {
      StatusOr<sources::Profile> profile = sources::BuiltinProfile(pair.kind);
      EXPECT_TRUE(profile.ok());
      sources::GenerateOptions gen;
      gen.out_dir = dir.string();
      gen.patients = 120;
      gen.seed = 5;
      gen.large_file_bytes = 2000;
      gen.large_files = 1;
      gen.attachment_files = 10;
      StatusOr<Json> summary = sources::GenerateBundle(*profile, gen);
      EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    }
    eval::PairSpec spec;
    spec.map_path = SourceDir() + "/maps/" + pair.map + ".yaml";
    spec.schema_path = SourceDir() + "/tests/mapping/fixtures/" + pair.schema;
    spec.kind = pair.kind;
    spec.bundle_dir = dir.string();
    return spec;
  }

  static std::string Explain(const std::vector<eval::Mistake>& mistakes) {
    std::string out;
    for (const eval::Mistake& m : mistakes) {
      if (m.proposed.empty() || m.confidence < kConfident) continue;
      out += "  " + m.object + "." + m.field + " as '" + m.renamed_as + "' -> " + m.model + "." +
             m.proposed + " (map: " + m.truth + "): " + m.reason + "\n";
    }
    return out;
  }

  fs::path root_;
};

// The user's check: what the proposer says it is sure of is right. One vendor's bundle with a
// floor that cannot pass by proposing nothing.
TEST_F(ProposerEval, SenseiCloudConfidentProposalsAreRight) {
  std::vector<eval::Mistake> mistakes;
  StatusOr<Counts> c = eval::ScorePair(Spec(kPairs[0]), Renaming::kNone, kConfident, &mistakes);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_GE(c->confident_proposed, 25);
  EXPECT_GE(c->ConfidentPrecision(), 0.95) << Explain(mistakes);
  EXPECT_GE(c->Recall(), 0.75);
}

// Every pair, plain and renamed: confident precision >= 0.95 per pair and mode; recall floors on
// the totals a little below the figures in docs/map-format.md.
TEST_F(ProposerEval, ConfidentPrecisionOnEveryPairPlainAndRenamed) {
  Counts total[3];
  for (const Pair& pair : kPairs) {
    eval::PairSpec spec = Spec(pair);
    for (int m = 0; m < 3; ++m) {
      std::vector<eval::Mistake> mistakes;
      StatusOr<Counts> c = eval::ScorePair(spec, kModes[m], kConfident, &mistakes);
      ASSERT_TRUE(c.ok()) << pair.map << ": " << c.status().ToString();
      std::printf("%-24s %-10s precision %.3f recall %.3f confident %.3f (n=%d)\n", pair.map,
                  eval::RenamingName(kModes[m]), c->Precision(), c->Recall(),
                  c->ConfidentPrecision(), c->confident_proposed);
      EXPECT_GE(c->ConfidentPrecision(), 0.95)
          << pair.map << " " << eval::RenamingName(kModes[m]) << "\n"
          << Explain(mistakes);
      total[m].Add(*c);
    }
  }
  EXPECT_GE(total[0].Recall(), 0.70);
  EXPECT_GE(total[1].Recall(), 0.70);
  EXPECT_GE(total[2].Recall(), 0.65);
  for (const Counts& t : total) EXPECT_GE(t.confident_proposed, 90);
}

// A confirmed map teaches it: after `map confirm` of a map (LearnFromMap), the fields it placed
// are proposed first, confidently, also when the export spells them differently.
TEST_F(ProposerEval, AConfirmedMapTeachesTheProposer) {
  const Pair& pair = kPairs[3];  // clinic-place: its custom names are the hardest to guess
  eval::PairSpec spec = Spec(pair);
  StatusOr<Counts> before = eval::ScorePair(spec, Renaming::kRestyled, kConfident, nullptr);
  ASSERT_TRUE(before.ok());
  StatusOr<MapFile> map = LoadMapFile(spec.map_path);
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  spec.learned_path = (root_ / "learned-pairs.json").string();
  ASSERT_TRUE(LearnFromMap(*map, spec.learned_path).ok());
  std::vector<eval::Mistake> mistakes;
  StatusOr<Counts> after = eval::ScorePair(spec, Renaming::kRestyled, kConfident, &mistakes);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_LT(before->Recall(), 0.8);
  EXPECT_GE(after->Recall(), 0.95);
  EXPECT_GE(after->ConfidentPrecision(), 0.95) << Explain(mistakes);
  EXPECT_GT(after->confident_right, before->confident_right);

  // One field: the confirmed custom name wins over the synonym table's guess.
  StatusOr<LearnedPairs> learned = LoadLearnedPairs(spec.learned_path);
  ASSERT_TRUE(learned.ok());
  StatusOr<connectors::DestinationSchema> schema = connectors::DestinationSchema{};
  schema->kind = "odoo";
  schema->models["res.partner"].fields["name"] = {};
  Proposer taught(*schema, *learned, {});
  Proposer fresh(*schema, {}, {});
  std::vector<SourceFieldInfo> nhs = {{"PROPERTIES NHS NUMBER", {"943 476 5919"}, false}};
  std::vector<Proposal> t = taught.Propose("res.partner", nhs, "patients");
  std::vector<Proposal> f = fresh.Propose("res.partner", nhs, "patients");
  EXPECT_EQ(t[0].target_field, "x_clinic_nhs_number");
  EXPECT_GE(t[0].confidence, 0.95);
  EXPECT_NE(t[0].reason.find("confirmed"), std::string::npos);
  EXPECT_NE(f[0].target_field, "x_clinic_nhs_number");
  // Confirmed for patients only: for another object of the model it is a hint, not a certainty.
  std::vector<Proposal> other = taught.Propose("res.partner", nhs, "practices");
  EXPECT_EQ(other[0].target_field, "x_clinic_nhs_number");
  EXPECT_LT(other[0].confidence, 0.8);
  EXPECT_EQ(other[0].reason.rfind("unsure:", 0), 0u);
}

TEST(ProposerRenamer, IsDeterministicAndRenames) {
  int changed = 0;
  for (const char* name : {"date_of_birth", "Home Phone", "Contact.Email", "adres.il"}) {
    for (Renaming r : {Renaming::kRestyled, Renaming::kTranslated}) {
      std::string a = eval::RenameColumn(name, 3, r), b = eval::RenameColumn(name, 3, r);
      EXPECT_EQ(a, b);
      changed += a != name;
    }
    EXPECT_EQ(eval::RenameColumn(name, 3, Renaming::kNone), name);
  }
  EXPECT_EQ(changed, 8);
  EXPECT_EQ(eval::RenameColumn("date_of_birth", 1, Renaming::kRestyled), "DATE_OF_BIRTH");
  EXPECT_EQ(eval::RenameColumn("date_of_birth", 2, Renaming::kRestyled), "dateOfBirth");
}

TEST(ProposerUnit, ConfirmedPairsAreProposedFirst) {
  connectors::DestinationSchema schema;
  schema.kind = "odoo";
  schema.models["res.partner"].fields["name"] = {};
  LearnedPairs learned;
  learned.pairs[FoldKey("Pet Name") + "@patients/res.partner"] = "res.partner.x_pet_name";
  learned.pairs[FoldKey("Chart No")] = "res.partner.ref";  // a file an older version wrote
  Proposer proposer(schema, learned, {});
  std::vector<Proposal> p = proposer.Propose(
      "res.partner", {{"Pet Name", {"Rex"}, false}, {"Chart No", {"7"}, false}}, "patients");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].target_field, "x_pet_name");
  EXPECT_GE(p[0].confidence, 0.95);
  EXPECT_NE(p[0].reason.find("confirmed"), std::string::npos);
  // Not tied to an object: still proposed, but as a hint a person checks.
  EXPECT_EQ(p[1].target_field, "ref");
  EXPECT_LT(p[1].confidence, 0.8);
}

TEST(ProposerUnit, SynonymsInOtherLanguagesAndUnsureFieldsUnmapped) {
  connectors::DestinationSchema schema;
  schema.kind = "odoo";
  for (const char* f : {"name", "email", "phone", "mobile", "city", "zip"}) {
    schema.models["res.partner"].fields[f] = {};
  }
  Proposer proposer(schema, {}, {});
  std::vector<Proposal> p =
      proposer.Propose("res.partner", {{"Doğum Tarihi", {"01.02.1980", "15.11.1975"}, false},
                                       {"correo electronico", {"a@b.com", "c@d.org"}, false},
                                       {"Handy", {"0151 2345678"}, false},
                                       {"carrier_id", {"CAR-001"}, true},
                                       {"notes_blank", {}, false}});
  EXPECT_EQ(p[0].target_field, "x_date_of_birth");
  EXPECT_TRUE(p[0].custom);
  EXPECT_NE(p[0].reason.find("DD.MM.YYYY"), std::string::npos);
  EXPECT_EQ(p[1].target_field, "email");
  EXPECT_EQ(p[2].target_field, "mobile");
  EXPECT_TRUE(p[3].target_field.empty());
  EXPECT_NE(p[3].reason.find("reference"), std::string::npos);
  EXPECT_TRUE(p[4].target_field.empty());
  // A date-named field whose values are emails is not proposed with confidence.
  std::vector<Proposal> q = proposer.Propose("res.partner", {{"birthdate", {"a@b.com"}, false}});
  EXPECT_LT(q[0].confidence, 0.7);
}

TEST(ProposerUnit, ALinkFieldMatchedByNameAloneIsNotConfident) {
  connectors::DestinationSchema schema;
  schema.kind = "odoo";
  schema.models["res.partner"].fields["name"] = {};
  connectors::FieldInfo link;
  link.name = "industry_id";
  link.type = "many2one";
  link.relation = "res.partner.industry";
  schema.models["res.partner"].fields["industry_id"] = link;
  Proposer proposer(schema, {}, {});
  std::vector<Proposal> p = proposer.Propose("res.partner", {{"Industry ID", {"Dental"}, false}});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].target_field, "industry_id");
  EXPECT_LT(p[0].confidence, 0.8);
  EXPECT_NE(p[0].reason.find("lookup"), std::string::npos);
}

TEST(ProposerUnit, TheMoreConfidentFieldKeepsASharedTarget) {
  connectors::DestinationSchema schema;
  schema.kind = "odoo";
  for (const char* f : {"ref", "invoice_date"}) schema.models["account.move"].fields[f] = {};
  Proposer proposer(schema, {}, {});
  SourceFieldInfo id{"Id", {"INV-1"}, false};
  id.primary_key = true;
  std::vector<Proposal> p =
      proposer.Propose("account.move", {id, {"Invoice Number", {"2024-0001"}, false}});
  ASSERT_EQ(p.size(), 2u);
  EXPECT_TRUE(p[0].target_field.empty()) << p[0].reason;
  EXPECT_NE(p[0].reason.find("already taken by Invoice Number"), std::string::npos);
  EXPECT_EQ(p[1].target_field, "ref");
  EXPECT_GE(p[1].confidence, 0.8);
}

}  // namespace
}  // namespace bridgework::mapping
