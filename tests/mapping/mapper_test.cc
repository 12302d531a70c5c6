#include "mapping/mapper.h"

#include <gtest/gtest.h>

namespace bridgework::mapping {
namespace {

constexpr char kMap[] = R"(
source: sensei-cloud
destination: odoo
objects:
  - object: patients
    targets:
      - tag: partner
        model: res.partner
        fields:
          - {to: name, from: [first_name, last_name], transforms: [trim, name_join], required: true}
          - {to: email, from: email, transforms: [email]}
          - {to: x_date_of_birth, from: dob, transforms: [{date: {formats: ["MM/DD/YYYY"]}}]}
          - {to: type, constant: contact}
          - {to: comment, from: note, default: "-"}
      - tag: lead
        model: crm.lead
        fields:
          - {to: name, from: [first_name, last_name], transforms: [name_join]}
          - to: x_treatment_case_status
            from: status
            value_map: {New: new, In Progress: in_progress, Completed: done}
        references:
          - {to: partner_id, target: partner, required: true}
          - {to: user_id, from: provider_id, object: providers}
  - object: appointments
    targets:
      - tag: activity
        model: mail.activity
        when: "start past"
        fields: [{to: summary, from: kind}]
        references: [{to: res_id, from: patient_id, object: patients, required: true}]
      - tag: event
        model: calendar.event
        module: calendar
        when: "start upcoming and status != cancelled"
        fields:
          - {to: name, from: kind}
          - to: start
            from: start
            transforms: [{datetime: {formats: ["MM/DD/YYYY HH:mm"], tz: America/New_York}}]
    fallbacks:
      - module: calendar
        action: custom_fields
        reason: no Calendar
        targets:
          - tag: event_activity
            model: mail.activity
            when: "start upcoming"
            fields: [{to: summary, from: kind}]
no_home:
  - {object: claims, reason: none}
)";

SourceRecord Patient() {
  SourceRecord r;
  r.object = "patients";
  r.id = "P0000017";
  r.file = "patients.csv";
  r.line = 18;
  r.Set("first_name", "  Ayşe ");
  r.Set("last_name", "Yılmaz");
  r.Set("email", "Ayse.Yilmaz@Example.COM ");
  r.Set("dob", "02/29/1984");
  r.Set("status", "in progress");
  r.Set("provider_id", "PRV-0003");
  return r;
}

std::unique_ptr<Mapper> MakeMapper(MapperOptions options = {}) {
  StatusOr<MapFile> map = ParseMapFile(kMap);
  EXPECT_TRUE(map.ok()) << map.status().ToString();
  if (options.as_of.empty()) options.as_of = "2026-06-01T00:00:00Z";
  StatusOr<std::unique_ptr<Mapper>> mapper = Mapper::Create(std::move(*map), options);
  EXPECT_TRUE(mapper.ok()) << mapper.status().ToString();
  return std::move(*mapper);
}

TEST(MapperTest, PatientBecomesPartnerAndLead) {
  auto mapper = MakeMapper();
  MapResult r = mapper->Apply(Patient());
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].ToString();
  ASSERT_EQ(r.targets.size(), 2u);
  const TargetRecord& partner = r.targets[0];
  EXPECT_EQ(partner.model, "res.partner");
  EXPECT_EQ(partner.Key(), "patients/P0000017/partner");
  EXPECT_EQ(partner.values["name"], "Ayşe Yılmaz");
  EXPECT_EQ(partner.values["email"], "ayse.yilmaz@example.com");
  EXPECT_EQ(partner.values["x_date_of_birth"], "1984-02-29");
  EXPECT_EQ(partner.values["type"], "contact");
  EXPECT_EQ(partner.values["comment"], "-");
  const TargetRecord& lead = r.targets[1];
  EXPECT_EQ(lead.values["x_treatment_case_status"], "in_progress");
  ASSERT_EQ(lead.references.size(), 2u);
  EXPECT_EQ(lead.references[0].object, "patients");
  EXPECT_EQ(lead.references[0].source_id, "P0000017");
  EXPECT_EQ(lead.references[0].target, "partner");
  EXPECT_TRUE(lead.references[0].required);
  EXPECT_EQ(lead.references[1].object, "providers");
  EXPECT_EQ(lead.references[1].source_id, "PRV-0003");
}

TEST(MapperTest, BadValuesAreRowErrorsWithoutTheValue) {
  auto mapper = MakeMapper();
  SourceRecord p = Patient();
  p.Set("email", "ayse@@example");
  p.Set("dob", "02/30/1984");
  p.Set("status", "Frozen");
  MapResult r = mapper->Apply(p);
  EXPECT_TRUE(r.targets.empty());
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].record_id, "P0000017");
  EXPECT_EQ(r.errors[0].field, "email");
  EXPECT_EQ(r.errors[0].line, 18);
  EXPECT_NE(r.errors[1].reason.find("day out of range"), std::string::npos);
  EXPECT_NE(r.errors[2].reason.find("value map"), std::string::npos);
  for (const RowError& e : r.errors) {
    EXPECT_EQ(e.ToString().find("ayse"), std::string::npos) << e.ToString();
    EXPECT_EQ(e.ToString().find("1984"), std::string::npos) << e.ToString();
    EXPECT_EQ(e.ToString().find("Frozen"), std::string::npos) << e.ToString();
  }
}

