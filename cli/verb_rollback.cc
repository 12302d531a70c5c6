// rollback [--run ID]: reverts one run, or the whole migration newest run first, exactly:
// created records deleted children-first, updated ones restored to their prior values. Safe to
// run again after a crash part-way (progress is kept in the state store). Writes rollback.json.
// --drop-custom-fields: once every record is reverted, also drops the custom fields this
// migration's `schema apply` created (never those it found), reported in rollback.json.
// See docs/workflow.md.
#include <algorithm>
#include <cstdio>

#include "cli/engine_run.h"
#include "cli/run_folder.h"
#include "cli/verbs.h"
#include "cli/wiring.h"
#include "cli/workflow/audit_records.h"
#include "cli/workflow/created_fields.h"
#include "cli/workflow/rollback_runner.h"
#include "cli/workflow/verb_support.h"
#include "common/clock.h"

namespace bridgework::cli {

namespace wf = workflow;

namespace {

struct RollbackArgs {
  std::string config;
  std::string run;
  int page_size = 200;
  bool drop_custom_fields = false;
};

// rollback.json's "custom_fields": the fields `schema apply` recorded as created, dropped through
// the destination. *failed counts the fields that could not be dropped.
Json DropCreatedFields(state::StateStore* store, connectors::DestinationConnector* destination,
                       const std::string& migration, int* failed) {
  *failed = 0;
  auto value = store->GetValue(migration, wf::kCreatedFieldsValue);
  if (!value.ok()) Fail(kExitFailed, "state store: " + value.status().ToString());
  auto fields = wf::CreatedFieldsFromJson(value->value_or(""));
  if (!fields.ok()) Fail(kExitFailed, fields.status().ToString());
  if (fields->empty()) return wf::DropResultsToJson({});
  auto dropped = destination->DropCustomFields(*fields);
  if (!dropped.ok() && dropped.status().code() == StatusCode::kUnimplemented) {
    return Json{{"supported", false},
                {"reason", dropped.status().message() + "; drop these fields by hand"},
                {"requested", fields->size()},
                {"fields", wf::FieldNames(*fields)}};
  }
  if (!dropped.ok()) {
    *failed = static_cast<int>(fields->size());
    return Json{
        {"supported", true}, {"requested", fields->size()}, {"error", dropped.status().ToString()}};
  }
  Json out = wf::DropResultsToJson(*dropped);
  *failed = static_cast<int>(out["failed"].size());
  return out;
}

void RunRollback(const RollbackArgs& args) {
  auto config = LoadConfig(args.config);
  if (!config.ok()) Fail(kExitUsage, config.status().ToString());
  auto st = OpenState(*config, /*allow_embedded=*/true);
  if (!st.ok()) Fail(kExitFailed, st.status().ToString());
  if (args.drop_custom_fields && !args.run.empty()) {
    Fail(kExitUsage,
         "--drop-custom-fields reverts the whole migration (every run uses its fields); "
         "leave out --run");
  }
  state::StateStore* store = st->store.get();
  auto all = store->ListRuns(config->migration);
  if (!all.ok()) Fail(kExitFailed, all.status().ToString());
  std::vector<std::string> runs;
  if (!args.run.empty()) {
    if (std::find(all->begin(), all->end(), args.run) == all->end()) {
      Fail(kExitUsage, "migration " + config->migration + " has no run " + args.run);
    }
    runs = {args.run};
  } else {
    runs.assign(all->rbegin(), all->rend());
  }
  auto destination = MakeDestination(*config);
  if (!destination.ok()) Fail(kExitFailed, "destination: " + destination.status().ToString());

  wf::RollbackOptions options;
  options.migration = config->migration;
  options.page_size = args.page_size;
  std::string audit = wf::RollbackAuditHeader();
  options.on_reverted = [&audit](const std::string& run, const ManifestEntry& e,
                                 const std::string& action) {
    const int64_t now = Clock::Real()->UnixMillis();
    audit += wf::RollbackAuditRow(now, run, e, action);
  };
  auto result = wf::RollbackRuns(store, destination->get(), runs, options);

  std::string run_id = args.run.empty() ? wf::NewWorkflowRunId("rollback") : args.run;
  auto folder = RunFolder::Open(config->run_dir, run_id);
  if (!folder.ok()) folder = RunFolder::Create(config->run_dir, run_id);
  if (!folder.ok()) Fail(kExitFailed, folder.status().ToString());
  Json out = NewVerbResult("rollback", folder->run_id());
  out["requested_runs"] = runs;
  int fields_failed = 0;
  if (result.ok()) {
    Json details = result->ToJson();
    for (auto& [k, v] : details.items()) out[k] = v;
    out["ok"] = result->complete;
    if (args.drop_custom_fields && result->complete) {
      // Only after every record is gone: a field of a record still there is kept, and a
      // rollback run again drops it then.
      out["custom_fields"] =
          DropCreatedFields(store, destination->get(), config->migration, &fields_failed);
      out["ok"] = fields_failed == 0;
    } else if (args.drop_custom_fields) {
      out["custom_fields"] = Json{{"kept", "records are not all reverted yet"}};
    }
  } else {
    out["ok"] = false;
    out["error"] = result.status().ToString();
  }
  // Written before rollback.json, also when the rollback stopped part-way: what was reverted.
  Status audit_written = folder->WriteFile("rollback-audit.csv", audit);
  if (!audit_written.ok()) Fail(kExitFailed, audit_written.ToString());
  out["files"] = {folder->File("rollback.json"), folder->File("rollback-audit.csv")};
  Status s = folder->WriteJson("rollback.json", out);
  if (!s.ok()) Fail(kExitFailed, s.ToString());
  if (!result.ok()) {
    Fail(kExitFailed, result.status().ToString() + " (run rollback again to finish)");
  }
  int64_t deleted = 0, restored = 0, gone = 0, failed = 0;
  for (const auto& [o, c] : result->objects) {
    deleted += c.deleted;
    restored += c.restored;
    gone += c.already_gone;
    failed += c.failed;
  }
  std::printf(
      "rollback: %zu run(s), %lld deleted, %lld restored, %lld already gone, %lld failed "
      "(%s)\n",
      result->runs.size(), static_cast<long long>(deleted), static_cast<long long>(restored),
      static_cast<long long>(gone), static_cast<long long>(failed),
      folder->File("rollback.json").c_str());
  if (out.contains("custom_fields") && out["custom_fields"].contains("requested")) {
    const Json& cf = out["custom_fields"];
    if (cf.value("supported", true)) {
      std::printf("custom fields: %zu dropped, %zu already gone, %d failed\n",
                  cf.value("dropped", Json::array()).size(),
                  cf.value("already_gone", Json::array()).size(), fields_failed);
    } else {
      std::fprintf(stderr, "custom fields: not dropped (%s): listed in %s\n",
                   cf.value("reason", "").c_str(), folder->File("rollback.json").c_str());
    }
  }
  if (!result->complete) {
    const auto& f = result->failures.front();
    Fail(kExitFailed, std::to_string(result->failures.size()) + " record(s) could not be " +
                          "reverted, first " + f.key + ": " + f.reason +
                          "; fix and run rollback again");
  }
  if (fields_failed > 0) {
    Fail(kExitFailed, std::to_string(fields_failed) + " custom field(s) could not be dropped (" +
                          folder->File("rollback.json") + "); run rollback again");
  }
}

}  // namespace

void RegisterRollback(CLI::App& app) {
  auto* cmd = app.add_subcommand("rollback",
                                 "Revert one run (--run) or the whole migration, children first");
  auto args = std::make_shared<RollbackArgs>();
  cmd->add_option("--config", args->config, "migration config file")->required();
  cmd->add_option("--run", args->run, "the run to revert (default: every run, newest first)");
  cmd->add_option("--page-size", args->page_size, "manifest entries per Revert call")
      ->default_val(200)
      ->check(CLI::Range(1, 100000));
  cmd->add_flag("--drop-custom-fields", args->drop_custom_fields,
                "also drop the custom fields this migration's `schema apply` created");
  cmd->callback([args] { RunRollback(*args); });
}

}  // namespace bridgework::cli
