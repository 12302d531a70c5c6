// Sample selection on hand-made records: the chosen roots together cover every provider, every
// appointment status and type, short and long notes and attachments; every child of a chosen
// root and every parent they reference are included; no patient value shows in the selection.
#include <gtest/gtest.h>

#include "cli/sample/sample_selection.h"

namespace bridgework::cli::sample {
namespace {

connectors::SourceDescription Source() {
  connectors::SourceDescription d;
  d.kind = "test";
  d.objects.push_back({"providers", "Provider", "id", "", {}, {}});
  d.objects.push_back({"patients", "Patient", "id", "", {}, {}});
  d.objects.push_back({"appointments",
                       "Appointment",
                       "id",
                       "",
                       {{"patient_id", "patients"}, {"provider_id", "providers"}},
                       {}});
  d.objects.push_back({"notes", "Note", "id", "", {{"patient_id", "patients"}}, {"file"}});
  return d;
}

mapping::MapFile Map() {
  mapping::MapFile m;
  mapping::ObjectMap patients;
  patients.object = "patients";
  mapping::TargetRule partner;
  partner.tag = "partner";
  partner.model = "res.partner";
  partner.fields.push_back({.to = "name", .from = {"name"}});
  patients.targets.push_back(partner);
  m.objects.push_back(patients);

  mapping::ObjectMap appts;
  appts.object = "appointments";
  mapping::TargetRule event;
  event.tag = "event";
  event.model = "calendar.event";
  mapping::FieldRule state{.to = "state", .from = {"status"}};
  state.value_map = {{"booked", "draft"}, {"cancelled", "cancel"}, {"completed", "done"}};
  event.fields.push_back(state);
  event.when = "type != hygiene and status present";
  event.references.push_back({"partner_id", "patient_id", "patients", "", true});
  event.references.push_back({"user_id", "provider_id", "providers", "", false});
  appts.targets.push_back(event);
  m.objects.push_back(appts);

  mapping::ObjectMap notes;
  notes.object = "notes";
  mapping::TargetRule msg;
  msg.tag = "message";
  msg.model = "mail.message";
  msg.fields.push_back({.to = "body", .from = {"body"}, .transforms = {"html_paragraphs"}});
  msg.references.push_back({"res_id", "patient_id", "patients", "", true});
  notes.targets.push_back(msg);
  m.objects.push_back(notes);
  return m;
}

SourceRecord Rec(const std::string& object, const std::string& id,
                 std::vector<std::pair<std::string, std::string>> fields) {
  SourceRecord r;
  r.object = object;
  r.id = id;
  r.Set("id", id);
  for (auto& [k, v] : fields) r.Set(k, v);
  return r;
}

struct Fixture {
  SelectionRules rules;
  std::map<std::string, std::vector<RecordFacts>> facts;

