// The Odoo connector against the Odoo emulator (tests/emulators/odoo), one emulator per test:
// every target model with its relations, idempotency (same batch twice, a lost answer after the
// commit), exact revert, bisection of refused records, faults and slow calls, missing modules.
#include "connectors/destinations/odoo/odoo_destination.h"

#include <gtest/gtest.h>

#include <set>

#include "common/ids.h"
#include "tests/destinations/odoo/odoo_emulator_process.h"

namespace bridgework::connectors::odoo {
namespace {

using testing::EmulatorOptions;
using testing::OdooEmulatorProcess;

const char kMigration[] = "sensei-to-odoo";

// The rows of a model in an emulator snapshot.
Json Rows(const Json& snapshot, const std::string& model) {
  const Json* tables = snapshot.contains("tables") ? &snapshot["tables"] : &snapshot;
  if (!tables->contains(model)) return Json::object();
  return (*tables)[model];
}

size_t Count(const Json& snapshot, const std::string& model) {
  return Rows(snapshot, model).size();
}

// External ids of a module in a snapshot.
std::multiset<std::string> XmlIds(const Json& snapshot, const std::string& module) {
  std::multiset<std::string> names;
  for (const auto& row : Rows(snapshot, "ir.model.data")) {
    if (row.value("module", Json()) == module) names.insert(row["name"].get<std::string>());
  }
  return names;
}

TargetRecord Rec(const std::string& model, const std::string& object, const std::string& id,
                 Json values, const std::string& target = "") {
  TargetRecord r;
  r.model = model;
  r.object = object;
  r.source_id = id;
  r.target = target.empty() ? model : target;
  r.values = std::move(values);
  return r;
}

class OdooDestinationTest : public ::testing::Test {
 protected:
  void StartEmulator(EmulatorOptions options = {}) {
    auto emu = OdooEmulatorProcess::Start(options);
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    emu_ = std::move(emu).value();
    odoo_ = Connect(emu_->options().password);
  }
  std::unique_ptr<OdooDestination> Connect(const std::string& password, int fixed_batch = 0,
                                           Duration retry_deadline = std::chrono::seconds(120)) {
    OdooOptions o;
    o.url = emu_->url();
    o.database = emu_->options().database;
    o.user = emu_->options().user;
    o.password = password;
    o.first_backoff = std::chrono::milliseconds(5);
    o.max_backoff = std::chrono::milliseconds(200);
    o.retry_deadline = retry_deadline;
    o.call_timeout = std::chrono::seconds(30);
    o.batch.fixed = fixed_batch;
    o.max_attachment_bytes = 1024;
    return NewOdooDestination(o);
  }
  Json Snap() {
    auto s = emu_->Snapshot();
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : Json();
  }
  std::vector<WriteOutcome> Write(const std::vector<TargetRecord>& records) {
    auto out = odoo_->Upsert(kMigration, records);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    if (!out.ok()) return {};
    for (const auto& o : *out) {
      EXPECT_NE(o.action, WriteAction::kFailed) << o.key << ": " << o.error.ToString();
    }
    return *out;
  }
  int64_t Id(const WriteOutcome& o) { return std::stoll(o.destination_id); }
  Json Stored(const std::string& model, const std::string& id,
              const std::vector<std::string>& fields) {
    auto r = odoo_->Read(model, {id}, fields);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->empty() || !(*r)[0].exists) return Json();
    return (*r)[0].values;
  }
  int64_t AdminUid() {
    auto users = odoo_->LookupByField("res.users", "login", {emu_->options().user});
    EXPECT_TRUE(users.ok() && users->count(emu_->options().user));
    return users.ok() && users->count(emu_->options().user)
               ? std::stoll(users->at(emu_->options().user))
               : 0;
  }
  std::vector<TargetRecord> Patients(int n, int from = 0) {
    std::vector<TargetRecord> out;
    for (int i = from; i < from + n; ++i) {
      out.push_back(Rec("res.partner", "patients", "P-" + std::to_string(i),
                        {{"name", "Patient " + std::to_string(i)},
                         {"email", "p" + std::to_string(i) + "@example.com"},
                         {"ref", "P-" + std::to_string(i)}},
                        "partner"));
    }
    return out;
  }

