// The Twenty destination against the Twenty emulator (tests/emulators/twenty): schema, every
// object the Sensei Cloud -> Twenty map writes, links, idempotency, faults, unique collisions,
// read-back and revert. Each test starts its own emulator on a free port.
#include "connectors/destinations/twenty/twenty_destination.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include "common/ids.h"
#include "common/rate_limiter.h"
#include "tests/destinations/twenty/twenty_emulator_process.h"

namespace bridgework::connectors::twenty {
namespace {

using testing::kTestApiKey;
using testing::TwentyEmulatorProcess;
using namespace std::chrono_literals;

constexpr const char* kMigration = "sensei-to-twenty";

TargetRecord Rec(std::string model, std::string object, std::string id, std::string target,
                 Json values) {
  TargetRecord r;
  r.model = std::move(model);
  r.object = std::move(object);
  r.source_id = std::move(id);
  r.target = std::move(target);
  r.values = std::move(values);
  return r;
}

std::string IdOf(const std::string& object, const std::string& id, const std::string& target) {
  return RecordUuid(kMigration, object + "/" + id + "/" + target);
}

SchemaPlan SenseiPlan() {
  SchemaPlan plan;
  plan.fields.push_back({"companies",
                         "companyType",
                         "selection",
                         "Company type",
                         "",
                         {{"REFERRING_PRACTICE", "Referring practice"},
                          {"INSURANCE_CARRIER", "Insurance carrier"},
                          {"DENTAL_LAB", "Dental lab"}}});
  plan.fields.push_back({"companies", "referralSource", "text", "Referral source", "", {}});
  plan.fields.push_back({"companies", "activeCarrier", "boolean", "Active", "", {}});
  plan.fields.push_back({"people", "dateOfBirth", "date", "Date of birth", "", {}});
  plan.fields.push_back({"people", "responsibleParty", "text", "Responsible party", "", {}});
  plan.fields.push_back({"people", "address", "address", "Address", "", {}});
  plan.fields.push_back({"people", "legacyCreatedAt", "datetime", "Legacy created at", "", {}});
  plan.fields.push_back({"people", "balance", "number", "Balance", "", {}});
  plan.fields.push_back({"people", "portalLink", "links", "Portal", "", {}});
  plan.fields.push_back(
      {"people", "insuranceCarrier", "relation", "Insurance carrier", "companies", {}});
  plan.fields.push_back({"notes", "procedureCode", "text", "Procedure code", "", {}});
  NamedRecordSpec object;
  object.model = "metadata/objects";
  object.name = "treatmentPlan";
  object.values = {{"namePlural", "treatmentPlans"},
                   {"labelSingular", "Treatment Plan"},
                   {"labelPlural", "Treatment Plans"}};
  plan.records.push_back(object);
  plan.fields.push_back({"treatmentPlans", "toothNumber", "text", "Tooth", "", {}});
  return plan;
}

class TwentyDestinationTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> args = {"--empty-workspace"}) {
    auto emu = TwentyEmulatorProcess::Start(std::move(args));
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    emu_ = std::move(emu).value();
  }

  TwentyOptions Options() {
    TwentyOptions o;
    o.base_url = emu_->url();
    o.api_key = kTestApiKey;
    o.backoff_initial = 5ms;
    o.backoff_max = 50ms;
    o.default_retry_after = 100ms;
    o.retry_deadline = 30s;
    return o;
  }

  std::unique_ptr<DestinationConnector> Connect(TwentyOptions o) {
    return NewTwentyDestination(std::move(o));
  }
  std::unique_ptr<DestinationConnector> Connect() { return Connect(Options()); }

  void ApplyPlan(DestinationConnector* d) {
    auto applied = d->ApplySchema(SenseiPlan());
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    for (const auto& r : *applied)
      ASSERT_NE(r.action, "failed") << r.what << ": " << r.error.ToString();
  }

  std::vector<WriteOutcome> MustUpsert(DestinationConnector* d,
                                       const std::vector<TargetRecord>& records) {
    auto out = d->Upsert(kMigration, records);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    if (!out.ok()) return {};
    return *out;
  }

  Json Rows(const std::string& objects) {
    auto snap = emu_->Snapshot();
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    return snap.ok() ? (*snap)["objects"][objects] : Json::array();
  }

  Json Row(const std::string& objects, const std::string& id) {
    for (const Json& row : Rows(objects)) {
      if (row["id"] == id) return row;
    }
    return Json();
  }

  std::unique_ptr<TwentyEmulatorProcess> emu_;
};

