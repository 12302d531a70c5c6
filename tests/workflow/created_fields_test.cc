// What `schema apply` records as created and `rollback --drop-custom-fields` drops: only fields
// ApplySchema reports "created", merged across applies without doubles, kept as JSON in the state
// store and read back intact; a damaged value is an error, never an empty list. A field an apply
// created without recording it (it stopped, or its answer was lost) is recorded by the next.
#include "cli/workflow/created_fields.h"

#include <gtest/gtest.h>

#include "state/memory_state_store.h"

namespace bridgework::cli::workflow {
namespace {

using connectors::CustomFieldSpec;
using connectors::SchemaItemResult;

CustomFieldSpec Field(const std::string& model, const std::string& name,
                      const std::string& type = "char") {
  CustomFieldSpec f;
  f.model = model;
  f.name = name;
  f.type = type;
  f.label = name;
  return f;
}

SchemaItemResult Result(const std::string& what, const std::string& action) {
  SchemaItemResult r;
  r.what = what;
  r.action = action;
  return r;
}

TEST(CreatedFieldsTest, OnlyFieldsReportedCreatedAreRecorded) {
  std::vector<CustomFieldSpec> planned = {Field("crm.lead", "x_a"), Field("crm.lead", "x_b"),
                                          Field("res.partner", "x_a")};
  std::vector<SchemaItemResult> results = {
      Result("field crm.lead.x_a", "created"), Result("field crm.lead.x_b", "exists"),
      Result("field res.partner.x_a", "failed"), Result("record crm.stage 'x_a'", "created")};
  auto created = CreatedFields(planned, results);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].model, "crm.lead");
  EXPECT_EQ(created[0].name, "x_a");
}

TEST(CreatedFieldsTest, MergeKeepsOrderAndAddsEachFieldOnce) {
  auto merged = MergeCreatedFields({Field("crm.lead", "x_a"), Field("crm.lead", "x_b")},
                                   {Field("crm.lead", "x_b"), Field("res.partner", "x_b")});
  ASSERT_EQ(merged.size(), 3u);
  EXPECT_EQ(merged[0].name, "x_a");
  EXPECT_EQ(merged[1].model, "crm.lead");
  EXPECT_EQ(merged[2].model, "res.partner");
}

TEST(CreatedFieldsTest, JsonRoundTripKeepsEverySpecDetail) {
  CustomFieldSpec sel = Field("crm.lead", "x_status", "selection");
  sel.options = {{"new", "New"}, {"done", "Done"}};
  CustomFieldSpec rel = Field("res.partner", "x_carrier_id", "many2one");
  rel.relation = "res.partner";
  auto back = CreatedFieldsFromJson(CreatedFieldsToJson({sel, rel}).dump());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].type, "selection");
  EXPECT_EQ((*back)[0].options, sel.options);
  EXPECT_EQ((*back)[1].relation, "res.partner");
  EXPECT_EQ((*back)[1].label, "x_carrier_id");
}