  std::unique_ptr<OdooEmulatorProcess> emu_;
  std::unique_ptr<OdooDestination> odoo_;
};

TEST_F(OdooDestinationTest, WrongPasswordIsPermissionDeniedNamingUserNotPassword) {
  StartEmulator();
  auto bad = Connect("not-the-password-xyz");
  auto schema = bad->Discover();
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(schema.status().message().find("'admin'"), std::string::npos);
  EXPECT_NE(schema.status().message().find("'practice'"), std::string::npos);
  EXPECT_EQ(schema.status().message().find("not-the-password-xyz"), std::string::npos);
}

TEST_F(OdooDestinationTest, DiscoverReportsVersionModulesAndLiveFields) {
  StartEmulator();
  auto schema = odoo_->Discover();
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->kind, "odoo");
  EXPECT_FALSE(schema->version.empty());
  EXPECT_TRUE(schema->modules.count("base"));
  ASSERT_TRUE(schema->models.count("crm.lead"));
  const auto& lead = schema->models.at("crm.lead").fields;
  ASSERT_TRUE(lead.count("partner_id"));
  EXPECT_EQ(lead.at("partner_id").type, "many2one");
  EXPECT_EQ(lead.at("partner_id").relation, "res.partner");
  ASSERT_TRUE(schema->models.count("res.partner"));
  EXPECT_TRUE(schema->models.at("res.partner").fields.count("name"));
}

TEST_F(OdooDestinationTest, ApplySchemaCreatesEveryFieldTypeAndNamedRecordsOnce) {
  StartEmulator();
  SchemaPlan plan;
  plan.fields = {
      {"res.partner", "x_date_of_birth", "date", "Date of birth"},
      {"res.partner", "x_legacy_created", "datetime", "Created (legacy)"},
      {"res.partner", "x_chart_no", "char", "Chart number"},
      {"res.partner", "x_alert", "text", "Medical alert"},
      {"res.partner", "x_history", "html", "History"},
      {"res.partner", "x_recall_ok", "boolean", "Recall OK"},
      {"res.partner", "x_visits", "integer", "Visits"},
      {"res.partner", "x_balance", "float", "Balance"},
      {"res.partner", "x_gender", "selection", "Gender", "", {{"f", "Female"}, {"m", "Male"}}},
      {"res.partner", "x_carrier_id", "many2one", "Carrier", "res.partner"},
  };
  plan.records = {{"mail.activity.type", "Recall"},
                  {"res.partner.category", "Insurance"},
                  {"crm.stage", "Queue", {{"sequence", 0}}},
                  {"crm.team", "Main Street Clinic"},
                  {"utm.source", "Referral"},
                  {"utm.medium", "Word of mouth"}};
  auto first = odoo_->ApplySchema(plan);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->size(), plan.fields.size() + plan.records.size());
  for (const auto& r : *first)
    EXPECT_EQ(r.action, "created") << r.what << " " << r.error.ToString();
  Json before = Snap();
  auto second = odoo_->ApplySchema(plan);
  ASSERT_TRUE(second.ok());
  for (const auto& r : *second) EXPECT_EQ(r.action, "exists") << r.what;
  EXPECT_EQ(Snap(), before);

  // The new fields are writable at once, with their types.
  auto carrier = Write({Rec("res.partner", "carriers", "C-1", {{"name", "Delta Dental"}})});
  ASSERT_EQ(carrier.size(), 1u);
  auto out = Write({Rec("res.partner", "patients", "P-1",
                        {{"name", "Ana"},
                         {"x_date_of_birth", "1980-02-03"},
                         {"x_legacy_created", "2015-06-01T08:00:00Z"},
                         {"x_recall_ok", true},
                         {"x_visits", 12},
                         {"x_balance", 42.5},
                         {"x_gender", "f"},
                         {"x_carrier_id", Id(carrier[0])}})});
  ASSERT_EQ(out.size(), 1u);
  Json stored = Stored("res.partner", out[0].destination_id,
                       {"x_date_of_birth", "x_legacy_created", "x_recall_ok", "x_visits",
                        "x_balance", "x_gender", "x_carrier_id"});
  EXPECT_EQ(stored["x_date_of_birth"], "1980-02-03");
  EXPECT_EQ(stored["x_legacy_created"], "2015-06-01 08:00:00");
  EXPECT_EQ(stored["x_recall_ok"], true);
  EXPECT_EQ(stored["x_visits"], 12);
  EXPECT_EQ(stored["x_gender"], "f");
  EXPECT_EQ(stored["x_carrier_id"], Id(carrier[0]));

  auto dropped = odoo_->DropCustomFields({plan.fields[3]});
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ((*dropped)[0].action, "dropped");
  auto again = odoo_->DropCustomFields({plan.fields[3]});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].action, "already-gone");
}

