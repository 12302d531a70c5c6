// The proposer's precision and recall against the default maps as truth, on each vendor's
// generated bundle, and on the same bundle with its columns renamed (synonyms in other
// languages, other casing and spacing). Prints the figures; asserts floors below the measured
// values so that a regression fails.
//
// Scoring, per source object with a default target: the truth is the primary target's
// single-source fields (from -> to). A proposal for a truth field is right when its target is
// the truth's; a proposal for a field the map leaves out everywhere counts as wrong; fields the
// map uses only in other targets or joins are not scored.
// precision = right / proposed, recall = right / truth fields.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "connectors/sources/bundle/bundle_source.h"
#include "connectors/sources/generator/generator.h"
#include "connectors/sources/profiles/profile.h"
#include "mapping/mapper.h"
#include "mapping/proposer.h"
#include "mapping/text_util.h"

namespace bridgework::mapping {
namespace {

namespace fs = std::filesystem;

std::string SourceDir() {
  const char* dir = std::getenv("BW_SOURCE_DIR");
  return dir ? dir : BW_SOURCE_DIR_DEFAULT;
}

// Renames a column the way another export (or language) would write it.
std::string Rename(const std::string& name, size_t index) {
  static const std::map<std::string, std::string> kTable = {
      {"first_name", "Vorname"},
      {"last_name", "Nachname"},
      {"date_of_birth", "Geburtsdatum"},
      {"email", "E-Mail Address"},
      {"home_phone", "Telefono"},
      {"mobile_phone", "Cell Phone"},
      {"gender", "Geschlecht"},
      {"policy_number", "Policennummer"},
      {"group_number", "Grup No"},
      {"created_at", "Fecha de creacion"},
      {"updated_at", "Last Modified"},
      {"dogum_tarihi", "Date of Birth"},
      {"eposta", "Email Address"},
      {"telefon", "Phone Number"},
      {"cep_telefonu", "Mobile Phone"},
      {"date_of_birth_", "DOB"},
      {"Date Of Birth", "fecha_de_nacimiento"},
      {"Email", "correo electronico"},
      {"Home Phone", "telephone"},
      {"Mobile", "movil"},
      {"DateOfBirth", "doğum tarihi"},
      {"Contact.Email", "courriel"},
      {"Contact.Phone", "Téléphone"},
      {"Contact.Mobile", "Handy"},
      {"Address.City", "Stadt"},
      {"Address.PostalCode", "PLZ"},
      {"adres.il", "City"},
      {"adres.posta_kodu", "Zip Code"},
      {"preferred_name", "Known As"},
      {"consent_sms", "SMS Opt In"},
      {"consent_email", "Email Opt-In"},
      {"kayit_zamani", "Created On"},
      {"Created", "erstellt am"},
      {"Sex", "GENDER"},
      {"cinsiyet", "sexo"},
      {"Fund Member Number", "Member Number"},
  };
  auto it = kTable.find(name);
  if (it != kTable.end()) return it->second;
  std::string spaced;
  for (char c : name) spaced.push_back(c == '_' || c == '.' ? ' ' : c);
  if (index % 2 == 0) return "  " + ToUpperUtf8(spaced) + " ";
  return spaced;
}

struct Score {
  int right = 0, proposed = 0, truth = 0;
  int sure_right = 0, sure_proposed = 0;  // proposals with confidence >= 0.8
};

Score Evaluate(const char* map_name, const char* kind, bool renamed, const fs::path& dir) {
  Score score;
  StatusOr<sources::Profile> profile = sources::BuiltinProfile(kind);
  EXPECT_TRUE(profile.ok());
  StatusOr<MapFile> map = LoadMapFile(SourceDir() + "/maps/" + map_name + ".yaml");
  EXPECT_TRUE(map.ok()) << map.status().ToString();
  std::ifstream in(SourceDir() + "/tests/mapping/fixtures/" +
                   (map->destination == "twenty" ? "twenty_schema.json" : "odoo17_schema.json"));
  std::stringstream ss;
  ss << in.rdbuf();
  StatusOr<connectors::DestinationSchema> schema = SchemaFromJson(Json::parse(ss.str()));
  EXPECT_TRUE(schema.ok());
  Proposer proposer(*schema, LearnedPairs{}, ProposerOptions{});
  sources::BundleSourceOptions bo;
  bo.dir = dir.string();
  auto source = sources::NewBundleSource(*profile, bo);
  auto desc = source->Describe();
  for (const ObjectMap& om : map->objects) {
    if (om.targets.empty()) continue;
    const TargetRule& primary = om.targets[0];
    std::map<std::string, std::set<std::string>> truth;
    std::set<std::string> used_elsewhere;
    for (const TargetRule& t : om.targets) {
      for (const FieldRule& f : t.fields) {
        for (const std::string& from : f.from) used_elsewhere.insert(from);
        if (&t == &primary && f.from.size() == 1 && !f.constant) truth[f.from[0]].insert(f.to);
      }
      for (const ReferenceRule& r : t.references) used_elsewhere.insert(r.from);
    }
    const connectors::SourceObject* so = desc->Find(om.object);
    if (so == nullptr) continue;
    // Samples.
    std::map<std::string, SourceFieldInfo> info;
    std::vector<std::string> order;
    auto shards = source->PlanShards(om.object, 1);
    auto cursor = source->Open(shards->front(), {});
    connectors::SourceRow row;
    for (int n = 0; n < 40;) {
      row = {};
      auto more = (*cursor)->Next(&row);
      if (!more.ok() || !*more) break;
      if (!row.record) continue;
      ++n;
      for (const auto& f : row.record->fields) {
        if (!info.count(f.name)) order.push_back(f.name);
        info[f.name].name = f.name;
        if (f.value && !f.value->empty() && info[f.name].samples.size() < 20) {
          info[f.name].samples.push_back(*f.value);
        }
      }
    }
    std::vector<SourceFieldInfo> fields;
    std::map<std::string, std::string> original_of;
    for (size_t i = 0; i < order.size(); ++i) {
      SourceFieldInfo fi = info[order[i]];
      for (const auto& r : so->references) fi.reference |= r.field == order[i];
      fi.primary_key = order[i] == so->primary_key;
      fi.modified_at = order[i] == so->modified_at_field;
      if (renamed) fi.name = Rename(order[i], i);
      original_of[fi.name] = order[i];
      fields.push_back(fi);
    }
    for (const Proposal& p : proposer.Propose(primary.model, fields)) {
      const std::string& orig = original_of[p.field];
      bool in_truth = truth.count(orig) > 0;
      if (in_truth) ++score.truth;
      if (p.target_field.empty()) continue;
      bool verbose = std::getenv("BW_EVAL_VERBOSE") != nullptr;
      bool sure = p.confidence >= 0.8;
      if (in_truth) {
        ++score.proposed;
        score.sure_proposed += sure;
        if (truth[orig].count(p.target_field)) {
          ++score.right;
          score.sure_right += sure;
        } else if (verbose) {
          std::printf("  wrong %s.%s -> %s (truth %s): %s\n", om.object.c_str(), orig.c_str(),
                      p.target_field.c_str(), truth[orig].begin()->c_str(), p.reason.c_str());
        }
      } else if (!used_elsewhere.count(orig)) {
        ++score.proposed;  // proposes a field the map leaves out: wrong
        score.sure_proposed += sure;
        if (verbose) {
          std::printf("  extra %s.%s -> %s\n", om.object.c_str(), orig.c_str(),
                      p.target_field.c_str());
        }
      }
    }
  }
  return score;
}

struct Pair {
  const char* map;
  const char* kind;
};

TEST(ProposerEval, PrecisionAndRecallAgainstDefaultMaps) {
  const Pair kPairs[] = {{"sensei-cloud-to-odoo", "sensei-cloud"},
                         {"core-practice-to-odoo", "core-practice"},
                         {"dr-dentes-to-odoo", "dr-dentes"},
                         {"sensei-cloud-to-twenty", "sensei-cloud"},
                         {"clinic-place-to-odoo", "clinic-place"}};
  Score total[2];
  std::printf("%-24s %-9s %9s %9s %7s %7s %7s %10s %6s\n", "pair", "columns", "precision", "recall",
              "right", "prop.", "truth", "P(>=0.8)", "n");
  for (const Pair& pair : kPairs) {
    fs::path dir = fs::temp_directory_path() /
                   ("bw-propose-" + std::string(pair.map) + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    StatusOr<sources::Profile> profile = sources::BuiltinProfile(pair.kind);
    ASSERT_TRUE(profile.ok());
    sources::GenerateOptions gen;
    gen.out_dir = dir.string();
    gen.patients = 120;
    gen.seed = 5;
    gen.large_file_bytes = 2000;
    gen.large_files = 1;
    gen.max_attachment_bytes = 100000;
    gen.attachment_files = 10;
    ASSERT_TRUE(sources::GenerateBundle(*profile, gen).ok());
    for (int renamed = 0; renamed < 2; ++renamed) {
      Score s = Evaluate(pair.map, pair.kind, renamed == 1, dir);
      total[renamed].right += s.right;
      total[renamed].proposed += s.proposed;
      total[renamed].truth += s.truth;
      total[renamed].sure_right += s.sure_right;
      total[renamed].sure_proposed += s.sure_proposed;
      std::printf("%-24s %-9s %9.3f %9.3f %7d %7d %7d %10.3f %6d\n", pair.map,
                  renamed ? "renamed" : "original",
                  s.proposed ? static_cast<double>(s.right) / s.proposed : 0.0,
                  s.truth ? static_cast<double>(s.right) / s.truth : 0.0, s.right, s.proposed,
                  s.truth,
                  s.sure_proposed ? static_cast<double>(s.sure_right) / s.sure_proposed : 0.0,
                  s.sure_proposed);
    }
    fs::remove_all(dir);
  }
  for (int renamed = 0; renamed < 2; ++renamed) {
    double p = static_cast<double>(total[renamed].right) / std::max(1, total[renamed].proposed);
    double r = static_cast<double>(total[renamed].right) / std::max(1, total[renamed].truth);
    double sp =
        static_cast<double>(total[renamed].sure_right) / std::max(1, total[renamed].sure_proposed);
    std::printf("%-24s %-9s %9.3f %9.3f %7d %7d %7d %10.3f %6d\n", "ALL",
                renamed ? "renamed" : "original", p, r, total[renamed].right,
                total[renamed].proposed, total[renamed].truth, sp, total[renamed].sure_proposed);
    EXPECT_GE(sp, 0.8) << (renamed ? "renamed" : "original");
    EXPECT_GE(p, 0.4) << (renamed ? "renamed" : "original");
    EXPECT_GE(r, 0.4) << (renamed ? "renamed" : "original");
  }
}

TEST(ProposerEval, ConfirmedPairsAreProposedFirst) {
  connectors::DestinationSchema schema;
  schema.kind = "odoo";
  schema.models["res.partner"].fields["name"] = {};
  LearnedPairs learned;
  learned.pairs[FoldKey("Pet Name")] = "res.partner.x_pet_name";
  Proposer proposer(schema, learned, {});
  std::vector<Proposal> p = proposer.Propose("res.partner", {{"Pet Name", {"Rex"}, false}});
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].target_field, "x_pet_name");
  EXPECT_GE(p[0].confidence, 0.95);
  EXPECT_NE(p[0].reason.find("confirmed"), std::string::npos);
}

TEST(ProposerEval, SynonymsInOtherLanguagesAndUnsureFieldsUnmapped) {
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

}  // namespace
}  // namespace bridgework::mapping
