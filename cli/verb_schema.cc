// schema plan | schema apply: what the map needs in the destination (custom fields, named
// records, modules), then created. Plan writes schema-plan.json / .html; apply refuses an
// unconfirmed or changed map, creates what is missing (idempotent) and writes schema-apply.json.
// The custom fields it creates (not those it finds) are recorded in the state store, for
// `rollback --drop-custom-fields`. See docs/workflow.md.
#include <cstdio>
#include <optional>
#include <set>
#include <utility>

#include "cli/engine_run.h"
#include "cli/run_folder.h"
#include "cli/verbs.h"
#include "cli/wiring.h"
#include "cli/workflow/created_fields.h"
#include "cli/workflow/guards.h"
#include "cli/workflow/schema_planner.h"
#include "cli/workflow/verb_support.h"
#include "state/memory_state_store.h"

namespace bridgework::cli {

namespace wf = workflow;

namespace {

struct Planned {
  wf::VerbContext ctx;
  std::unique_ptr<connectors::DestinationConnector> destination;
  wf::SchemaPlanReport plan;
};

Planned Plan(const std::string& config_path) {
  auto ctx = wf::LoadVerbContext(config_path);
  if (!ctx.ok()) Fail(kExitUsage, ctx.status().ToString());
  auto destination = MakeDestination(ctx->config);
  if (!destination.ok()) Fail(kExitFailed, "destination: " + destination.status().ToString());
  auto schema = (*destination)->Discover();
  if (!schema.ok()) Fail(kExitFailed, "discovering the destination: " + schema.status().ToString());
  std::map<std::string, std::map<std::string, std::string>> existing;
  for (const auto& [model, names] : wf::RecordNamesByModel(ctx->map)) {
    // A model that is not installed has none of them: the plan lists them as missing.
    auto found = (*destination)->LookupByField(model, "name", names);
    if (found.ok()) existing[model] = std::move(*found);
  }
  Planned p{std::move(*ctx), std::move(*destination), {}};
  p.plan = wf::PlanSchema(p.ctx.map, *schema, existing);
  return p;
}

void WriteOrFail(const RunFolder& folder, const std::string& name, const std::string& content) {
  Status s = folder.WriteFile(name, content);
  if (!s.ok()) Fail(kExitFailed, s.ToString());
}

void RunPlan(const std::string& config_path) {
  Planned p = Plan(config_path);
  auto folder = RunFolder::Create(p.ctx.config.run_dir, wf::NewWorkflowRunId("schema-plan"));
  if (!folder.ok()) Fail(kExitFailed, folder.status().ToString());
  Json out = NewVerbResult("schema plan", folder->run_id());
  out["ok"] = true;
  out["plan"] = p.plan.ToJson();
  out["files"] = {folder->File("schema-plan.json"), folder->File("schema-plan.html")};
  WriteOrFail(*folder, "schema-plan.html", p.plan.ToHtml());
  Status s = folder->WriteJson("schema-plan.json", out);
  if (!s.ok()) Fail(kExitFailed, s.ToString());
  std::printf("schema plan: %d to create, %d present, %d unavailable (%s)\n",
              p.plan.Count("missing"), p.plan.Count("exists"), p.plan.Count("unavailable"),
              folder->File("schema-plan.html").c_str());
}

void RunApply(const std::string& config_path) {
  Planned p = Plan(config_path);
  const Config& config = p.ctx.config;
  Status confirmed = wf::CheckMapConfirmed(config.map, config.path);
  if (!confirmed.ok()) Fail(kExitFailed, confirmed.message());
  // Opened before the first field is created, so that no created field goes unrecorded (the
  // fields are written as pending first: cli/workflow/created_fields.h). A
  // `redis: "memory:"` config keeps no state between verbs: nothing can be recorded there.
  std::set<std::pair<std::string, std::string>> present;  // the plan's existing fields
  for (const auto& item : p.plan.items) {
    if (item.kind == "field" && item.status == "exists") present.insert({item.model, item.name});
  }
  std::optional<StateHandle> st;
  std::vector<connectors::CustomFieldSpec> recovered;
  if ((!p.plan.to_create.fields.empty() || !present.empty()) &&
      config.redis != state::kMemoryStateUrl) {
    auto opened = OpenState(config, /*allow_embedded=*/true);
    if (!opened.ok()) Fail(kExitFailed, opened.status().ToString());
    st = std::move(*opened);
    auto begun =
        wf::BeginFieldCreation(st->store.get(), config.migration, p.plan.to_create.fields, present);
    if (!begun.ok()) {
      Fail(kExitFailed, "state store: the custom fields to create could not be recorded first: " +
                            begun.status().ToString());
    }
    recovered = std::move(*begun);
  }
  std::vector<connectors::SchemaItemResult> results;
  if (!p.plan.to_create.fields.empty() || !p.plan.to_create.records.empty()) {
    auto applied = p.destination->ApplySchema(p.plan.to_create);
    if (!applied.ok()) Fail(kExitFailed, "applying the schema: " + applied.status().ToString());
    results = std::move(*applied);
  }
  int created = 0, existed = 0, failed = 0;
  for (const auto& r : results) {
    if (r.action == "created")
      ++created;
    else if (r.action == "exists")
      ++existed;
    else
      ++failed;
  }
  const auto created_fields = wf::CreatedFields(p.plan.to_create.fields, results);
  if (st) {
    Status recorded = wf::FinishFieldCreation(st->store.get(), config.migration,
                                              p.plan.to_create.fields, created_fields);
    if (!recorded.ok()) {
      Fail(kExitFailed, "the created custom fields could not be recorded for rollback (the next " +
                            std::string("schema apply records them): ") + recorded.ToString());
    }
  }
  auto folder = RunFolder::Create(config.run_dir, wf::NewWorkflowRunId("schema-apply"));
  if (!folder.ok()) Fail(kExitFailed, folder.status().ToString());
  Json out = NewVerbResult("schema apply", folder->run_id());
  out["ok"] = failed == 0;
  out["created"] = created;
  out["already_present"] = existed + p.plan.Count("exists");
  out["failed"] = failed;
  out["unavailable"] = p.plan.Count("unavailable");
  out["items"] = wf::ApplyResultsToJson(results);
  // The fields this call created (`rollback --drop-custom-fields` drops these, with those of
  // earlier applies of the migration, and never one that was already there).
  out["created_fields"] = wf::FieldNames(created_fields);
  out["created_fields_recorded"] = created_fields.empty() || st.has_value();
  // Fields an earlier apply created without learning it (it stopped, or its answer was lost),
  // found present now and recorded as created.
  out["created_fields_recovered"] = wf::FieldNames(recovered);
  out["plan"] = p.plan.ToJson();
  out["files"] = {folder->File("schema-apply.json")};
  Status s = folder->WriteJson("schema-apply.json", out);
  if (!s.ok()) Fail(kExitFailed, s.ToString());
  std::printf("schema apply: %d created, %d already present, %d failed (%s)\n", created,
              existed + p.plan.Count("exists"), failed, folder->File("schema-apply.json").c_str());
  if (failed > 0) {
    for (const auto& r : results) {
      if (r.action != "created" && r.action != "exists") {
        Fail(kExitFailed, std::to_string(failed) + " schema item(s) failed, first: " + r.what +
                              ": " + r.error.ToString());
      }
    }
  }
}

}  // namespace

void RegisterSchema(CLI::App& app) {
  auto* cmd = app.add_subcommand("schema", "Plan, then create, what the map needs in the CRM");
  cmd->require_subcommand(1);
  auto path = std::make_shared<std::string>();
  auto* plan = cmd->add_subcommand("plan", "List the custom fields and records the map needs");
  plan->add_option("--config", *path, "migration config file")->required();
  plan->callback([path] { RunPlan(*path); });
  auto* apply = cmd->add_subcommand("apply", "Create what the plan lists (idempotent)");
  apply->add_option("--config", *path, "migration config file")->required();
  apply->callback([path] { RunApply(*path); });
}

}  // namespace bridgework::cli