TEST_F(OdooDestinationTest, LookupsByCodeEmailAndName) {
  StartEmulator();
  auto countries = odoo_->LookupByField("res.country", "code", {"US", "ZZ"});
  ASSERT_TRUE(countries.ok()) << countries.status().ToString();
  EXPECT_TRUE(countries->count("US"));
  EXPECT_FALSE(countries->count("ZZ"));
  auto states = odoo_->LookupByField("res.country.state", "code", {"US/CA", "US/NY"});
  ASSERT_TRUE(states.ok()) << states.status().ToString();
  EXPECT_EQ(states->size(), 2u);
  EXPECT_NE(states->at("US/CA"), states->at("US/NY"));
  auto users = odoo_->ListUsers();
  ASSERT_TRUE(users.ok()) << users.status().ToString();
  ASSERT_FALSE(users->empty());
  std::string email = (*users)[0].email;
  auto by_email = odoo_->LookupByField("res.users", "email", {email});
  ASSERT_TRUE(by_email.ok());
  EXPECT_EQ(by_email->at(email), (*users)[0].id);
  Write({Rec("res.partner", "carriers", "C-9", {{"name", "Aetna"}})});
  auto by_name = odoo_->LookupByField("res.partner", "name", {"Aetna", "Nobody"});
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->size(), 1u);
}

