// report [--run ID]: the migration report for one run (default: the current one): per object
// counts reconciled, owner resolution, delta summary, failures and unlinked children, the audit
// log (audit.csv), the workflow-rebuild reference (rebuild-reference.md/.json) and CSV exports of
// objects with no home in the destination. report.html for a person, report.json for scripts;
// every file mode 0600 (the CSV exports hold patient data). See docs/workflow.md.
#include <cstdio>
#include <set>

#include "cli/engine_run.h"
#include "cli/run_folder.h"
#include "cli/verbs.h"
#include "cli/wiring.h"
#include "cli/workflow/audit_records.h"
#include "cli/workflow/report_builder.h"
#include "cli/workflow/verb_support.h"
#include "mapping/mapper.h"

namespace bridgework::cli {

namespace wf = workflow;

namespace {

struct ReportArgs {
  std::string config;
  std::string run;
};

void WriteOrFail(const RunFolder& folder, const std::string& name, const std::string& content) {
  Status s = folder.WriteFile(name, content);
  if (!s.ok()) Fail(kExitFailed, s.ToString());
}

// Source ids of `object` that are neither in the id map (first target) nor in the failures.
StatusOr<std::vector<std::string>> FindMissing(connectors::SourceConnector* source,
                                               state::StateStore* store, const Config& config,
                                               const mapping::MapFile& map,
                                               const std::string& object,
                                               const std::set<std::string>& failed_ids) {
  const mapping::ObjectMap* om = map.Find(object);
  if (om == nullptr || om->targets.empty()) return std::vector<std::string>{};
  BW_ASSIGN_OR_RETURN(std::vector<SourceRecord> records, wf::ReadAllRecords(source, object));
  std::vector<std::string> ids, keys;
  for (const auto& r : records) {
    ids.push_back(r.id);
    keys.push_back(object + "/" + r.id + "/" + om->targets.front().tag);
  }
  BW_ASSIGN_OR_RETURN(auto found, store->LookupIds(config.migration, keys));
  std::vector<bool> accounted(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    accounted[i] = found[i].has_value() || failed_ids.count(ids[i]) > 0;
  }
  return wf::MissingIds(ids, accounted);
}

void RunReport(const ReportArgs& args) {
  auto ctx = wf::LoadVerbContext(args.config);
  if (!ctx.ok()) Fail(kExitUsage, ctx.status().ToString());
  const Config& config = ctx->config;
  const mapping::MapFile& map = ctx->map;
  auto st = OpenState(config, /*allow_embedded=*/true);
  if (!st.ok()) Fail(kExitFailed, st.status().ToString());
  state::StateStore* store = st->store.get();
  const std::string& m = config.migration;

  std::optional<state::RunState> run;
  if (args.run.empty()) {
    auto cur = store->CurrentRun(m);
    if (!cur.ok()) Fail(kExitFailed, cur.status().ToString());
    run = *cur;
  } else {
    auto r = store->GetRun(m, args.run);
    if (!r.ok()) Fail(kExitFailed, r.status().ToString());
    run = *r;
  }
  if (!run) {
    Fail(kExitUsage, args.run.empty() ? "migration " + m + " has no run yet: run migrate first"
                                      : "migration " + m + " has no run " + args.run);
  }
  const std::string run_id = run->plan.run_id;

  wf::ReportInput in;
  in.migration = m;
  in.run_id = run_id;
  in.status = run->status;
  in.modified_since = run->plan.modified_since;
  for (const auto& o : run->plan.objects) in.object_order.push_back(o.object);
  auto counters = store->Counters(m, run_id);
  if (!counters.ok()) Fail(kExitFailed, counters.status().ToString());
  in.counters = *counters;
  for (int64_t off = 0;; off += 1000) {
    auto page = store->Failures(m, run_id, off, 1000);
    if (!page.ok()) Fail(kExitFailed, page.status().ToString());
    in.failures.insert(in.failures.end(), page->begin(), page->end());
    if (page->size() < 1000) break;
  }
  auto owners = store->GetValue(m, "owners.resolution");
  if (owners.ok() && *owners) {
    Json j = Json::parse(**owners, nullptr, false);
    if (!j.is_discarded()) in.owners = j;
  }
  auto runs = store->ListRuns(m);
  if (!runs.ok()) Fail(kExitFailed, runs.status().ToString());
  for (const auto& id : *runs) {
    wf::RunSummary s;
    s.run_id = id;
    auto r = store->GetRun(m, id);
    if (r.ok() && *r) {
      s.modified_since = (*r)->plan.modified_since;
      s.status = (*r)->status;
    }
    auto c = store->Counters(m, id);
    if (c.ok()) {
      for (const auto& [o, oc] : *c) {
        s.loaded += oc.loaded;
        s.updated += oc.updated;
        s.failed += oc.failed;
      }
    }
    in.runs.push_back(std::move(s));
  }

  auto folder = RunFolder::Open(config.run_dir, run_id);
  if (!folder.ok()) folder = RunFolder::Create(config.run_dir, run_id);
  if (!folder.ok()) Fail(kExitFailed, folder.status().ToString());

  // Audit log: every committed batch of the migration (ids and counts, no patient values).
  std::vector<state::AuditEntry> audit;
  for (std::string after = "0";;) {
    auto page = store->AuditPage(m, after, 1000);
    if (!page.ok()) Fail(kExitFailed, "audit stream: " + page.status().ToString());
    if (page->empty()) break;
    after = page->back().id;
    audit.insert(audit.end(), page->begin(), page->end());
  }
  in.audit_entries = static_cast<int64_t>(audit.size());
  WriteOrFail(*folder, "audit.csv", wf::AuditCsv(audit));
  in.files["audit.csv"] = "audit log: every committed batch with run, batch, worker and time";
  // The per-record audit log: every record each run created or updated, from its manifest.
  std::string records = wf::AuditRecordsHeader();
  for (const auto& id : *runs) {
    Status read = state::ForEachManifestEntry(
        store, m, id, [&](const ManifestEntry& e) { records += wf::AuditRecordRow(id, e); });
    if (!read.ok()) Fail(kExitFailed, "manifest of run " + id + ": " + read.ToString());
  }
  WriteOrFail(*folder, "audit-records.csv", records);
  in.files["audit-records.csv"] =
      "audit log per record: every create and update with key, destination id, batch, worker and "
      "time";
  WriteOrFail(*folder, "failures.csv", wf::FailuresCsv(in.failures));
  in.files["failures.csv"] = "every failed or unlinked record with its reason";

  // The source, for the missing records, the rebuild reference and the CSV exports.
  std::unique_ptr<RateLimiter> limiter;
  if (config.source.rest) {
    auto l = MakeSourceRateLimiter(config, st->url);
    if (l.ok()) limiter = std::move(*l);
  }
  auto source = MakeSource(config, limiter.get());
  if (!source.ok()) Fail(kExitFailed, "source: " + source.status().ToString());
  auto description = (*source)->Describe();
  std::set<std::string> known;
  if (description.ok()) {
    for (const auto& o : description->objects) known.insert(o.name);
  }

  for (const auto& r : wf::Reconcile(in)) {
    if (r.reconciled || !known.count(r.object)) continue;
    std::set<std::string> failed_ids;
    for (const auto& f : in.failures) {
      if (f.object == r.object) failed_ids.insert(f.id);
    }
    auto missing = FindMissing(source->get(), store, config, map, r.object, failed_ids);
    if (missing.ok()) in.missing_ids[r.object] = std::move(*missing);
  }

  std::map<std::string, std::vector<SourceRecord>> rebuild;
  for (const auto& ro : map.rebuild_only) {
    if (!known.count(ro.object)) continue;
    auto recs = wf::ReadAllRecords(source->get(), ro.object);
    if (!recs.ok()) Fail(kExitFailed, "reading " + ro.object + ": " + recs.status().ToString());
    rebuild[ro.object] = std::move(*recs);
  }
  if (!map.rebuild_only.empty()) {
    Json ref = wf::RebuildReferenceJson(map, rebuild);
    WriteOrFail(*folder, "rebuild-reference.json", ref.dump(2));
    WriteOrFail(*folder, "rebuild-reference.md", wf::RebuildReferenceMarkdown(ref));
    in.files["rebuild-reference.md"] = "the source's workflows, automations and reminders";
  }

  // Objects with no home: the map's no_home list, and objects whose export_csv fallback applied
  // because the destination lacks a module.
  std::map<std::string, std::vector<std::string>> exports;  // object -> columns
  for (const auto& nh : map.no_home) exports[nh.object] = nh.columns;
  auto destination = MakeDestination(config);
  if (destination.ok()) {
    auto schema = (*destination)->Discover();
    if (schema.ok() && !schema->modules.empty()) {
      mapping::MapperOptions mo;
      mo.modules = schema->modules;
      auto mapper = mapping::Mapper::Create(map, mo);
      if (mapper.ok()) {
        in.fallbacks = (*mapper)->AppliedFallbacks();
        for (const auto& o : map.objects) {
          if ((*mapper)->ExportedAsCsv(o.object))
            exports.emplace(o.object, std::vector<std::string>{});
        }
      }
    }
  }
  for (const auto& [object, columns] : exports) {
    if (!known.count(object)) continue;
    auto recs = wf::ReadAllRecords(source->get(), object);
    if (!recs.ok()) Fail(kExitFailed, "reading " + object + ": " + recs.status().ToString());
    std::string name = "export-" + object + ".csv";
    WriteOrFail(*folder, name, wf::RecordsCsv(*recs, columns));
    in.files[name] = std::to_string(recs->size()) + " " + object +
                     " records with no home in the destination (patient data)";
  }

  Json report = wf::BuildReportJson(in);
  WriteOrFail(*folder, "report.html", wf::RenderReportHtml(report));
  Json out = NewVerbResult("report", run_id);
  for (auto& [k, v] : report.items()) {
    if (k != "objects") out[k] = v;
  }
  out["objects"] = report["objects"];
  out["ok"] = report.value("reconciled", false);
  Json files = Json::array({folder->File("report.json"), folder->File("report.html")});
  for (const auto& [f, what] : in.files) files.push_back(folder->File(f));
  out["files"] = files;
  Status s = folder->WriteJson("report.json", out);
  if (!s.ok()) Fail(kExitFailed, s.ToString());
  std::printf("report: run %s, %s (%s)\n", run_id.c_str(),
              report.value("reconciled", false) ? "every record accounted for" : "records missing",
              folder->File("report.html").c_str());
}

}  // namespace

void RegisterReport(CLI::App& app) {
  auto* cmd = app.add_subcommand("report", "Write the migration report (HTML, JSON, CSV)");
  auto args = std::make_shared<ReportArgs>();
  cmd->add_option("--config", args->config, "migration config file")->required();
  cmd->add_option("--run", args->run, "the run to report on (default: the current one)");
  cmd->callback([args] { RunReport(*args); });
}

}  // namespace bridgework::cli
