#include "cli/delta/watermark_store.h"

#include "cli/delta/watermark.h"
#include "workers/task_runner.h"

namespace bridgework::cli::delta {

StatusOr<std::string> AdvanceWatermark(state::StateStore* store, const std::string& migration,
                                       const std::string& run_id,
                                       const std::map<std::string, state::ObjectCounters>& objects,
                                       const std::string& name) {
  std::string latest;
  for (const auto& [object, counters] : objects) {
    for (int64_t i = 0; i < counters.extract_total; ++i) {
      const std::string task = state::ExtractTaskId(object, static_cast<int>(i));
      BW_ASSIGN_OR_RETURN(
          auto v, store->GetValue(migration, workers::kMaxModifiedValue + run_id + "/" + task));
      if (v) latest = LaterOf(latest, *v);
    }
  }
  if (latest.empty()) {
    // No modified-at in the source: the run's start (records changed later are read next time).
    BW_ASSIGN_OR_RETURN(auto run, store->GetRun(migration, run_id));
    if (!run) return NotFound("run " + run_id + " is not in the state store");
    latest = FormatIsoSeconds(run->started_ms / 1000);
  }
  BW_ASSIGN_OR_RETURN(auto previous, store->GetValue(migration, name));
  const std::string next = previous ? LaterOf(*previous, latest) : latest;
  BW_RETURN_IF_ERROR(store->SetValue(migration, name, next));
  return next;
}

}  // namespace bridgework::cli::delta