TEST_F(OdooDestinationTest, EveryCrmModelLandsLinkedToItsParents) {
  StartEmulator();
  int64_t uid = AdminUid();
  auto partner = Write(Patients(1));
  ASSERT_EQ(partner.size(), 1u);
  int64_t pid = Id(partner[0]);

  auto lead = Write({Rec(
      "crm.lead", "patients", "P-0",
      {{"name", "New patient: Patient 0"}, {"partner_id", pid}, {"type", "opportunity"}}, "lead")});
  ASSERT_EQ(lead.size(), 1u);
  EXPECT_EQ(lead[0].action, WriteAction::kCreated);
  EXPECT_EQ(Stored("crm.lead", lead[0].destination_id, {"partner_id"})["partner_id"], pid);

  auto activity = Write({Rec("mail.activity", "recalls", "R-1",
                             {{"res_model", "crm.lead"},
                              {"res_id", Id(lead[0])},
                              {"summary", "6-month recall"},
                              {"date_deadline", "2020-01-15"},
                              {"user_id", uid}})});
  ASSERT_EQ(activity.size(), 1u);
  Json act =
      Stored("mail.activity", activity[0].destination_id, {"res_model", "res_id", "user_id"});
  EXPECT_EQ(act["res_model"], "crm.lead");
  EXPECT_EQ(act["res_id"], Id(lead[0]));

  auto note = Write({Rec("mail.message", "notes", "N-1",
                         {{"model", "res.partner"},
                          {"res_id", pid},
                          {"body", "<p>Prefers mornings</p>"},
                          {"date", "2019-05-01T09:00:00Z"}})});
  ASSERT_EQ(note.size(), 1u);
  Json msg =
      Stored("mail.message", note[0].destination_id, {"date", "res_id", "model", "subtype_id"});
  EXPECT_EQ(msg["date"], "2019-05-01 09:00:00");
  EXPECT_EQ(msg["res_id"], pid);
  EXPECT_FALSE(msg["subtype_id"].is_null());

  auto event = Write({Rec("calendar.event", "appointments", "A-1",
                          {{"name", "Cleaning"},
                           {"start", "2024-03-01T10:00:00Z"},
                           {"stop", "2024-03-01T11:00:00Z"},
                           {"partner_ids", {pid}},
                           {"user_id", uid}})});
  ASSERT_EQ(event.size(), 1u);
  Json ev = Stored("calendar.event", event[0].destination_id, {"partner_ids", "user_id", "start"});
  EXPECT_EQ(ev["partner_ids"], Json::array({pid}));
  EXPECT_EQ(ev["user_id"], uid);
  EXPECT_EQ(ev["start"], "2024-03-01 10:00:00");

  auto file = Write({Rec("ir.attachment", "documents", "D-1",
                         {{"name", "xray.txt"},
                          {"datas", "aGVsbG8gd29ybGQ="},
                          {"res_model", "res.partner"},
                          {"res_id", pid}})});
  ASSERT_EQ(file.size(), 1u);
  Json att = Stored("ir.attachment", file[0].destination_id, {"res_model", "res_id"});
  EXPECT_EQ(att["res_id"], pid);

  // Over the size limit (1 KiB here): reported with the reason, nothing written.
  std::string big(4000, 'A');
  auto over = odoo_->Upsert(
      kMigration,
      {Rec("ir.attachment", "documents", "D-2",
           {{"name", "big.bin"}, {"datas", big}, {"res_model", "res.partner"}, {"res_id", pid}})});
  ASSERT_TRUE(over.ok());
  EXPECT_EQ((*over)[0].action, WriteAction::kFailed);
  EXPECT_NE((*over)[0].error.message().find("over the limit"), std::string::npos);

  auto team = Write({Rec("crm.team", "locations", "L-1", {{"name", "Downtown"}})});
  auto source = Write({Rec("utm.source", "referrals", "S-1", {{"name", "Dr. Smith"}})});
  EXPECT_EQ(team.size(), 1u);
  EXPECT_EQ(source.size(), 1u);
}

TEST_F(OdooDestinationTest, InvoicesArePostedAndPaymentsReconciled) {
  StartEmulator();
  auto partner = Write(Patients(1));
  ASSERT_EQ(partner.size(), 1u);
  int64_t pid = Id(partner[0]);
  auto invoice = [&](const std::string& id, double price) {
    return Rec("account.move", "invoices", id,
               {{"move_type", "out_invoice"},
                {"partner_id", pid},
                {"invoice_date", "2023-02-01"},
                {"ref", id},
                {"state", "posted"},
                {"invoice_line_ids",
                 {{{"name", "Prophylaxis"}, {"quantity", 1}, {"price_unit", price}},
                  {{"name", "Bitewing X-ray"}, {"quantity", 2}, {"price_unit", 20.0}}}}});
  };
  auto moves = Write({invoice("I-1", 100.0), invoice("I-2", 60.0)});
  ASSERT_EQ(moves.size(), 2u);
  Json inv = Stored("account.move", moves[0].destination_id,
                    {"state", "partner_id", "amount_total", "invoice_line_ids"});
  EXPECT_EQ(inv["state"], "posted");
  EXPECT_EQ(inv["partner_id"], pid);
  EXPECT_DOUBLE_EQ(inv["amount_total"].get<double>(), 140.0);
  EXPECT_EQ(inv["invoice_line_ids"].size(), 2u);

  auto payments = Write(
      {Rec("account.payment", "payments", "PAY-1",
           {{"amount", 140.0}, {"date", "2023-02-10"}, {"reconciled_invoice_ids", {Id(moves[0])}}}),
       Rec("account.payment", "payments", "PAY-2",
           {{"amount", 30.0},
            {"date", "2023-02-11"},
            {"reconciled_invoice_ids", {Id(moves[1])}}})});
  ASSERT_EQ(payments.size(), 2u);
  EXPECT_EQ(Stored("account.move", moves[0].destination_id, {"payment_state"})["payment_state"],
            "paid");
  EXPECT_EQ(Stored("account.move", moves[1].destination_id, {"payment_state"})["payment_state"],
            "partial");

  // Again: nothing new (invoices posted stay, payments are found by external id).
  Json before = Snap();
  auto again = odoo_->Upsert(kMigration, {invoice("I-1", 100.0)});
  ASSERT_TRUE(again.ok());
  auto pay_again = odoo_->Upsert(kMigration, {Rec("account.payment", "payments", "PAY-1",
                                                  {{"amount", 140.0},
                                                   {"date", "2023-02-10"},
                                                   {"reconciled_invoice_ids", {Id(moves[0])}}})});
  ASSERT_TRUE(pay_again.ok());
  EXPECT_EQ((*pay_again)[0].destination_id, payments[0].destination_id);
  EXPECT_EQ(Count(Snap(), "account.payment"), Count(before, "account.payment"));
  EXPECT_EQ(Count(Snap(), "account.move"), Count(before, "account.move"));
}