std::vector<TargetRecord> Companies() {
  return {Rec("companies", "referring_practices", "RP1", "company",
              {{"name", "Smile Dental Group"},
               {"domainName.primaryLinkUrl", "https://smile-dental.example"},
               {"companyType", "REFERRING_PRACTICE"},
               {"referralSource", "Dr. Hahn"},
               {"address.addressCity", "Springfield"},
               {"address.addressPostcode", "62701"}}),
          Rec("companies", "insurance_carriers", "IC1", "company",
              {{"name", "Delta Care"},
               {"domainName.primaryLinkUrl", "https://deltacare.example"},
               {"companyType", "INSURANCE_CARRIER"},
               {"activeCarrier", true}}),
          Rec("companies", "labs", "L1", "company",
              {{"name", "Precision Lab"}, {"companyType", "DENTAL_LAB"}})};
}

TargetRecord Patient(const std::string& id, const std::string& email) {
  return Rec("people", "patients", id, "person",
             {{"name.firstName", "Ana " + id},
              {"name.lastName", "Lòpez"},
              {"emails.primaryEmail", email},
              {"phones.primaryPhoneNumber", "5550101"},
              {"phones.primaryPhoneCountryCode", "US"},
              {"phones.primaryPhoneCallingCode", "+1"},
              {"address", {{"addressStreet1", "1 Main St"}, {"addressCity", "Springfield"}}},
              {"address.addressState", "IL"},
              {"dateOfBirth", "1980-02-29"},
              {"legacyCreatedAt", "2019-05-01T09:00:00Z"},
              {"companyId", IdOf("referring_practices", "RP1", "company")},
              {"insuranceCarrierId", IdOf("insurance_carriers", "IC1", "company")}});
}

TEST_F(TwentyDestinationTest, DiscoverReadsObjectsAndFields) {
  Start();
  auto d = Connect();
  auto schema = d->Discover();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->kind, "twenty");
  for (const char* model : {"people", "companies", "notes", "noteTargets", "tasks", "taskTargets",
                            "opportunities", "workspaceMembers"}) {
    EXPECT_TRUE(schema->models.count(model)) << model;
  }
  auto field = [&](const char* model, const char* name) -> FieldInfo {
    auto& fields = schema->models[model].fields;
    auto it = fields.find(name);
    EXPECT_NE(it, fields.end()) << model << "." << name;
    return it == fields.end() ? FieldInfo{} : it->second;
  };
  EXPECT_EQ(field("people", "emails").type, "EMAILS");
  FieldInfo stage = field("opportunities", "stage");
  EXPECT_NE(std::find(stage.selection.begin(), stage.selection.end(), "NEW"),
            stage.selection.end());
  EXPECT_EQ(field("people", "company").relation, "companies");
}

TEST_F(TwentyDestinationTest, ApplySchemaCreatesFieldsAndObjectsOnceAndRefusesBadOptions) {
  Start();
  auto d = Connect();
  auto first = d->ApplySchema(SenseiPlan());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), SenseiPlan().fields.size() + 1);
  for (const auto& r : *first) {
    EXPECT_EQ(r.action, "created") << r.what << ": " << r.error.ToString();
  }
  auto second = d->ApplySchema(SenseiPlan());
  ASSERT_TRUE(second.ok());
  for (const auto& r : *second) EXPECT_EQ(r.action, "exists") << r.what;

  auto snap = emu_->Snapshot();
  ASSERT_TRUE(snap.ok());
  bool select_seen = false;
  for (const Json& f : (*snap)["customFields"]) {
    if (f["name"] == "companyType") {
      select_seen = true;
      EXPECT_EQ(f["type"], "SELECT");
      EXPECT_EQ(f["options"],
                Json::array({"DENTAL_LAB", "INSURANCE_CARRIER", "REFERRING_PRACTICE"}));
    }
  }
  EXPECT_TRUE(select_seen);
  EXPECT_EQ((*snap)["customObjects"][0]["namePlural"], "treatmentPlans");

  SchemaPlan bad;
  bad.fields.push_back({"companies", "tier", "selection", "Tier", "", {{"Gold tier", "Gold"}}});
  bad.fields.push_back({"companies", "companyType", "text", "Company type", "", {}});
  bad.fields.push_back({"nosuchobjects", "x", "text", "X", "", {}});
  auto refused = d->ApplySchema(bad);
  ASSERT_TRUE(refused.ok());
  for (const auto& r : *refused) EXPECT_EQ(r.action, "failed") << r.what;
  EXPECT_NE((*refused)[0].error.message().find("UPPER_SNAKE_CASE"), std::string::npos);
  EXPECT_NE((*refused)[1].error.message().find("exists with type SELECT"), std::string::npos);
}