TEST(MapperTest, RequiredEmptyIsAnError) {
  auto mapper = MakeMapper();
  SourceRecord p = Patient();
  p.Set("first_name", " ");
  p.Set("last_name", std::nullopt);
  MapResult r = mapper->Apply(p);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].field, "first_name+last_name");
  EXPECT_NE(r.errors[0].reason.find("required"), std::string::npos);
}

SourceRecord Appointment(const std::string& start, const std::string& status) {
  SourceRecord a;
  a.object = "appointments";
  a.id = "A1";
  a.Set("kind", "Cleaning");
  a.Set("start", start);
  a.Set("status", status);
  a.Set("patient_id", "P0000017");
  return a;
}

TEST(MapperTest, WhenSelectsPastOrUpcomingTarget) {
  auto mapper = MakeMapper();
  MapResult past = mapper->Apply(Appointment("2025-03-04T10:00:00Z", "completed"));
  ASSERT_EQ(past.targets.size(), 1u);
  EXPECT_EQ(past.targets[0].model, "mail.activity");
  EXPECT_EQ(past.targets[0].references[0].source_id, "P0000017");
  MapResult upcoming = mapper->Apply(Appointment("07/04/2026 09:30", "scheduled"));
  ASSERT_TRUE(upcoming.errors.empty()) << upcoming.errors[0].ToString();
  ASSERT_EQ(upcoming.targets.size(), 1u);
  EXPECT_EQ(upcoming.targets[0].model, "calendar.event");
  // 09:30 in New York in July is EDT (UTC-4).
  EXPECT_EQ(upcoming.targets[0].values["start"], "2026-07-04 13:30:00");
  MapResult cancelled = mapper->Apply(Appointment("07/04/2026 09:30", "Cancelled"));
  EXPECT_TRUE(cancelled.targets.empty());
  EXPECT_TRUE(cancelled.errors.empty());
}

TEST(MapperTest, UnreadableConditionDateIsAnErrorNotASilentDrop) {
  auto mapper = MakeMapper();
  MapResult r = mapper->Apply(Appointment("not a date", "scheduled"));
  EXPECT_TRUE(r.targets.empty());
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].field, "start");
}

TEST(MapperTest, MissingModuleUsesFallback) {
  MapperOptions options;
  options.modules = std::set<std::string>{"crm", "mail"};
  auto mapper = MakeMapper(options);
  MapResult r = mapper->Apply(Appointment("07/04/2026 09:30", "scheduled"));
  ASSERT_EQ(r.targets.size(), 1u);
  EXPECT_EQ(r.targets[0].target, "event_activity");
  ASSERT_EQ(mapper->AppliedFallbacks().size(), 1u);
  EXPECT_NE(mapper->AppliedFallbacks()[0].find("calendar"), std::string::npos);
}

TEST(MapperTest, UnknownTransformFailsCreate) {
  StatusOr<MapFile> map = ParseMapFile(
      "source: a\ndestination: odoo\nobjects:\n  - object: p\n    targets:\n"
      "      - model: res.partner\n        fields:\n          - {to: name, from: n, "
      "transforms: [shout]}\n");
  ASSERT_TRUE(map.ok());
  StatusOr<std::unique_ptr<Mapper>> mapper = Mapper::Create(std::move(*map));
  ASSERT_FALSE(mapper.ok());
  EXPECT_NE(mapper.status().message().find("shout"), std::string::npos);
}

TEST(MapperTest, UnknownObjectIsAnErrorAndNoHomeIsNot) {
  auto mapper = MakeMapper();
  SourceRecord claim;
  claim.object = "claims";
  claim.id = "C1";
  EXPECT_TRUE(mapper->Apply(claim).errors.empty());
  EXPECT_TRUE(mapper->ExportedAsCsv("claims"));
  SourceRecord other;
  other.object = "mystery";
  other.id = "X1";
  EXPECT_EQ(mapper->Apply(other).errors.size(), 1u);
}

TEST(MapperTest, SameInputSameOutput) {
  auto mapper = MakeMapper();
  MapResult a = mapper->Apply(Patient());
  MapResult b = mapper->Apply(Patient());
  ASSERT_EQ(a.targets.size(), b.targets.size());
  for (size_t i = 0; i < a.targets.size(); ++i) {
    EXPECT_EQ(a.targets[i].values, b.targets[i].values);
  }
}

}  // namespace
}  // namespace bridgework::mapping