TEST_F(OdooDestinationTest, SameBatchTwiceCreatesNothingNewAndReportsUpdates) {
  StartEmulator();
  auto first = Write(Patients(30));
  ASSERT_EQ(first.size(), 30u);
  for (const auto& o : first) EXPECT_EQ(o.action, WriteAction::kCreated);
  Json after_first = Snap();
  auto second = Write(Patients(30));
  ASSERT_EQ(second.size(), 30u);
  for (size_t i = 0; i < second.size(); ++i) {
    EXPECT_EQ(second[i].action, WriteAction::kUpdated);
    EXPECT_EQ(second[i].destination_id, first[i].destination_id);
    EXPECT_EQ(second[i].prior_values.value("name", Json()), "Patient " + std::to_string(i));
  }
  Json after_second = Snap();
  EXPECT_EQ(Count(after_second, "res.partner"), Count(after_first, "res.partner"));
  EXPECT_EQ(XmlIds(after_second, odoo_->ModuleFor(kMigration)),
            XmlIds(after_first, odoo_->ModuleFor(kMigration)));
  auto found = odoo_->FindByKeys(kMigration, "res.partner", {Patients(1)[0].Key(), "nope/1/x"});
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->size(), 1u);
  EXPECT_EQ(found->at(Patients(1)[0].Key()), first[0].destination_id);
}

TEST_F(OdooDestinationTest, RefusedRecordsFailAloneWithOdoosMessage) {
  StartEmulator();
  auto records = Patients(40);
  records[7].values = {{"name", "Broken"}, {"country_id", 999999}};  // no such country
  records[23].values = {{"email", "no-name@example.com"}};           // name is required
  auto out = odoo_->Upsert(kMigration, records);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  for (size_t i = 0; i < out->size(); ++i) {
    if (i == 7 || i == 23) {
      EXPECT_EQ((*out)[i].action, WriteAction::kFailed) << i;
      EXPECT_FALSE((*out)[i].error.message().empty());
    } else {
      EXPECT_EQ((*out)[i].action, WriteAction::kCreated) << i << " " << (*out)[i].error.ToString();
    }
  }
  EXPECT_EQ(XmlIds(Snap(), odoo_->ModuleFor(kMigration)).size(), 38u);
}