TEST_F(TwentyDestinationTest, WritesEveryObjectWithItsLinks) {
  Start();
  auto d = Connect();
  ApplyPlan(d.get());
  auto users = d->ListUsers();
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  std::string owner;
  for (const auto& u : *users) {
    if (u.email == "jony.ive@apple.dev") owner = u.id;
  }
  ASSERT_FALSE(owner.empty());

  for (const auto& o : MustUpsert(d.get(), Companies())) {
    EXPECT_EQ(o.action, WriteAction::kCreated) << o.key << " " << o.error.ToString();
  }
  auto people = MustUpsert(d.get(), {Patient("P1", "Ana.P1@Example.org"), Patient("P2", "")});
  for (const auto& o : people) EXPECT_EQ(o.action, WriteAction::kCreated) << o.error.ToString();

  std::string note = IdOf("chart_notes", "N1", "note");
  std::string task = IdOf("recalls", "T1", "task");
  std::string p1 = IdOf("patients", "P1", "person");
  std::string lab = IdOf("labs", "L1", "company");
  std::vector<TargetRecord> notes = {Rec("notes", "chart_notes", "N1", "note",
                                         {{"title", "Chart note 2019-05-01"},
                                          {"bodyV2.markdown", "**Perio** check\n\n- 3 mm pockets"},
                                          {"procedureCode", "D4910"}})};
  std::vector<TargetRecord> tasks = {Rec("tasks", "recalls", "T1", "task",
                                         {{"title", "Order crown"},
                                          {"bodyV2.markdown", "Crown for tooth 14"},
                                          {"status", "TODO"},
                                          {"dueAt", "2024-03-01T10:00:00Z"},
                                          {"assigneeId", owner}})};
  std::vector<TargetRecord> opportunities = {Rec("opportunities", "treatment_plans", "TP1", "deal",
                                                 {{"name", "Implant plan"},
                                                  {"amount.amountMicros", 2400000000},
                                                  {"amount.currencyCode", "USD"},
                                                  {"stage", "PROPOSAL"},
                                                  {"closeDate", "2024-06-30T00:00:00Z"},
                                                  {"pointOfContactId", p1}})};
  for (const auto* batch : {&notes, &tasks, &opportunities}) {
    for (const auto& o : MustUpsert(d.get(), *batch)) {
      EXPECT_EQ(o.action, WriteAction::kCreated) << o.key << " " << o.error.ToString();
    }
  }
  // Links are records of their own, keyed like any record: noteId/taskId + one target id.
  std::vector<TargetRecord> links = {
      Rec("noteTargets", "chart_notes", "N1", "link", {{"noteId", note}, {"personId", p1}}),
      Rec("taskTargets", "recalls", "T1", "link", {{"taskId", task}, {"companyId", lab}})};
  for (const auto& o : MustUpsert(d.get(), links)) {
    EXPECT_EQ(o.action, WriteAction::kCreated) << o.key << " " << o.error.ToString();
  }

  Json person = Row("people", p1);
  EXPECT_EQ(person["name"]["firstName"], "Ana P1");
  EXPECT_EQ(person["emails"]["primaryEmail"], "ana.p1@example.org");
  EXPECT_EQ(person["phones"]["primaryPhoneCallingCode"], "+1");
  EXPECT_EQ(person["address"]["addressStreet1"], "1 Main St");
  EXPECT_EQ(person["address"]["addressState"], "IL");
  EXPECT_EQ(person["companyId"], IdOf("referring_practices", "RP1", "company"));
  EXPECT_EQ(person["insuranceCarrierId"], IdOf("insurance_carriers", "IC1", "company"));
  EXPECT_EQ(Row("companies", IdOf("insurance_carriers", "IC1", "company"))["companyType"],
            "INSURANCE_CARRIER");
  Json stored_note = Row("notes", note);
  EXPECT_EQ(stored_note["bodyV2"]["markdown"], "**Perio** check\n\n- 3 mm pockets");
  EXPECT_FALSE(stored_note["bodyV2"]["blocknote"].is_null());
  EXPECT_EQ(Row("tasks", task)["assigneeId"], owner);
  Json opp = Row("opportunities", IdOf("treatment_plans", "TP1", "deal"));
  EXPECT_EQ(opp["amount"]["amountMicros"], 2400000000);
  EXPECT_EQ(opp["pointOfContactId"], p1);
  Json nt = Row("noteTargets", IdOf("chart_notes", "N1", "link"));
  EXPECT_EQ(nt["noteId"], note);
  EXPECT_EQ(nt["personId"], p1);
  Json tt = Row("taskTargets", IdOf("recalls", "T1", "link"));
  EXPECT_EQ(tt["taskId"], task);
  EXPECT_EQ(tt["companyId"], lab);

  // Read-back for the diff, with dotted paths; FindByKeys; lookups by a composite field.
  auto read = d->Read("people", {p1, IdOf("patients", "missing", "person")},
                      {"name.firstName", "emails.primaryEmail", "dateOfBirth"});
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_TRUE((*read)[0].exists);
  EXPECT_EQ((*read)[0].values["name.firstName"], "Ana P1");
  EXPECT_EQ((*read)[0].values["dateOfBirth"], "1980-02-29");
  EXPECT_FALSE((*read)[1].exists);
  auto keys = d->FindByKeys(kMigration, "people", {"patients/P1/person", "patients/P9/person"});
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)["patients/P1/person"], p1);
  auto found = d->LookupByField("companies", "name", {"Delta Care", "Nobody Inc"});
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)["Delta Care"], IdOf("insurance_carriers", "IC1", "company"));
}

