#include "cli/delta/delta_verb.h"

#include <cstdio>
#include <set>

#include "cli/delta/deleted_records.h"
#include "cli/delta/watermark.h"
#include "cli/verbs.h"
#include "cli/workflow/guards.h"

namespace bridgework::cli::delta {
namespace {

constexpr int64_t kChunk = 500;

// Keys this migration created that are still in the id map (rollback removes its keys).
StatusOr<std::vector<std::string>> MappedKeys(state::StateStore* store,
                                              const std::string& migration) {
  std::set<std::string> created;
  BW_ASSIGN_OR_RETURN(auto runs, store->ListRuns(migration));
  for (const auto& run : runs) {
    BW_RETURN_IF_ERROR(
        state::ForEachManifestEntry(store, migration, run, [&](const ManifestEntry& e) {
          if (e.action == WriteAction::kCreated) created.insert(e.key);
        }));
  }
  std::vector<std::string> all(created.begin(), created.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < all.size(); i += kChunk) {
    std::vector<std::string> chunk(all.begin() + i, all.begin() + std::min(all.size(), i + kChunk));
    BW_ASSIGN_OR_RETURN(auto ids, store->LookupIds(migration, chunk));
    for (size_t k = 0; k < chunk.size(); ++k) {
      if (ids[k]) out.push_back(chunk[k]);
    }
  }
  return out;
}

}  // namespace

int RunDelta(const Config& config, const sample::VerbEnv& env) {
  auto fail = [](int code, const std::string& reason) {
    std::fprintf(stderr, "bridgework: %s\n", reason.c_str());
    return code;
  };
  auto map = sample::LoadConfigMap(config);
  if (!map.ok()) return fail(kExitUsage, map.status().message());
  Status confirmed = workflow::CheckMapConfirmed(config.map, config.path);
  if (!confirmed.ok()) return fail(kExitFailed, confirmed.message());
  const mapping::MapFile* mp = *map ? &**map : nullptr;

  std::string since;
  EngineRunOptions eo;
  eo.bind = "inproc://bridgework-delta-" + config.migration;
  eo.embedded_workers = config.workers;
  eo.verb = "delta";
  eo.parts = env.engine_parts;
  eo.source = env.engine_source;
  eo.before_run = [&](state::StateStore* store, Json* run_options,
                      std::string* modified_since) -> Status {
    BW_RETURN_IF_ERROR(sample::CheckOwners(config, mp, store));
    BW_ASSIGN_OR_RETURN(auto watermark, store->GetValue(config.migration, kWatermarkValue));
    if (!watermark) {
      return FailedPrecondition("no watermark yet: run `bridgework migrate --config " +
                                config.path + "` first");
    }
    BW_ASSIGN_OR_RETURN(since, ModifiedSince(*watermark, config.delta_lookback_seconds));
    *modified_since = since;
    *run_options = Json{{"modified_since", since}, {"skip_unchanged", true}};
    return Status::Ok();
  };
  eo.after_run = [&](state::StateStore* store, const RunFolder&, const std::string&,
                     Json* result) -> Status {
    (*result)["modified_since"] = since;
    if (!result->contains("watermark")) {  // not advanced (a task failed)
      BW_ASSIGN_OR_RETURN(auto w, store->GetValue(config.migration, kWatermarkValue));
      (*result)["watermark"] = w ? *w : "";
    }
    // Deleted in the source: the id map's keys against a keys-only scan of each object.
    BW_ASSIGN_OR_RETURN(auto keys, MappedKeys(store, config.migration));
    std::set<std::string> objects;
    for (const auto& k : keys) {
      if (auto t = ParseTargetKey(k)) objects.insert(t->object);
    }
    BW_ASSIGN_OR_RETURN(auto desc, env.source->Describe());
    std::map<std::string, std::set<std::string>> current;
    for (const auto& object : objects) {
      if (desc.Find(object) == nullptr) continue;  // owners' free-text entries, not records
      auto& ids = current[object];
      BW_RETURN_IF_ERROR(
          sample::ScanObject(env.source, object, [&](const SourceRecord& r) { ids.insert(r.id); }));
    }
    auto deleted = FindDeletedInSource(keys, current);
    Json d = Json::object();
    int64_t n = 0;
    for (const auto& [object, ids] : deleted) {
      d[object] = ids;
      n += static_cast<int64_t>(ids.size());
    }
    (*result)["deleted_in_source"] = d;
    std::fprintf(stdout, "delta: modified since %s; %lld record(s) deleted in the source (kept)\n",
                 since.c_str(), static_cast<long long>(n));
    return Status::Ok();
  };
  return env.run_engine(config, eo);
}

}  // namespace bridgework::cli::delta
