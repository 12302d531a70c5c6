// validate: transforms every record of the source under the map without writing anything and
// lists each record that would fail and why (runs/<run-id>/validate.json, validate-errors.csv).
// Exit 0 when every record maps; 1 when some would fail (the files say which); 2 on bad config.
#include <chrono>
#include <ctime>

#include "cli/run_folder.h"
#include "cli/verbs.h"
#include "cli/wiring.h"
#include "common/civil_time.h"
#include "common/ids.h"
#include "common/logging.h"
#include "mapping/mapper.h"
#include "mapping/validator.h"

namespace bridgework::cli {
namespace {}  // namespace

void RegisterValidate(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("validate", "Map every source record without writing; list failures");
  auto config_path = std::make_shared<std::string>();
  auto run_id = std::make_shared<std::string>();
  auto limit = std::make_shared<int64_t>(0);
  cmd->add_option("--config", *config_path, "migration config (YAML)")->required();
  cmd->add_option("--run-id", *run_id, "run folder name (default: a new id)");
  cmd->add_option("--limit", *limit, "records per object (default: all)");
  cmd->callback([config_path, run_id, limit] {
    auto config = LoadConfig(*config_path);
    if (!config.ok()) Fail(kExitUsage, config.status().message());
    if (config->map.empty()) Fail(kExitUsage, "the config names no map");
    auto map = mapping::LoadMapFile(config->map);
    if (!map.ok()) Fail(kExitUsage, map.status().message());
    mapping::MapperOptions mo;
    mo.as_of = IsoUtcNow();
    auto mapper = mapping::Mapper::Create(std::move(*map), mo);
    if (!mapper.ok()) Fail(kExitUsage, mapper.status().message());
    auto source = MakeSource(*config, nullptr);
    if (!source.ok()) Fail(kExitUsage, source.status().ToString());
    mapping::ValidateOptions vo;
    vo.limit_per_object = *limit;
    auto report = mapping::Validate(**mapper, **source, vo);
    if (!report.ok()) Fail(kExitFailed, "validate: " + report.status().ToString());

    auto folder = RunFolder::Create(config->run_dir, run_id->empty() ? NewRunId() : *run_id);
    if (!folder.ok()) Fail(kExitFailed, folder.status().ToString());
    Json result = NewVerbResult("validate", folder->run_id());
    int64_t failed = 0, unreadable = 0;
    for (const auto& [name, o] : report->objects) {
      result["objects"][name] =
          Json{{"read", o.read},          {"failed", o.failed}, {"skipped", o.skipped},
               {"flagged", o.unreadable}, {"loaded", 0},        {"updated", 0},
               {"unlinked", 0},           {"mapped", o.mapped}, {"placement", o.placement},
               {"targets", o.targets}};
      failed += o.failed;
      unreadable += o.unreadable;
    }
    result["map"] = config->map;
    result["fallbacks"] = report->fallbacks;
    result["dropped_errors"] = report->dropped_errors;
    result["files"]["errors"] = folder->File("validate-errors.csv");
    result["files"]["report"] = folder->File("validate-report.json");
    result["ok"] = report->ok();
    Status s = folder->WriteFile("validate-errors.csv", mapping::RowErrorsCsv(*report));
    if (s.ok()) s = folder->WriteJson("validate-report.json", report->ToJson());
    if (s.ok()) s = folder->WriteJson("validate.json", result);
    if (!s.ok()) Fail(kExitFailed, s.ToString());
    Logger("mapping")->info("validate: {} records would fail, {} unreadable rows; {}", failed,
                            unreadable, folder->File("validate-errors.csv"));
    std::printf("%s\n", folder->File("validate.json").c_str());
    if (!report->ok()) {
      Fail(kExitFailed, std::to_string(failed) + " records would fail and " +
                            std::to_string(unreadable) + " rows are unreadable; see " +
                            folder->File("validate-errors.csv"));
    }
  });
}

}  // namespace bridgework::cli