TEST_F(TwentyDestinationTest, AttachmentsAreUploadedOnceAndLinked) {
  Start();
  auto d = Connect();
  std::string p1 = IdOf("patients", "P1", "person");
  for (const auto& o : MustUpsert(
           d.get(), {Rec("people", "patients", "P1", "person", {{"name.firstName", "Ana"}})})) {
    ASSERT_EQ(o.action, WriteAction::kCreated);
  }
  std::string dir = ::testing::TempDir() + "/bw-twenty-attach-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::string file = dir + "/consent form.pdf";
  std::ofstream(file, std::ios::binary) << std::string(3000, 'x');
  std::vector<TargetRecord> attachments = {
      Rec("attachments", "documents", "D1", "attachment",
          {{"personId", p1}, {"fileCategory", "TEXT_DOCUMENT"}, {"uploadFromPath", file}}),
      Rec("attachments", "documents", "D2", "attachment",
          {{"personId", p1}, {"uploadFromPath", dir + "/missing.pdf"}})};
  auto out = MustUpsert(d.get(), attachments);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].action, WriteAction::kCreated) << out[0].error.ToString();
  EXPECT_EQ(out[1].action, WriteAction::kFailed);
  Json stored = Row("attachments", out[0].destination_id);
  EXPECT_EQ(stored["personId"], p1);
  EXPECT_EQ(stored["name"], "consent form.pdf");
  auto snap = emu_->Snapshot();
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE((*snap)["files"].contains(stored["fullPath"].get<std::string>())) << snap->dump();
  EXPECT_EQ((*snap)["files"][stored["fullPath"].get<std::string>()]["size"], 3000);
  // Again: the record exists, so nothing is uploaded a second time.
  auto again = MustUpsert(d.get(), {attachments[0]});
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].action, WriteAction::kUnchanged) << again[0].error.ToString();
  auto after = emu_->Snapshot();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)["files"].size(), 1u);
  std::filesystem::remove_all(dir);
}

// What a load worker sends for a map's `file` transform: the file's bytes in base64 (the worker
// read them from the bundle, which the destination's host may not have). Undecodable content
// fails that record alone.
TEST_F(TwentyDestinationTest, AnAttachmentGivenAsBase64IsUploadedOnce) {
  Start();
  auto d = Connect();
  const std::string p1 = IdOf("patients", "P1", "person");
  MustUpsert(d.get(), {Rec("people", "patients", "P1", "person", {{"name.firstName", "Ana"}})});
  std::vector<TargetRecord> attachments = {
      Rec("attachments", "documents", "D1", "attachment",
          {{"personId", p1}, {"name", "xray.png"}, {"uploadBase64", "iVBORw0KGgo="}}),
      Rec("attachments", "documents", "D2", "attachment",
          {{"personId", p1}, {"name", "bad.pdf"}, {"uploadBase64", "not base64!"}})};
  auto out = MustUpsert(d.get(), attachments);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].action, WriteAction::kCreated) << out[0].error.ToString();
  EXPECT_EQ(out[1].action, WriteAction::kFailed);
  EXPECT_NE(out[1].error.message().find("uploadBase64"), std::string::npos);
  Json stored = Row("attachments", out[0].destination_id);
  EXPECT_EQ(stored["name"], "xray.png");
  EXPECT_FALSE(stored.contains("uploadBase64"));
  auto snap = emu_->Snapshot();
  ASSERT_TRUE(snap.ok());
  ASSERT_TRUE((*snap)["files"].contains(stored["fullPath"].get<std::string>())) << snap->dump();
  EXPECT_EQ((*snap)["files"][stored["fullPath"].get<std::string>()]["size"], 8);
  auto again = MustUpsert(d.get(), {attachments[0]});
  EXPECT_EQ(again[0].action, WriteAction::kUnchanged) << again[0].error.ToString();
  auto after = emu_->Snapshot();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)["files"].size(), 1u);
}

