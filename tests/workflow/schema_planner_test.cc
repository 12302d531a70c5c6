#include "cli/workflow/schema_planner.h"

#include <gtest/gtest.h>

namespace bridgework::cli::workflow {
namespace {

mapping::MapFile Map() {
  mapping::MapFile map;
  map.custom_fields.push_back({"res.partner", "x_dob", "date", "Date of birth", "", {}});
  map.custom_fields.push_back({"res.partner", "x_existing", "char", "Existing", "", {}});
  map.records.push_back({"crm.stage", "Queue", Json::object()});
  map.records.push_back({"crm.stage", "Won", Json::object()});
  mapping::ObjectMap o;
  o.object = "appointments";
  mapping::TargetRule t;
  t.tag = "event";
  t.model = "calendar.event";
  t.module = "calendar";
  o.targets.push_back(t);
  mapping::Fallback fb;
  fb.module = "calendar";
  fb.action = "custom_fields";
  fb.reason = "Calendar is not installed";
  mapping::TargetRule ft;
  ft.model = "mail.activity";
  fb.targets.push_back(ft);
  o.fallbacks.push_back(fb);
  map.objects.push_back(o);
  return map;
}

TEST(PlanSchema, ListsMissingFieldsRecordsAndUnavailableModels) {
  connectors::DestinationSchema s;
  s.kind = "odoo";
  s.modules = {"crm", "contacts"};
  connectors::FieldInfo f;
  f.name = "x_existing";
  s.models["res.partner"].name = "res.partner";
  s.models["res.partner"].fields["x_existing"] = f;
  auto plan = PlanSchema(Map(), s, {{"crm.stage", {{"Won", "7"}}}});
  EXPECT_EQ(plan.Count("missing"), 2);      // x_dob, Queue
  EXPECT_EQ(plan.Count("exists"), 2);       // x_existing, Won
  EXPECT_EQ(plan.Count("unavailable"), 1);  // calendar.event
  ASSERT_EQ(plan.to_create.fields.size(), 1u);
  EXPECT_EQ(plan.to_create.fields[0].name, "x_dob");
  ASSERT_EQ(plan.to_create.records.size(), 1u);
  EXPECT_EQ(plan.to_create.records[0].name, "Queue");
  bool said_fallback = false;
  for (const auto& i : plan.items) {
    if (i.status == "unavailable") {
      said_fallback = i.detail.find("mail.activity") != std::string::npos;
    }
  }
  EXPECT_TRUE(said_fallback);
  Json j = plan.ToJson();
  EXPECT_EQ(j["fields_to_create"], 1);
  EXPECT_NE(plan.ToHtml().find("x_dob"), std::string::npos);
}

TEST(PlanSchema, NothingToCreateOnceApplied) {
  connectors::DestinationSchema s;
  s.kind = "odoo";
  s.modules = {"crm", "calendar"};
  connectors::FieldInfo f;
  s.models["res.partner"].fields["x_dob"] = f;
  s.models["res.partner"].fields["x_existing"] = f;
  auto plan = PlanSchema(Map(), s, {{"crm.stage", {{"Won", "7"}, {"Queue", "8"}}}});
  EXPECT_TRUE(plan.to_create.fields.empty());
  EXPECT_TRUE(plan.to_create.records.empty());
  EXPECT_EQ(plan.Count("unavailable"), 0);
}

}  // namespace
}  // namespace bridgework::cli::workflow