  Fixture() {
    mapping::MapFile map = Map();
    rules = RulesFrom(&map, Source());
    auto add = [&](SourceRecord r) {
      const ObjectRules* o = rules.Find(r.object);
      ASSERT_NE(o, nullptr);
      facts[r.object].push_back(FactsOf(r, *o));
    };
    for (const char* d : {"d1", "d2", "d3"}) add(Rec("providers", d, {{"name", "Dr"}}));
    for (int i = 0; i < 10; ++i) {
      add(Rec("patients", "p" + std::to_string(i), {{"name", "Zebulon Smith"}}));
    }
    add(Rec("appointments", "a0",
            {{"patient_id", "p0"}, {"provider_id", "d1"}, {"status", "booked"}, {"type", "exam"}}));
    add(Rec(
        "appointments", "a1",
        {{"patient_id", "p1"}, {"provider_id", "d2"}, {"status", "cancelled"}, {"type", "exam"}}));
    add(Rec("appointments", "a2",
            {{"patient_id", "p2"}, {"provider_id", "d1"}, {"status", "booked"}, {"type", "exam"}}));
    add(Rec("appointments", "a5",
            {{"patient_id", "p5"},
             {"provider_id", "d3"},
             {"status", "completed"},
             {"type", "hygiene"}}));
    add(Rec("appointments", "a5b",
            {{"patient_id", "p5"},
             {"provider_id", "d3"},
             {"status", "completed"},
             {"type", "hygiene"}}));
    add(Rec("notes", "n3", {{"patient_id", "p3"}, {"body", std::string(1500, 'x')}}));
    add(Rec("notes", "n4", {{"patient_id", "p4"}, {"body", "short"}}));
    add(Rec("notes", "n6", {{"patient_id", "p6"}, {"body", "short too"}}));
    add(Rec("notes", "n8", {{"patient_id", "p8"}, {"body", "with file"}, {"file", "x.pdf"}}));
  }
};

std::set<std::string> RootIds(const Selection& s) {
  std::set<std::string> out;
  for (const auto& r : s.roots) out.insert(r.id);
  return out;
}

TEST(SampleSelection, RulesComeFromTheMap) {
  Fixture f;
  ASSERT_EQ(f.rules.objects.size(), 4u);
  const ObjectRules* appts = f.rules.Find("appointments");
  ASSERT_NE(appts, nullptr);
  EXPECT_TRUE(appts->categorical_fields.count("status"));  // value map
  EXPECT_TRUE(appts->categorical_fields.count("type"));    // `when` condition
  ASSERT_EQ(appts->parents.size(), 2u);
  // Parents come before children.
  std::vector<std::string> order;
  for (const auto& o : f.rules.objects) order.push_back(o.object);
  auto pos = [&](const std::string& n) { return std::find(order.begin(), order.end(), n); };
  EXPECT_LT(pos("patients"), pos("appointments"));
  EXPECT_LT(pos("providers"), pos("appointments"));
  EXPECT_LT(pos("patients"), pos("notes"));
}

TEST(SampleSelection, CoversEveryValueThatMattersEvenBeyondTheSize) {
  Fixture f;
  Selection s = SelectSample(f.rules, f.facts, 2);
  EXPECT_EQ(s.root_object, "patients");
  auto roots = RootIds(s);
  // d2 + cancelled only through p1; d3 + completed + hygiene only through p5; the long note only
  // through p3; the attachment only through p8.
  for (const char* must : {"p1", "p5", "p3", "p8"}) EXPECT_TRUE(roots.count(must)) << must;
  EXPECT_TRUE(roots.count("p0") || roots.count("p2"));                       // d1 / booked
  EXPECT_TRUE(roots.count("p4") || roots.count("p6") || roots.count("p8"));  // a short note
  for (const auto& r : s.roots) EXPECT_FALSE(r.fill) << r.id;
  EXPECT_LE(roots.size(), 6u);  // greedy: no root without a new feature
  // Children of chosen roots and every provider they reference.
  EXPECT_TRUE(s.ids["appointments"].count("a5b"));
  EXPECT_EQ(s.ids["providers"], std::set<std::string>({"d1", "d2", "d3"}));
  EXPECT_TRUE(s.ids["notes"].count("n3"));
  EXPECT_FALSE(s.ids["patients"].count("p7"));
  EXPECT_FALSE(s.ids["patients"].count("p9"));
}

// A field used in a condition but with a value per record (here `type`, 120 different values)
// is not a kind of record to cover: the sample stays near its size instead of taking everyone.
TEST(SampleSelection, AFieldWithNearlyUniqueValuesIsNotCoveredValueByValue) {
  Fixture f;
  const ObjectRules* appts = f.rules.Find("appointments");
  ASSERT_NE(appts, nullptr);
  for (int i = 0; i < 120; ++i) {
    const std::string p = "q" + std::to_string(i);
    f.facts["patients"].push_back(
        FactsOf(Rec("patients", p, {{"name", "N"}}), *f.rules.Find("patients")));
    f.facts["appointments"].push_back(FactsOf(Rec("appointments", "b" + std::to_string(i),
                                                  {{"patient_id", p},
                                                   {"provider_id", "d1"},
                                                   {"status", "booked"},
                                                   {"type", "type-" + std::to_string(i)}}),
                                              *appts));
  }
  Selection s = SelectSample(f.rules, f.facts, 5);
  EXPECT_LE(s.roots.size(), 8u) << "every distinct `type` was covered";
  // What does matter is still covered: every provider, every status, the long note.
  EXPECT_EQ(s.ids["providers"], std::set<std::string>({"d1", "d2", "d3"}));
  auto roots = RootIds(s);
  for (const char* must : {"p1", "p5", "p3", "p8"}) EXPECT_TRUE(roots.count(must)) << must;
}

TEST(SampleSelection, FillsUpToTheSizeInSourceOrder) {
  Fixture f;
  Selection s = SelectSample(f.rules, f.facts, 8);
  EXPECT_EQ(s.roots.size(), 8u);
  std::vector<std::string> fills;
  for (const auto& r : s.roots) {
    if (r.fill) fills.push_back(r.id);
  }
  ASSERT_FALSE(fills.empty());
  EXPECT_TRUE(std::is_sorted(fills.begin(), fills.end()));  // p0..p9 is the source order here
  EXPECT_EQ(s.Count("patients"), 8);
  // Deterministic: the same input gives the same selection.
  EXPECT_EQ(SelectSample(f.rules, f.facts, 8).ToJson(), s.ToJson());
}

TEST(SampleSelection, SelectionFileHoldsNoPatientValues) {
  Fixture f;
  const std::string text = SelectSample(f.rules, f.facts, 10).ToJson().dump();
  EXPECT_EQ(text.find("Zebulon"), std::string::npos);
  EXPECT_EQ(text.find("hygiene"), std::string::npos);  // not a value-map key: hashed
  EXPECT_EQ(text.find("x.pdf"), std::string::npos);
  EXPECT_NE(text.find("booked"), std::string::npos);  // a value-map key of the map itself
}

TEST(SampleSelection, AllRootsWhenTheSizeExceedsTheSource) {
  Fixture f;
  Selection s = SelectSample(f.rules, f.facts, 1000);
  EXPECT_EQ(s.Count("patients"), 10);
  EXPECT_EQ(s.Count("appointments"), 5);
  EXPECT_EQ(s.Count("notes"), 4);
}

}  // namespace
}  // namespace bridgework::cli::sample