TEST_F(TwentyDestinationTest, TheSameBatchTwiceCreatesNothingNew) {
  Start();
  auto d = Connect();
  ApplyPlan(d.get());
  MustUpsert(d.get(), Companies());
  std::vector<TargetRecord> people;
  for (int i = 0; i < 30; ++i) {
    people.push_back(Patient("P" + std::to_string(i), "p" + std::to_string(i) + "@example.org"));
  }
  for (const auto& o : MustUpsert(d.get(), people)) EXPECT_EQ(o.action, WriteAction::kCreated);
  auto before = emu_->Snapshot();
  ASSERT_TRUE(before.ok());
  auto again = MustUpsert(d.get(), people);
  ASSERT_EQ(again.size(), people.size());
  for (const auto& o : again) {
    EXPECT_EQ(o.action, WriteAction::kUnchanged) << o.key << " " << o.error.ToString();
    EXPECT_EQ(o.destination_id, RecordUuid(kMigration, o.key));
  }
  auto after = emu_->Snapshot();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*before, *after);
  // A fresh connector (another worker) says the same.
  auto other = Connect();
  for (const auto& o : MustUpsert(other.get(), people))
    EXPECT_EQ(o.action, WriteAction::kUnchanged);
}

// A batch that timed out after committing ("Query read timeout", DESTINATION-APIS.md part C) is
// checked before anything is resent: nothing is created twice, every record reports created.
TEST_F(TwentyDestinationTest, ATimedOutBatchThatCommittedIsNotCreatedTwice) {
  Start();
  for (bool create_first : {true, false}) {
    ASSERT_TRUE(emu_->Control("POST", "/_emulator/reset", {{"empty", true}}).ok());
    TwentyOptions o = Options();
    o.create_first = create_first;
    o.batch_size = 20;
    auto d = Connect(o);
    ASSERT_TRUE(
        emu_->SetFaults({{"next", {"timeout_after_commit"}}, {"paths", {"/rest/batch"}}}).ok());
    std::vector<TargetRecord> people;
    for (int i = 0; i < 50; ++i) {
      people.push_back(Rec("people", "patients", "P" + std::to_string(i), "person",
                           {{"name.firstName", "N" + std::to_string(i)},
                            {"emails.primaryEmail", "t" + std::to_string(i) + "@example.org"}}));
    }
    auto out = MustUpsert(d.get(), people);
    for (const auto& w : out) {
      EXPECT_EQ(w.action, WriteAction::kCreated) << w.key << " " << w.error.ToString();
    }
    EXPECT_EQ(Rows("people").size(), 50u) << "create_first=" << create_first;
    auto stats = emu_->Stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ((*stats)["faults"]["timeout_after_commit"], 1);
    EXPECT_EQ((*stats)["records"]["created"], 50);
  }
}

TEST_F(TwentyDestinationTest, TransientFaultsAreRetried) {
  Start();
  auto d = Connect();
  ASSERT_TRUE(emu_->SetFaults({{"next", {"cache_miss", "503", "drop", "502", "500"}}}).ok());
  std::vector<TargetRecord> people;
  for (int i = 0; i < 5; ++i) {
    people.push_back(Rec("people", "patients", "P" + std::to_string(i), "person",
                         {{"name.firstName", "N" + std::to_string(i)}}));
  }
  for (const auto& o : MustUpsert(d.get(), people)) {
    EXPECT_EQ(o.action, WriteAction::kCreated) << o.error.ToString();
  }
  EXPECT_EQ(Rows("people").size(), 5u);
  auto stats = emu_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ((*stats)["faults"]["cache_miss"], 1);
  EXPECT_EQ((*stats)["faults"]["drop"], 1);
}