TEST_F(OdooDestinationTest, RevertLeavesTheDatabaseAsItWasBeforeTheLoad) {
  StartEmulator();
  auto existing = Write(Patients(5));  // an earlier run
  Json before = Snap();
  // This run: updates the five, creates five more and children of each kind.
  auto updated = Patients(10);
  for (auto& r : updated) r.values["phone"] = "+1 555 0100";
  auto partners = Write(updated);
  ASSERT_EQ(partners.size(), 10u);
  int64_t pid = Id(partners[7]);
  auto lead =
      Write({Rec("crm.lead", "patients", "P-7", {{"name", "Lead"}, {"partner_id", pid}}, "lead")});
  auto note = Write({Rec("mail.message", "notes", "N-7",
                         {{"model", "res.partner"},
                          {"res_id", pid},
                          {"body", "<p>x</p>"},
                          {"date", "2018-01-01 08:00:00"}})});
  auto moves = Write({Rec("account.move", "invoices", "I-7",
                          {{"move_type", "out_invoice"},
                           {"partner_id", pid},
                           {"invoice_date", "2023-01-01"},
                           {"state", "posted"},
                           {"invoice_line_ids", {{{"name", "Exam"}, {"price_unit", 50.0}}}}})});
  ASSERT_EQ(moves.size(), 1u);
  auto pay = Write({Rec(
      "account.payment", "payments", "PAY-7",
      {{"amount", 50.0}, {"date", "2023-01-05"}, {"reconciled_invoice_ids", {Id(moves[0])}}})});
  ASSERT_EQ(pay.size(), 1u);

  // The manifest, children first.
  std::vector<ManifestEntry> manifest;
  auto add = [&](const std::vector<WriteOutcome>& outs, const std::string& model) {
    for (const auto& o : outs) {
      ManifestEntry e;
      e.key = o.key;
      e.model = model;
      e.destination_id = o.destination_id;
      e.action = o.action;
      e.prior_values = o.prior_values;
      manifest.push_back(e);
    }
  };
  add(pay, "account.payment");
  add(moves, "account.move");
  add(note, "mail.message");
  add(lead, "crm.lead");
  add(partners, "res.partner");
  auto reverted = odoo_->Revert(kMigration, manifest);
  ASSERT_TRUE(reverted.ok()) << reverted.status().ToString();
  for (const auto& r : *reverted) {
    EXPECT_TRUE(r.action == "deleted" || r.action == "restored")
        << r.key << " " << r.action << " " << r.error.ToString();
  }
  EXPECT_EQ(Snap(), before);
  // Safe to repeat.
  auto again = odoo_->Revert(kMigration, manifest);
  ASSERT_TRUE(again.ok());
  for (size_t i = 0; i < again->size(); ++i) {
    if (manifest[i].action == WriteAction::kCreated) {
      EXPECT_EQ((*again)[i].action, "already-gone");
    }
  }
  EXPECT_EQ(Snap(), before);
  (void)existing;
}

TEST_F(OdooDestinationTest, AnswerLostAfterCommitThenRetriedCreatesNothingTwice) {
  StartEmulator();
  Json before = Snap();
  const std::string module = odoo_->ModuleFor(kMigration);
  // Every load commits, then the proxy answers 502: the client cannot tell it landed.
  ASSERT_TRUE(emu_->SetFaults({{"p_5xx", 1.0}, {"phase", "after"}, {"methods", {"load"}}}).ok());
  auto impatient = Connect(emu_->options().password, 0, std::chrono::milliseconds(50));
  auto lost = impatient->Upsert(kMigration, Patients(20));
  ASSERT_FALSE(lost.ok());
  EXPECT_TRUE(lost.status().IsTransient()) << lost.status().ToString();
  EXPECT_EQ(Count(Snap(), "res.partner"), Count(before, "res.partner") + 20);

  ASSERT_TRUE(emu_->SetFaults({{"reset", true}}).ok());
  auto retried = Write(Patients(20));
  ASSERT_EQ(retried.size(), 20u);
  Json after = Snap();
  EXPECT_EQ(Count(after, "res.partner"), Count(before, "res.partner") + 20);
  auto names = XmlIds(after, module);
  EXPECT_EQ(names.size(), 20u);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), 20u);

  // The engine records these as created (its id map never had the keys); revert restores all.
  std::vector<ManifestEntry> manifest;
  for (const auto& o : retried) {
    ManifestEntry e;
    e.key = o.key;
    e.model = "res.partner";
    e.destination_id = o.destination_id;
    e.action = WriteAction::kCreated;
    manifest.push_back(e);
  }
  ASSERT_TRUE(odoo_->Revert(kMigration, manifest).ok());
  EXPECT_EQ(Snap(), before);
}

