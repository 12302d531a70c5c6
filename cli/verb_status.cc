// status: progress of the migration's current (or last) run, read from the state store.
#include <cstdio>

#include "cli/engine_run.h"
#include "cli/verbs.h"
#include "coordinator/metrics.h"

namespace bridgework::cli {

void RegisterStatus(CLI::App& app) {
  auto* cmd = app.add_subcommand("status", "Progress of the current run, from the state store");
  auto config_path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("--config", *config_path, "migration config (YAML)")->required();
  cmd->add_flag("--json", *json, "print the JSON progress document");
  cmd->callback([=] {
    auto config = LoadConfig(*config_path);
    if (!config.ok()) Fail(kExitUsage, config.status().message());
    auto st = OpenState(*config, true);
    if (!st.ok()) Fail(kExitFailed, st.status().ToString());
    auto run = st->store->CurrentRun(config->migration);
    if (!run.ok()) Fail(kExitFailed, run.status().ToString());
    if (!*run) Fail(kExitFailed, "no run of " + config->migration + " yet");
    auto counters = st->store->Counters(config->migration, (*run)->plan.run_id);
    if (!counters.ok()) Fail(kExitFailed, counters.status().ToString());
    coordinator::Snapshot s;
    s.migration = config->migration;
    s.run_id = (*run)->plan.run_id;
    s.status = (*run)->status;
    s.started_ms = (*run)->started_ms;
    for (const auto& op : (*run)->plan.objects) s.order.push_back(op.object);
    s.objects = *counters;
    if (*json) {
      std::printf("%s\n", coordinator::RenderStatus(s).dump(2).c_str());
      return;
    }
    std::printf("run %s of %s: %s\n", s.run_id.c_str(), s.migration.c_str(), s.status.c_str());
    for (const auto& obj : s.order) {
      const auto& c = s.objects[obj];
      std::printf(
          "  %-16s read %lld  loaded %lld  updated %lld  failed %lld  unlinked %lld  "
          "(extract %lld/%lld, load %lld/%lld, queued %lld)\n",
          obj.c_str(), (long long)c.read, (long long)c.loaded, (long long)c.updated,
          (long long)c.failed, (long long)c.unlinked, (long long)c.extract_done,
          (long long)c.extract_total, (long long)c.load_done, (long long)c.load_total,
          (long long)c.queued_loads);
    }
  });
}

}  // namespace bridgework::cli