TEST_F(TwentyDestinationTest, ABadRecordFailsAloneWithTheServersMessage) {
  Start();
  for (bool create_first : {true, false}) {
    ASSERT_TRUE(emu_->Control("POST", "/_emulator/reset", {{"empty", true}}).ok());
    TwentyOptions o = Options();
    o.create_first = create_first;
    auto d = Connect(o);
    std::vector<TargetRecord> people;
    for (int i = 0; i < 16; ++i) {
      people.push_back(Rec("people", "patients", "P" + std::to_string(i), "person",
                           {{"name.firstName", "N" + std::to_string(i)},
                            {"emails.primaryEmail", "b" + std::to_string(i) + "@example.org"}}));
    }
    people[5].values["emails.primaryEmail"] = "not-an-email";
    people[11].values["noSuchField"] = "x";
    auto out = MustUpsert(d.get(), people);
    ASSERT_EQ(out.size(), 16u);
    for (size_t i = 0; i < out.size(); ++i) {
      if (i == 5 || i == 11) {
        EXPECT_EQ(out[i].action, WriteAction::kFailed) << i;
        EXPECT_FALSE(out[i].error.ok());
      } else {
        EXPECT_EQ(out[i].action, WriteAction::kCreated) << i << " " << out[i].error.ToString();
      }
    }
    EXPECT_NE(out[5].error.message().find("email"), std::string::npos) << out[5].error.message();
    // The offending value is described, never quoted.
    EXPECT_EQ(out[5].error.message().find("not-an-email"), std::string::npos);
    EXPECT_NE(out[11].error.message().find("noSuchField"), std::string::npos)
        << out[11].error.message();
    EXPECT_EQ(Rows("people").size(), 14u);
  }
}

class UniqueCollisionTest : public TwentyDestinationTest {
 protected:
  // A live person holding taken@example.org and a soft-deleted one holding gone@example.org.
  void SeedHolders() {
    Start();
    auto live = emu_->Rest(
        "POST", "/rest/people",
        {{"name", {{"firstName", "Other"}}}, {"emails", {{"primaryEmail", "taken@example.org"}}}});
    ASSERT_TRUE(live.ok()) << live.status().ToString();
    live_id_ = (*live)["data"]["createPerson"]["id"];
    auto gone = emu_->Rest(
        "POST", "/rest/people",
        {{"name", {{"firstName", "Deleted"}}}, {"emails", {{"primaryEmail", "gone@example.org"}}}});
    ASSERT_TRUE(gone.ok());
    gone_id_ = (*gone)["data"]["createPerson"]["id"];
    ASSERT_TRUE(emu_->Rest("DELETE", "/rest/people/" + gone_id_ + "?soft_delete=true", {}).ok());
  }

  std::vector<WriteOutcome> Load(UniqueConflictRule rule) {
    TwentyOptions o = Options();
    o.unique_conflict = rule;
    auto d = Connect(o);
    return MustUpsert(d.get(),
                      {Rec("people", "patients", "A", "person",
                           {{"name.firstName", "A"}, {"emails.primaryEmail", "Taken@Example.org"}}),
                       Rec("people", "patients", "B", "person",
                           {{"name.firstName", "B"}, {"emails.primaryEmail", "gone@example.org"}}),
                       Rec("people", "patients", "C", "person",
                           {{"name.firstName", "C"}, {"emails.primaryEmail", "c@example.org"}}),
                       Rec("people", "patients", "D", "person",
                           {{"name.firstName", "D"}, {"emails.primaryEmail", "c@example.org"}})});
  }

  std::string live_id_, gone_id_;
};

TEST_F(UniqueCollisionTest, ReportedByDefaultWithoutThePatientsValue) {
  SeedHolders();
  Json before = Row("people", live_id_);
  auto out = Load(UniqueConflictRule::kReport);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].action, WriteAction::kFailed);
  EXPECT_EQ(out[0].error.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(out[0].error.message(),
            "primary email already held by another person (id " + live_id_ + ")");
  EXPECT_EQ(out[1].action, WriteAction::kFailed);
  EXPECT_EQ(out[1].error.message(),
            "primary email already held by another soft-deleted person (id " + gone_id_ + ")");
  EXPECT_EQ(out[2].action, WriteAction::kCreated);
  EXPECT_EQ(out[3].action, WriteAction::kFailed);  // same email as C earlier in the batch
  EXPECT_NE(out[3].error.message().find(IdOf("patients", "C", "person")), std::string::npos);
  EXPECT_EQ(Row("people", live_id_), before);  // never overwritten
  EXPECT_EQ(Rows("people").size(), 3u);
}

TEST_F(UniqueCollisionTest, SkipUniqueFieldWritesWithoutTheEmailAndFlags) {
  SeedHolders();
  auto out = Load(UniqueConflictRule::kSkipUniqueField);
  ASSERT_EQ(out.size(), 4u);
  for (const auto& o : out) EXPECT_EQ(o.action, WriteAction::kCreated) << o.error.ToString();
  EXPECT_NE(out[0].flag.find("primary email dropped"), std::string::npos);
  EXPECT_NE(out[1].flag.find("soft-deleted"), std::string::npos);
  EXPECT_TRUE(out[2].flag.empty());
  EXPECT_EQ(Row("people", out[0].destination_id)["emails"]["primaryEmail"], "");
  EXPECT_EQ(Row("people", out[2].destination_id)["emails"]["primaryEmail"], "c@example.org");
  EXPECT_EQ(Row("people", live_id_)["name"]["firstName"], "Other");
}

