// Every object row of each seed page's "Object mapping" table (../shared/seeds/00*.txt) appears
// in its default map, placed as the seed says: the table below is the seed, row by row.
#include <gtest/gtest.h>

#include <algorithm>

#include "mapping/mapper.h"

namespace bridgework::mapping {
namespace {

std::string SourceDir() {
  const char* dir = std::getenv("BW_SOURCE_DIR");
  return dir ? dir : BW_SOURCE_DIR_DEFAULT;
}

// placement: a destination model some target (or fallback target) of `object` writes, or
// "match:<model>", "no_home", "rebuild_only", "schema_only".
struct Row {
  const char* map;
  const char* seed_label;
  const char* object;
  const char* placement;
};

const Row kRows[] = {
    // 000 Sensei Cloud -> Odoo
    {"sensei-cloud-to-odoo", "Patient Record", "patients", "crm.lead"},
    {"sensei-cloud-to-odoo", "Patient Address", "patients", "res.partner"},
    {"sensei-cloud-to-odoo", "Appointment / Scheduling (past)", "appointments", "mail.activity"},
    {"sensei-cloud-to-odoo", "Appointment / Scheduling (upcoming)", "appointments",
     "calendar.event"},
    {"sensei-cloud-to-odoo", "Insurance Carrier / Payer", "insurance_carriers", "res.partner"},
    {"sensei-cloud-to-odoo", "Treatment Plan / Procedure Code", "treatment_plans", "mail.message"},
    {"sensei-cloud-to-odoo", "Clinical Notes / Tooth Chart", "clinical_notes", "mail.message"},
    {"sensei-cloud-to-odoo", "Provider / Treating Dentist", "providers", "match:res.users"},
    {"sensei-cloud-to-odoo", "Referral Source", "referral_sources", "utm.source"},
    {"sensei-cloud-to-odoo", "Billing / Ledger Entry", "ledger_entries", "account.move"},
    {"sensei-cloud-to-odoo", "Document / Attachment", "documents", "ir.attachment"},
    {"sensei-cloud-to-odoo", "Location / Practice Office", "locations", "crm.team"},
    {"sensei-cloud-to-odoo", "Marketing Opt-In / Consent", "patients", "crm.lead"},
    {"sensei-cloud-to-odoo", "Custom Dental Property", "custom_property_definitions",
     "schema_only"},
    // 001 Core Practice -> Odoo
    {"core-practice-to-odoo", "Patient", "patients", "res.partner"},
    {"core-practice-to-odoo", "Patient (lead)", "patients", "crm.lead"},
    {"core-practice-to-odoo", "Appointment", "appointments", "mail.activity"},
    {"core-practice-to-odoo", "Treatment Plan", "treatment_plans", "crm.lead"},
    {"core-practice-to-odoo", "Insurance Carrier", "insurance_carriers", "res.partner"},
    {"core-practice-to-odoo", "Referring Dentist", "referring_dentists", "res.partner"},
    {"core-practice-to-odoo", "Clinical Notes", "clinical_notes", "mail.message"},
    {"core-practice-to-odoo", "Billing Record", "billing_records", "account.move"},
    {"core-practice-to-odoo", "Provider (Dentist)", "providers", "match:res.users"},
    {"core-practice-to-odoo", "Practice Location", "locations", "crm.team"},
    {"core-practice-to-odoo", "Recall Schedule", "recall_schedules", "mail.activity"},
    {"core-practice-to-odoo", "Custom Forms / Intake Data", "custom_property_definitions",
     "schema_only"},
    {"core-practice-to-odoo", "Custom Forms / Intake Data (forms)", "intake_forms",
     "ir.attachment"},
    // 002 Dr.DENTES -> Odoo
    {"dr-dentes-to-odoo", "Patient Record", "patients", "res.partner"},
    {"dr-dentes-to-odoo", "Appointment (event)", "appointments", "calendar.event"},
    {"dr-dentes-to-odoo", "Appointment (message)", "appointments", "mail.message"},
    {"dr-dentes-to-odoo", "Insurance Carrier", "insurance_carriers", "res.partner"},
    {"dr-dentes-to-odoo", "Treatment Procedure Record", "treatment_procedures", "mail.message"},
    {"dr-dentes-to-odoo", "Invoice / Billing Record", "invoices", "mail.message"},
    {"dr-dentes-to-odoo", "Provider / Staff Member", "staff", "match:res.users"},
    {"dr-dentes-to-odoo", "Practice Location", "locations", "res.partner"},
    {"dr-dentes-to-odoo", "Treatment Plan", "treatment_plans", "mail.message"},
    {"dr-dentes-to-odoo", "Patient Document / Attachment", "documents", "ir.attachment"},
    {"dr-dentes-to-odoo", "Practice Workflow / Automation", "workflows", "rebuild_only"},
    // 003 Sensei Cloud -> Twenty
    {"sensei-cloud-to-twenty", "Patient", "patients", "people"},
    {"sensei-cloud-to-twenty", "Patient.Address", "patients", "people"},
    {"sensei-cloud-to-twenty", "Responsible Party", "patients", "people"},
    {"sensei-cloud-to-twenty", "Referring Practice", "referring_practices", "companies"},
    {"sensei-cloud-to-twenty", "Insurance Carrier", "insurance_carriers", "companies"},
    {"sensei-cloud-to-twenty", "Lab Relationship", "labs", "companies"},
    {"sensei-cloud-to-twenty", "Appointment / Scheduling Block", "appointments", "no_home"},
    {"sensei-cloud-to-twenty", "Treatment Plan", "treatment_plans", "notes"},
    {"sensei-cloud-to-twenty", "Insurance Claim", "insurance_claims", "no_home"},
    {"sensei-cloud-to-twenty", "Ledger Entry", "ledger_entries", "no_home"},
    {"sensei-cloud-to-twenty", "Clinical Note / Chart Note", "clinical_notes", "notes"},
    {"sensei-cloud-to-twenty", "Document / Attachment", "documents", "notes"},
    {"sensei-cloud-to-twenty", "User / Provider", "providers", "match:workspaceMembers"},
    // 004 The Clinic Place -> Odoo
    {"clinic-place-to-odoo", "Patient Record", "patients", "res.partner"},
    {"clinic-place-to-odoo", "Patient Contact Properties", "patients", "res.partner"},
    {"clinic-place-to-odoo", "Clinical Notes", "clinical_notes", "ir.attachment"},
    {"clinic-place-to-odoo", "Chart / Document File", "chart_files", "ir.attachment"},
    {"clinic-place-to-odoo", "Appointment / Schedule", "appointments", "calendar.event"},
    {"clinic-place-to-odoo", "Digital Queue Entry", "queue_entries", "crm.lead"},
    {"clinic-place-to-odoo", "Invoice / Billing Record", "invoices", "account.move"},
    {"clinic-place-to-odoo", "Payment Record", "payments", "account.payment"},
    {"clinic-place-to-odoo", "Practitioner / Staff Member", "practitioners", "match:res.users"},
    {"clinic-place-to-odoo", "Practice / Organization Settings", "practices", "res.company"},
    {"clinic-place-to-odoo", "Insurance / Payer Record", "payers", "res.partner"},
    {"clinic-place-to-odoo", "Referral Source (partner)", "referral_sources", "res.partner"},
    {"clinic-place-to-odoo", "Referral Source (source_id)", "referral_sources", "utm.source"},
};

bool Writes(const ObjectMap& o, const std::string& model) {
  auto in = [&](const std::vector<TargetRule>& ts) {
    return std::any_of(ts.begin(), ts.end(), [&](const TargetRule& t) { return t.model == model; });
  };
  if (in(o.targets)) return true;
  return std::any_of(o.fallbacks.begin(), o.fallbacks.end(),
                     [&](const Fallback& f) { return in(f.targets); });
}

TEST(SeedCoverageTest, EverySeedObjectRowIsPlacedAsTheSeedSays) {
  std::map<std::string, MapFile> maps;
  for (const Row& row : kRows) {
    if (!maps.count(row.map)) {
      StatusOr<MapFile> m = LoadMapFile(SourceDir() + "/maps/" + row.map + ".yaml");
      ASSERT_TRUE(m.ok()) << m.status().ToString();
      maps[row.map] = *m;
    }
    const MapFile& map = maps[row.map];
    std::string placement = row.placement;
    SCOPED_TRACE(std::string(row.map) + ": " + row.seed_label);
    auto listed = [&](const auto& list) {
      return std::any_of(list.begin(), list.end(),
                         [&](const auto& e) { return e.object == row.object; });
    };
    if (placement == "no_home") {
      EXPECT_TRUE(listed(map.no_home));
    } else if (placement == "rebuild_only") {
      EXPECT_TRUE(listed(map.rebuild_only));
    } else if (placement == "schema_only") {
      EXPECT_TRUE(listed(map.schema_only));
      EXPECT_FALSE(map.custom_fields.empty());
    } else if (placement.rfind("match:", 0) == 0) {
      const ObjectMap* o = map.Find(row.object);
      ASSERT_NE(o, nullptr);
      ASSERT_TRUE(o->match.has_value());
      EXPECT_EQ(o->match->model, placement.substr(6));
    } else {
      const ObjectMap* o = map.Find(row.object);
      ASSERT_NE(o, nullptr);
      EXPECT_TRUE(Writes(*o, placement));
    }
  }
}

// The custom fields the seeds name.
TEST(SeedCoverageTest, SeedCustomFieldsExist) {
  const std::pair<const char*, const char*> kFields[] = {
      {"sensei-cloud-to-odoo", "crm.lead.x_date_of_birth"},
      {"sensei-cloud-to-odoo", "crm.lead.x_insurance_policy_number"},
      {"sensei-cloud-to-odoo", "crm.lead.x_treatment_case_status"},
      {"sensei-cloud-to-odoo", "crm.lead.x_clinical_notes"},
      {"sensei-cloud-to-odoo", "crm.lead.x_consent_sms"},
      {"sensei-cloud-to-odoo", "crm.lead.x_consent_email"},
      {"sensei-cloud-to-odoo", "crm.lead.x_practice_location"},
      {"sensei-cloud-to-odoo", "res.partner.x_insurance_carrier"},
      {"sensei-cloud-to-odoo", "crm.lead.x_legacy_create_date"},
      {"core-practice-to-odoo", "res.partner.x_source_patient_id"},
      {"core-practice-to-odoo", "res.partner.x_referring_dentist"},
      {"core-practice-to-odoo", "crm.lead.x_recall_interval"},
      {"dr-dentes-to-odoo", "res.partner.x_dr_dentes_patient_id"},
      {"dr-dentes-to-odoo", "res.partner.x_insurance_carrier_id"},
      {"dr-dentes-to-odoo", "res.partner.x_location_id"},
      {"dr-dentes-to-odoo", "res.partner.x_outstanding_balance"},
      {"dr-dentes-to-odoo", "res.partner.x_last_invoice_date"},
      {"dr-dentes-to-odoo", "res.partner.x_payment_status"},
      {"dr-dentes-to-odoo", "mail.message.x_treatment_code"},
      {"dr-dentes-to-odoo", "mail.message.x_procedure_description"},
      {"dr-dentes-to-odoo", "mail.message.x_planned_procedure"},
      {"dr-dentes-to-odoo", "mail.message.x_treatment_plan_status"},
      {"sensei-cloud-to-twenty", "people.dateOfBirth"},
      {"sensei-cloud-to-twenty", "people.insurancePolicyNumber"},
      {"sensei-cloud-to-twenty", "people.responsibleParty"},
      {"sensei-cloud-to-twenty", "companies.companyType"},
      {"sensei-cloud-to-twenty", "companies.referralSource"},
      {"clinic-place-to-odoo", "res.partner.x_source_patient_id"},
      {"clinic-place-to-odoo", "res.partner.x_insurance_payer_id"},
      {"clinic-place-to-odoo", "res.partner.x_plan_type"},
      {"clinic-place-to-odoo", "res.partner.x_coverage_level"},
      {"clinic-place-to-odoo", "crm.lead.x_queue_position"},
      {"clinic-place-to-odoo", "account.move.x_source_invoice_id"},
  };
  for (const auto& [pair, field] : kFields) {
    StatusOr<MapFile> m = LoadMapFile(SourceDir() + "/maps/" + pair + ".yaml");
    ASSERT_TRUE(m.ok());
    bool found = false;
    for (const auto& c : m->custom_fields) found |= (c.model + "." + c.name) == field;
    EXPECT_TRUE(found) << pair << ": " << field;
  }
  // Twenty's companyType select has the three seed values.
  StatusOr<MapFile> twenty = LoadMapFile(SourceDir() + "/maps/sensei-cloud-to-twenty.yaml");
  ASSERT_TRUE(twenty.ok());
  for (const auto& c : twenty->custom_fields) {
    if (c.name != "companyType") continue;
    std::set<std::string> values;
    for (const auto& [v, l] : c.options) values.insert(v);
    EXPECT_EQ(values,
              (std::set<std::string>{"INSURANCE_CARRIER", "DENTAL_LAB", "REFERRING_PRACTICE"}));
  }
}

}  // namespace
}  // namespace bridgework::mapping