TEST_F(OdooDestinationTest, WithFivePercentFaultsAndSlowCallsEveryRecordLandsOnce) {
  StartEmulator();
  Json before = Snap();
  ASSERT_TRUE(emu_->SetFaults({{"p_5xx", 0.05},
                               {"p_timeout", 0.02},
                               {"timeout_s", 0.3},
                               {"p_slow", 0.1},
                               {"slow_ms", 40},
                               {"phase", "random"},
                               {"seed", 11}})
                  .ok());
  auto odoo = Connect(emu_->options().password, 0, std::chrono::seconds(2));
  constexpr int kRecords = 300;
  constexpr int kPerCall = 25;
  std::map<std::string, std::string> ids;
  for (int start = 0; start < kRecords; start += kPerCall) {
    // Like the engine: a call that failed as a whole is retried with the same keys.
    bool done = false;
    for (int attempt = 0; attempt < 20 && !done; ++attempt) {
      auto out = odoo->Upsert(kMigration, Patients(kPerCall, start));
      if (!out.ok()) {
        ASSERT_TRUE(out.status().IsTransient()) << out.status().ToString();
        continue;
      }
      done = true;
      for (const auto& o : *out) {
        ASSERT_NE(o.action, WriteAction::kFailed) << o.error.ToString();
        ids[o.key] = o.destination_id;
      }
    }
    ASSERT_TRUE(done) << "records from " << start << " never landed";
  }
  ASSERT_TRUE(emu_->SetFaults({{"reset", true}}).ok());
  auto stats = emu_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_FALSE((*stats)["faults"].empty()) << "no fault was injected";
  Json after = Snap();
  EXPECT_EQ(Count(after, "res.partner"), Count(before, "res.partner") + kRecords);
  auto names = XmlIds(after, odoo_->ModuleFor(kMigration));
  EXPECT_EQ(names.size(), static_cast<size_t>(kRecords));
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  std::set<std::string> distinct;
  for (const auto& [key, id] : ids) distinct.insert(id);
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kRecords));
}

TEST_F(OdooDestinationTest, BatchShrinksWhenTheWorkerLimitKillsLargeCalls) {
  StartEmulator();
  ASSERT_TRUE(emu_->SetFaults({{"limit_records", 40}}).ok());  // larger loads: 502
  auto out = Write(Patients(150));
  ASSERT_EQ(out.size(), 150u);
  for (const auto& o : out) EXPECT_EQ(o.action, WriteAction::kCreated);
  auto stats = emu_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_GE((*stats)["faults"].value("worker_limit", 0), 1);
  EXPECT_EQ(XmlIds(Snap(), odoo_->ModuleFor(kMigration)).size(), 150u);
}

TEST_F(OdooDestinationTest, ExternalIdModuleThatIsAnOdooModuleIsRefusedBeforeWriting) {
  StartEmulator();
  Json before = Snap();
  OdooOptions o;
  o.url = emu_->url();
  o.database = emu_->options().database;
  o.user = emu_->options().user;
  o.password = emu_->options().password;
  o.module = "sale";  // known to Odoo though not installed
  auto odoo = NewOdooDestination(o);
  auto out = odoo->Upsert(kMigration, Patients(3));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Snap(), before);
}

TEST_F(OdooDestinationTest, MissingModulesAreReportedBeforeAnyWrite) {
  StartEmulator({.modules = {"crm"}});
  auto missing = odoo_->UnavailableModels(
      {"res.partner", "crm.lead", "account.move", "account.payment", "calendar.event"});
  ASSERT_TRUE(missing.ok()) << missing.status().ToString();
  EXPECT_FALSE(missing->count("res.partner"));
  EXPECT_FALSE(missing->count("crm.lead"));
  ASSERT_TRUE(missing->count("account.move"));
  EXPECT_EQ(missing->at("account.move"), "account");
}

}  // namespace
}  // namespace bridgework::connectors::odoo