TEST_F(UniqueCollisionTest, LinkExistingMapsToTheHolderWithoutOverwriting) {
  SeedHolders();
  Json before = Row("people", live_id_);
  auto out = Load(UniqueConflictRule::kLinkExisting);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].action, WriteAction::kUnchanged);
  EXPECT_EQ(out[0].destination_id, live_id_);
  EXPECT_NE(out[0].flag.find("linked to the existing person"), std::string::npos);
  EXPECT_EQ(out[1].action, WriteAction::kFailed);  // a deleted holder is not linked to
  EXPECT_EQ(out[2].action, WriteAction::kCreated);
  EXPECT_EQ(out[3].action, WriteAction::kUnchanged);
  EXPECT_EQ(out[3].destination_id, IdOf("patients", "C", "person"));
  EXPECT_EQ(Row("people", live_id_), before);
}

ManifestEntry Entry(const WriteOutcome& o, const std::string& model, int depth) {
  ManifestEntry e;
  e.key = o.key;
  e.model = model;
  e.destination_id = o.destination_id;
  e.action = o.action;
  e.prior_values = o.prior_values;
  e.depth = depth;
  return e;
}

// Appends the created/updated outcomes of a write as manifest entries.
void Record(const std::vector<WriteOutcome>& outcomes, const std::string& model, int depth,
            std::vector<ManifestEntry>* manifest) {
  for (const auto& o : outcomes) {
    if (o.action == WriteAction::kCreated || o.action == WriteAction::kUpdated) {
      manifest->push_back(Entry(o, model, depth));
    }
  }
}

std::vector<ManifestEntry> ChildrenFirst(std::vector<ManifestEntry> m) {
  std::stable_sort(m.begin(), m.end(), [](const ManifestEntry& a, const ManifestEntry& b) {
    return a.depth > b.depth;
  });
  return m;
}

TEST_F(TwentyDestinationTest, RevertRestoresTheSnapshotsBeforeTheDeltaAndBeforeTheLoad) {
  Start({});  // a fresh workspace: 5 people and 5 companies that are not ours
  auto d = Connect();
  ApplyPlan(d.get());
  auto s0 = emu_->Snapshot();
  ASSERT_TRUE(s0.ok());

  std::vector<ManifestEntry> load;
  Record(MustUpsert(d.get(), Companies()), "companies", 0, &load);
  std::vector<TargetRecord> people = {Patient("P1", "p1@example.org"),
                                      Patient("P2", "p2@example.org")};
  Record(MustUpsert(d.get(), people), "people", 1, &load);
  std::string p1 = IdOf("patients", "P1", "person");
  Record(MustUpsert(d.get(), {Rec("notes", "chart_notes", "N1", "note",
                                  {{"title", "Note"}, {"bodyV2.markdown", "Body"}})}),
         "notes", 2, &load);
  Record(
      MustUpsert(d.get(), {Rec("noteTargets", "chart_notes", "N1", "link",
                               {{"noteId", IdOf("chart_notes", "N1", "note")}, {"personId", p1}})}),
      "noteTargets", 3, &load);
  ASSERT_EQ(load.size(), 7u);
  auto s1 = emu_->Snapshot();
  ASSERT_TRUE(s1.ok());

  // Delta: P1 changed in the source, P3 is new.
  std::vector<ManifestEntry> delta;
  people[0].values["name.lastName"] = "Lopez-Garcia";
  people[0].values["emails.primaryEmail"] = "p1.new@example.org";
  people[0].values["address.addressCity"] = "Chicago";
  people.push_back(Patient("P3", "p3@example.org"));
  auto delta_out = MustUpsert(d.get(), people);
  ASSERT_EQ(delta_out.size(), 3u);
  EXPECT_EQ(delta_out[0].action, WriteAction::kUpdated) << delta_out[0].error.ToString();
  EXPECT_EQ(delta_out[0].prior_values["name"]["lastName"], "Lòpez");
  EXPECT_EQ(delta_out[1].action, WriteAction::kUnchanged);
  EXPECT_EQ(delta_out[2].action, WriteAction::kCreated);
  Record(delta_out, "people", 1, &delta);
  EXPECT_EQ(Row("people", p1)["address"]["addressCity"], "Chicago");

  auto undo_delta = d->Revert(kMigration, ChildrenFirst(delta));
  ASSERT_TRUE(undo_delta.ok()) << undo_delta.status().ToString();
  EXPECT_EQ((*undo_delta)[0].action, "restored");
  EXPECT_EQ((*undo_delta)[1].action, "deleted");
  auto after_delta = emu_->Snapshot();
  ASSERT_TRUE(after_delta.ok());
  EXPECT_EQ(*after_delta, *s1);

  auto undo_load = d->Revert(kMigration, ChildrenFirst(load));
  ASSERT_TRUE(undo_load.ok()) << undo_load.status().ToString();
  for (const auto& r : *undo_load) EXPECT_EQ(r.action, "deleted") << r.key << r.error.ToString();
  auto after_load = emu_->Snapshot();
  ASSERT_TRUE(after_load.ok());
  EXPECT_EQ(*after_load, *s0);

  // Repeatable: a second revert finds everything already gone and changes nothing.
  auto again = d->Revert(kMigration, ChildrenFirst(load));
  ASSERT_TRUE(again.ok());
  for (const auto& r : *again) EXPECT_EQ(r.action, "already-gone") << r.key;
  auto after_again = emu_->Snapshot();
  ASSERT_TRUE(after_again.ok());
  EXPECT_EQ(*after_again, *s0);

  // After a hard revert the same load can run again (no soft-deleted id or email in the way).
  for (const auto& o : MustUpsert(d.get(), Companies())) EXPECT_EQ(o.action, WriteAction::kCreated);
}

