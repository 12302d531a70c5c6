// map propose: a proposed map for the configured pair (runs/<run-id>/map-proposal.yaml with a
// confidence and a reason per field, map-proposal.json for scripts). Known pairs start from the
// shipped default map (maps/<source>-to-<destination>.yaml): it names the target model of each
// object; the proposer then proposes every source field against the destination's live schema
// (or --schema FILE, a fixture JSON) and what people confirmed before
// (<run_dir>/learned-pairs.json).
// map confirm --by NAME: records the map's hash, who and when (<map>.confirmed.json); the
// confirmed fields teach the proposer.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/run_folder.h"
#include "cli/verbs.h"
#include "cli/wiring.h"
#include "common/civil_time.h"
#include "common/ids.h"
#include "mapping/confirmation.h"
#include "mapping/mapper.h"
#include "mapping/proposer.h"

namespace bridgework::cli {
namespace {

std::string LearnedPath(const Config& config) {
  return (std::filesystem::path(config.run_dir) / "learned-pairs.json").string();
}

// The shipped default map of the pair, if there is one.
std::optional<mapping::MapFile> DefaultMap(const Config& config) {
  std::string name = config.source.kind + "-to-" + config.destination.kind + ".yaml";
  for (std::filesystem::path dir :
       {std::filesystem::path(config.dir) / "maps", std::filesystem::path("maps"),
        std::filesystem::path(config.map).parent_path()}) {
    auto m = mapping::LoadMapFile((dir / name).string());
    if (m.ok()) return *m;
  }
  return std::nullopt;
}

void Propose(const std::string& config_path, const std::string& schema_path, int samples) {
  auto config = LoadConfig(config_path);
  if (!config.ok()) Fail(kExitUsage, config.status().message());
  connectors::DestinationSchema schema;
  if (!schema_path.empty()) {
    std::ifstream in(schema_path);
    if (!in) Fail(kExitUsage, "cannot read schema file " + schema_path);
    std::stringstream ss;
    ss << in.rdbuf();
    Json j = Json::parse(ss.str(), nullptr, false);
    auto s = mapping::SchemaFromJson(j);
    if (!s.ok()) Fail(kExitUsage, s.status().message());
    schema = std::move(*s);
  } else {
    auto dest = MakeDestination(*config);
    if (!dest.ok()) Fail(kExitUsage, dest.status().ToString());
    auto s = (*dest)->Discover();
    if (!s.ok()) Fail(kExitFailed, "reading the destination schema: " + s.status().ToString());
    schema = std::move(*s);
  }
  if (schema.kind.empty()) schema.kind = config->destination.kind;
  auto learned = mapping::LoadLearnedPairs(LearnedPath(*config));
  if (!learned.ok()) Fail(kExitFailed, learned.status().message());
  mapping::Proposer proposer(schema, *learned, {});
  std::optional<mapping::MapFile> defaults = DefaultMap(*config);

  auto source = MakeSource(*config, nullptr);
  if (!source.ok()) Fail(kExitUsage, source.status().ToString());
  auto desc = (*source)->Describe();
  if (!desc.ok()) Fail(kExitFailed, desc.status().ToString());

  std::string yaml =
      "# Proposed by `bridgework map propose`; review every field, then run\n"
      "# `bridgework map confirm --config FILE --by NAME`.\n"
      "pair: " +
      config->source.kind + "-to-" + config->destination.kind + "\nsource: " + config->source.kind +
      "\ndestination: " + config->destination.kind + "\nobjects:\n";
  Json report = Json::array();
  int fields = 0, mapped = 0;
  for (const auto& obj : desc->objects) {
    std::string model;
    if (defaults) {
      if (const auto* o = defaults->Find(obj.name); o && !o->targets.empty()) {
        model = o->targets[0].model;
      }
    }
    if (model.empty() && (obj.name.find("patient") != std::string::npos ||
                          obj.name.find("contact") != std::string::npos)) {
      model = config->destination.kind == "twenty" ? "people" : "res.partner";
    }
    if (model.empty()) {
      report.push_back(Json{{"object", obj.name},
                            {"model", ""},
                            {"reason", "no target model known for this object: place it by hand"}});
      continue;
    }
    // Sample values: the first records of the first shard.
    std::map<std::string, mapping::SourceFieldInfo> info;
    std::vector<std::string> order;
    auto shards = (*source)->PlanShards(obj.name, 1);
    if (shards.ok() && !shards->empty()) {
      auto cursor = (*source)->Open(shards->front(), {});
      connectors::SourceRow row;
      for (int n = 0; cursor.ok() && n < samples;) {
        row = {};
        auto more = (*cursor)->Next(&row);
        if (!more.ok() || !*more) break;
        if (!row.record) continue;
        ++n;
        for (const auto& f : row.record->fields) {
          if (!info.count(f.name)) order.push_back(f.name);
          auto& fi = info[f.name];
          fi.name = f.name;
          if (f.value && !f.value->empty() && fi.samples.size() < 20)
            fi.samples.push_back(*f.value);
        }
      }
    }
    std::vector<mapping::SourceFieldInfo> list;
    for (const auto& name : order) {
      auto fi = info[name];
      for (const auto& r : obj.references) fi.reference |= r.field == name;
      list.push_back(fi);
    }
    auto proposals = proposer.Propose(model, list, obj.name);
    for (const auto& p : proposals) {
      ++fields;
      mapped += p.target_field.empty() ? 0 : 1;
    }
    yaml += mapping::ProposalYaml(obj.name, model, proposals);
    report.push_back(mapping::ProposalJson(obj.name, model, proposals));
  }
  auto folder = RunFolder::Create(config->run_dir, NewRunId());
  if (!folder.ok()) Fail(kExitFailed, folder.status().ToString());
  Json result = NewVerbResult("map propose", folder->run_id());
  result["proposal"] = report;
  result["fields"] = fields;
  result["proposed"] = mapped;
  result["files"]["map"] = folder->File("map-proposal.yaml");
  Status s = folder->WriteFile("map-proposal.yaml", yaml);
  if (s.ok()) s = folder->WriteJson("map-proposal.json", result);
  if (s.ok()) s = folder->WriteJson("map.json", result);
  if (!s.ok()) Fail(kExitFailed, s.ToString());
  std::printf("%s (%d of %d fields proposed)\n", folder->File("map-proposal.yaml").c_str(), mapped,
              fields);
}

void Confirm(const std::string& config_path, const std::string& by) {
  auto config = LoadConfig(config_path);
  if (!config.ok()) Fail(kExitUsage, config.status().message());
  if (config->map.empty()) Fail(kExitUsage, "the config names no map");
  auto c = mapping::ConfirmMap(config->map, by, IsoUtcNow());
  if (!c.ok()) Fail(kExitUsage, c.status().message());
  // What a person confirmed is proposed first next time.
  std::filesystem::create_directories(config->run_dir);
  if (auto map = mapping::LoadMapFile(config->map); map.ok()) {
    mapping::LearnFromMap(*map, LearnedPath(*config)).IgnoreError();
  }
  std::printf("confirmed %s (sha256 %s) by %s at %s\n", config->map.c_str(),
              c->content_hash.c_str(), c->by.c_str(), c->at.c_str());
}

}  // namespace

void RegisterMap(CLI::App& app) {
  auto* cmd = app.add_subcommand("map", "Propose or confirm the field map");
  cmd->require_subcommand(1);
  auto* propose =
      cmd->add_subcommand("propose", "Propose a map with a confidence and reason per field");
  auto config_path = std::make_shared<std::string>();
  auto schema_path = std::make_shared<std::string>();
  auto samples = std::make_shared<int>(50);
  propose->add_option("--config", *config_path, "migration config (YAML)")->required();
  propose->add_option("--schema", *schema_path, "destination schema JSON instead of the live one");
  propose->add_option("--samples", *samples, "records read per object for value profiles");
  propose->callback(
      [config_path, schema_path, samples] { Propose(*config_path, *schema_path, *samples); });
  auto* confirm = cmd->add_subcommand("confirm", "Record that a person approved the map");
  auto confirm_config = std::make_shared<std::string>();
  auto by = std::make_shared<std::string>();
  confirm->add_option("--config", *confirm_config, "migration config (YAML)")->required();
  confirm->add_option("--by", *by, "who confirms")->required();
  confirm->callback([confirm_config, by] { Confirm(*confirm_config, *by); });
}

}  // namespace bridgework::cli
