#include "cli/workflow/rollback_runner.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

namespace bridgework::cli::workflow {
namespace {

std::string ProgressName(const std::string& run) { return "rollback." + run + ".progress"; }
std::string DoneName(const std::string& run) { return "rollback." + run + ".done"; }

StatusOr<std::vector<ManifestEntry>> ReadManifest(state::StateStore* store,
                                                  const std::string& migration,
                                                  const std::string& run) {
  std::vector<ManifestEntry> out;
  BW_RETURN_IF_ERROR(state::ForEachManifestEntry(
      store, migration, run, [&out](const ManifestEntry& e) { out.push_back(e); }));
  return out;
}

}  // namespace

std::string ObjectOfKey(const std::string& key) { return key.substr(0, key.find('/')); }

void OrderForRevert(std::vector<ManifestEntry>* entries) {
  std::stable_sort(entries->begin(), entries->end(),
                   [](const ManifestEntry& a, const ManifestEntry& b) {
                     if (a.depth != b.depth) return a.depth > b.depth;
                     bool au = a.action == WriteAction::kUpdated;
                     bool bu = b.action == WriteAction::kUpdated;
                     if (au != bu) return au;
                     return a.key < b.key;
                   });
}

StatusOr<std::vector<std::string>> RunsNewestFirst(state::StateStore* store,
                                                   const std::string& migration) {
  BW_ASSIGN_OR_RETURN(std::vector<std::string> runs, store->ListRuns(migration));
  std::reverse(runs.begin(), runs.end());
  return runs;
}

StatusOr<RollbackResult> RollbackRuns(state::StateStore* store,
                                      connectors::DestinationConnector* destination,
                                      const std::vector<std::string>& runs,
                                      const RollbackOptions& options) {
  const std::string& m = options.migration;
  const size_t page = static_cast<size_t>(std::max(1, options.page_size));
  RollbackResult result;
  for (const std::string& run : runs) {
    BW_ASSIGN_OR_RETURN(std::optional<std::string> done, store->GetValue(m, DoneName(run)));
    if (done) {
      result.skipped_runs.push_back(run);
      continue;
    }
    result.runs.push_back(run);
    BW_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries, ReadManifest(store, m, run));
    OrderForRevert(&entries);
    BW_ASSIGN_OR_RETURN(std::optional<std::string> progress, store->GetValue(m, ProgressName(run)));
    size_t start = 0;
    if (progress) {
      start = std::min<size_t>(static_cast<size_t>(std::strtoull(progress->c_str(), nullptr, 10)),
                               entries.size());
    }
    for (size_t i = start; i < entries.size(); i += page) {
      std::vector<ManifestEntry> slice(entries.begin() + i,
                                       entries.begin() + std::min(entries.size(), i + page));
      StatusOr<std::vector<connectors::RevertOutcome>> outcomes = Internal("not called");
      for (int attempt = 0; attempt < std::max(1, options.max_call_attempts); ++attempt) {
        outcomes = destination->Revert(m, slice);
        if (outcomes.ok() || !outcomes.status().IsTransient()) break;
      }
      if (!outcomes.ok()) {
        return Status(outcomes.status().code(),
                      "rollback of run " + run + " stopped at entry " + std::to_string(i) + " of " +
                          std::to_string(entries.size()) + ": " + outcomes.status().message());
      }
      std::map<std::string, const connectors::RevertOutcome*> by_key;
      for (const auto& o : *outcomes) by_key[o.key] = &o;
      bool clean = true;
      std::vector<std::string> unmapped;
      for (const auto& e : slice) {
        RollbackCounts& c = result.objects[ObjectOfKey(e.key)];
        auto it = by_key.find(e.key);
        std::string action = it == by_key.end() ? "failed" : it->second->action;
        if (action == "deleted") {
          ++c.deleted;
        } else if (action == "restored") {
          ++c.restored;
        } else if (action == "already-gone") {
          ++c.already_gone;
        } else {
          ++c.failed;
          clean = false;
          std::string why = it == by_key.end() ? "the destination gave no outcome for it"
                                               : it->second->error.message();
          result.failures.push_back({run, e.key, e.model, e.destination_id, why});
          continue;
        }
        if (options.on_reverted) options.on_reverted(run, e, action);
        if (e.action == WriteAction::kCreated) unmapped.push_back(e.key);
      }
      BW_RETURN_IF_ERROR(store->RemoveIdMapEntries(m, unmapped));
      if (!clean) return result;  // children stay in place: their parents must too
      BW_RETURN_IF_ERROR(store->SetValue(m, ProgressName(run), std::to_string(i + slice.size())));
    }
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    BW_RETURN_IF_ERROR(store->SetValue(m, DoneName(run), std::to_string(now)));
  }
  result.complete = true;
  return result;
}

Json RollbackResult::ToJson() const {
  Json objs = Json::object();
  for (const auto& [o, c] : objects) {
    objs[o] = {{"deleted", c.deleted},
               {"restored", c.restored},
               {"already_gone", c.already_gone},
               {"failed", c.failed}};
  }
  Json fails = Json::array();
  for (const auto& f : failures) {
    fails.push_back({{"run", f.run},
                     {"key", f.key},
                     {"model", f.model},
                     {"destination_id", f.destination_id},
                     {"reason", f.reason}});
  }
  return Json{{"runs", runs},
              {"skipped_runs", skipped_runs},
              {"complete", complete},
              {"rollback", objs},
              {"failures", fails}};
}

}  // namespace bridgework::cli::workflow
