// inspect: the scope document of the configured source, in runs/<run-id>/inspect.json (for
// scripts) and inspect.html (for a person). See connectors/sources/inspect/inspector.h.
#include <chrono>
#include <cstdio>
#include <ctime>

#include "cli/run_folder.h"
#include "cli/verbs.h"
#include "cli/wiring.h"
#include "cli/wiring_csv.h"
#include "common/civil_time.h"
#include "common/logging.h"
#include "connectors/sources/inspect/inspector.h"
#include "connectors/sources/profiles/profile.h"

namespace bridgework::cli {
namespace {

std::string NewRunId() { return CompactUtcNow() + "-inspect"; }

}  // namespace

void RegisterInspect(CLI::App& app) {
  auto* cmd = app.add_subcommand("inspect", "Read the source and write its scope document");
  auto config_path = std::make_shared<std::string>();
  auto run_id = std::make_shared<std::string>();
  cmd->add_option("--config", *config_path, "migration config (YAML)")->required();
  cmd->add_option("--run-id", *run_id, "run folder name (default: a UTC timestamp)");
  cmd->callback([config_path, run_id] {
    auto config = LoadConfig(*config_path);
    if (!config.ok()) Fail(kExitUsage, config.status().message());
    // Profile: the vendor's shipped one, or the csv kind's inferred one (shown for confirmation).
    std::optional<sources::Profile> profile;
    Json inference;
    if (config->source.kind == "csv") {
      auto options = CsvOptionsFromConfig(*config);
      if (!options.ok()) Fail(kExitUsage, options.status().message());
      auto built = sources::BuildCsvProfile(*options);
      if (!built.ok()) Fail(kExitFailed, built.status().ToString());
      profile = std::move(built->profile);
      inference = std::move(built->inference);
    } else if (auto p = sources::BuiltinProfile(config->source.kind); p.ok()) {
      profile = std::move(*p);
    }
    // A REST source is read without the shared limiter: inspect runs alone, before migrating.
    auto source = MakeSource(*config, nullptr);
    if (!source.ok()) Fail(kExitUsage, source.status().ToString());

    sources::InspectOptions options;
    options.max_attachment_bytes = config->destination.max_attachment_bytes;
    if (!config->source.rest) options.bundle_dir = config->source.bundle;
    auto scope = sources::InspectSource(**source, profile ? &*profile : nullptr, options);
    if (!scope.ok()) Fail(kExitFailed, "inspect: " + scope.status().ToString());
    if (!inference.is_null()) (*scope)["csv_inference"] = inference;

    std::string id = run_id->empty() ? NewRunId() : *run_id;
    auto run = RunFolder::Create(config->run_dir, id);
    if (!run.ok()) Fail(kExitFailed, run.status().ToString());
    Json result = NewVerbResult("inspect", run->run_id());
    for (auto it = (*scope)["objects"].begin(); it != (*scope)["objects"].end(); ++it) {
      result["objects"][it.key()] =
          Json{{"read", it.value()["records"]}, {"failed", it.value()["row_errors"]}};
    }
    result["scope"] = *scope;
    result["files"] =
        Json{{"json", run->File("inspect.json")}, {"html", run->File("inspect.html")}};
    if (Status s = run->WriteFile("inspect.html", sources::RenderInspectHtml(*scope)); !s.ok()) {
      Fail(kExitFailed, s.ToString());
    }
    if (Status s = run->WriteJson("inspect.json", result); !s.ok()) Fail(kExitFailed, s.ToString());
    Logger("cli")->info("inspect: scope document in {}", run->path());
    std::printf("%s\n", run->File("inspect.json").c_str());
  });
}

}  // namespace bridgework::cli