TEST_F(TwentyDestinationTest, SoftRevertLeavesRowsInTheTrashAndReportsTheHeldId) {
  Start();
  TwentyOptions o = Options();
  o.delete_mode = DeleteMode::kSoft;
  auto d = Connect(o);
  std::vector<TargetRecord> people = {
      Rec("people", "patients", "S1", "person",
          {{"name.firstName", "S"}, {"emails.primaryEmail", "s1@example.org"}})};
  std::vector<ManifestEntry> load;
  Record(MustUpsert(d.get(), people), "people", 1, &load);
  auto undo = d->Revert(kMigration, load);
  ASSERT_TRUE(undo.ok());
  EXPECT_EQ((*undo)[0].action, "deleted");
  Json row = Row("people", load[0].destination_id);
  EXPECT_EQ(row["deletedAt"], "<deleted>");
  auto again = d->Revert(kMigration, load);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].action, "already-gone");
  // Re-loading meets its own soft-deleted id: a clear failure, not a second record.
  auto out = MustUpsert(d.get(), people);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].action, WriteAction::kFailed);
  EXPECT_NE(out[0].error.message().find("soft-deleted"), std::string::npos);
}

TEST_F(TwentyDestinationTest, ServerRateLimitIsWaitedOutWithoutALimiter) {
  Start({"--empty-workspace", "--rate-limit", "3", "--rate-window-ms", "500"});
  auto d = Connect();
  for (int b = 0; b < 4; ++b) {
    std::vector<TargetRecord> people;
    for (int i = 0; i < 3; ++i) {
      std::string id = std::to_string(b) + "-" + std::to_string(i);
      people.push_back(Rec("people", "patients", id, "person", {{"name.firstName", id}}));
    }
    for (const auto& o : MustUpsert(d.get(), people)) {
      EXPECT_EQ(o.action, WriteAction::kCreated) << o.error.ToString();
    }
  }
  EXPECT_EQ(Rows("people").size(), 12u);
  // The four batches above and the revert's lookup and delete: more requests in a row than the
  // 3-token bucket holds.
  std::vector<ManifestEntry> entries;
  for (int b = 0; b < 4; ++b) {
    for (int i = 0; i < 3; ++i) {
      WriteOutcome o;
      o.key = "patients/" + std::to_string(b) + "-" + std::to_string(i) + "/person";
      o.destination_id = RecordUuid(kMigration, o.key);
      o.action = WriteAction::kCreated;
      entries.push_back(Entry(o, "people", 1));
    }
  }
  auto undo = d->Revert(kMigration, entries);
  ASSERT_TRUE(undo.ok()) << undo.status().ToString();
  for (const auto& r : *undo) EXPECT_EQ(r.action, "deleted") << r.error.ToString();
  EXPECT_EQ(Rows("people").size(), 0u);
  auto after = emu_->Stats();
  ASSERT_TRUE(after.ok());
  EXPECT_GT((*after)["throttled"].get<int>(), 0);  // the server did say 429, and we waited
}

}  // namespace
}  // namespace bridgework::connectors::twenty