TEST(CreatedFieldsTest, NothingStoredIsAnEmptyListAndDamageIsAnError) {
  auto none = CreatedFieldsFromJson("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(CreatedFieldsFromJson("{\"model\": 1}").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(CreatedFieldsFromJson("[{\"name\": \"x_a\"}]").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(CreatedFieldsFromJson("not json").status().code(), StatusCode::kDataLoss);
}

TEST(CreatedFieldsTest, DropResultsAreGroupedByOutcome) {
  SchemaItemResult failed = Result("field crm.lead.x_c", "failed");
  failed.error = Unavailable("odoo: 503");
  Json out = DropResultsToJson({Result("field crm.lead.x_a", "dropped"),
                                Result("field crm.lead.x_b", "already-gone"), failed});
  EXPECT_EQ(out["requested"], 3);
  EXPECT_EQ(out["dropped"], Json::array({"crm.lead.x_a"}));
  EXPECT_EQ(out["already_gone"], Json::array({"crm.lead.x_b"}));
  ASSERT_EQ(out["failed"].size(), 1u);
  EXPECT_EQ(out["failed"][0]["field"], "crm.lead.x_c");
  EXPECT_NE(out["failed"][0]["error"].get<std::string>().find("503"), std::string::npos);
}

std::vector<std::string> Names(const std::vector<CustomFieldSpec>& fields) {
  std::vector<std::string> out;
  for (const auto& f : fields) out.push_back(f.model + "." + f.name);
  return out;
}

std::vector<std::string> Stored(state::StateStore* store, const char* value) {
  auto text = store->GetValue("m", value);
  EXPECT_TRUE(text.ok());
  auto fields = CreatedFieldsFromJson(text.ok() ? text->value_or("") : "");
  EXPECT_TRUE(fields.ok()) << fields.status().ToString();
  return fields.ok() ? Names(*fields) : std::vector<std::string>{};
}

TEST(CreatedFieldsTest, AFieldAnInterruptedApplyCreatedIsRecordedByTheNext) {
  state::MemoryStateStore store;
  const std::vector<CustomFieldSpec> planned = {Field("crm.lead", "x_a"), Field("crm.lead", "x_b")};
  // The first apply records what it is about to create, creates x_a, and stops before it can
  // say so (killed, or the state store went away).
  auto first = BeginFieldCreation(&store, "m", planned, {{"crm.lead", "x_before"}});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_TRUE(first->empty());
  EXPECT_EQ(Stored(&store, kPendingFieldsValue),
            (std::vector<std::string>{"crm.lead.x_a", "crm.lead.x_b"}));
  EXPECT_TRUE(Stored(&store, kCreatedFieldsValue).empty());

  // The next apply plans again: x_a is there now, x_b still missing; x_before was there all along.
  auto second = BeginFieldCreation(&store, "m", {Field("crm.lead", "x_b")},
                                   {{"crm.lead", "x_a"}, {"crm.lead", "x_before"}});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(Names(*second), std::vector<std::string>{"crm.lead.x_a"});
  EXPECT_EQ(Stored(&store, kCreatedFieldsValue), std::vector<std::string>{"crm.lead.x_a"});
  ASSERT_TRUE(
      FinishFieldCreation(&store, "m", {Field("crm.lead", "x_b")}, {Field("crm.lead", "x_b")})
          .ok());
  EXPECT_EQ(Stored(&store, kCreatedFieldsValue),
            (std::vector<std::string>{"crm.lead.x_a", "crm.lead.x_b"}));
  EXPECT_TRUE(Stored(&store, kPendingFieldsValue).empty());

  // A third apply with everything present finds nothing pending and changes nothing.
  auto third = BeginFieldCreation(&store, "m", {}, {{"crm.lead", "x_a"}, {"crm.lead", "x_b"}});
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->empty());
  EXPECT_EQ(Stored(&store, kCreatedFieldsValue),
            (std::vector<std::string>{"crm.lead.x_a", "crm.lead.x_b"}));
}

TEST(CreatedFieldsTest, AFieldWhoseCreationFailedStaysPendingNotCreated) {
  state::MemoryStateStore store;
  const std::vector<CustomFieldSpec> planned = {Field("crm.lead", "x_a"), Field("crm.lead", "x_b")};
  ASSERT_TRUE(BeginFieldCreation(&store, "m", planned, {}).ok());
  // x_b failed (a timeout, say): not recorded as created, but kept pending.
  ASSERT_TRUE(FinishFieldCreation(&store, "m", planned, {Field("crm.lead", "x_a")}).ok());
  EXPECT_EQ(Stored(&store, kCreatedFieldsValue), std::vector<std::string>{"crm.lead.x_a"});
  EXPECT_EQ(Stored(&store, kPendingFieldsValue), std::vector<std::string>{"crm.lead.x_b"});
  // It had been created after all: the next apply finds it and records it.
  auto next = BeginFieldCreation(&store, "m", {}, {{"crm.lead", "x_a"}, {"crm.lead", "x_b"}});
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(Names(*next), std::vector<std::string>{"crm.lead.x_b"});
  EXPECT_EQ(Stored(&store, kCreatedFieldsValue),
            (std::vector<std::string>{"crm.lead.x_a", "crm.lead.x_b"}));
}

TEST(CreatedFieldsTest, ADamagedPendingListIsAnErrorAndNothingIsApplied) {
  state::MemoryStateStore store;
  ASSERT_TRUE(store.SetValue("m", kPendingFieldsValue, "not json").ok());
  auto begun = BeginFieldCreation(&store, "m", {Field("crm.lead", "x_a")}, {});
  ASSERT_FALSE(begun.ok());
  EXPECT_EQ(begun.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(begun.status().message().find(kPendingFieldsValue), std::string::npos);
}

}  // namespace
}  // namespace bridgework::cli::workflow
