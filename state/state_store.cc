#include "state/state_store.h"

#include <unordered_set>

namespace bridgework::state {

std::string ExtractTaskId(const std::string& object, int shard_index) {
  return "x/" + object + "/" + std::to_string(shard_index);
}

std::string LoadTaskId(const std::string& object, int shard_index, int64_t sequence) {
  return "l/" + object + "/" + std::to_string(shard_index) + "/" + std::to_string(sequence);
}

std::string ObjectOfTask(const std::string& task_id) {
  if (task_id.size() < 3 || task_id[1] != '/') return "";
  auto end = task_id.find('/', 2);
  if (end == std::string::npos) return "";
  return task_id.substr(2, end - 2);
}

Json FailureEntry::ToJson() const {
  return Json{{"object", object}, {"id", id}, {"field", field}, {"reason", reason}, {"kind", kind}};
}

FailureEntry FailureEntry::FromJson(const Json& j) {
  FailureEntry e;
  e.object = j.value("object", "");
  e.id = j.value("id", "");
  e.field = j.value("field", "");
  e.reason = j.value("reason", "");
  e.kind = j.value("kind", "failed");
  return e;
}

StatusOr<std::vector<std::string>> StateStore::ListRuns(const std::string& /*migration*/) {
  return Unimplemented("state: ListRuns is not implemented by this store");
}

StatusOr<std::optional<RunState>> StateStore::GetRun(const std::string& /*migration*/,
                                                     const std::string& /*run_id*/) {
  return Unimplemented("state: GetRun is not implemented by this store");
}

Status StateStore::SetIdMapEntries(const std::string& /*migration*/,
                                   const std::map<std::string, std::string>& /*entries*/) {
  return Unimplemented("state: SetIdMapEntries is not implemented by this store");
}

Status StateStore::RemoveIdMapEntries(const std::string& /*migration*/,
                                      const std::vector<std::string>& /*keys*/) {
  return Unimplemented("state: RemoveIdMapEntries is not implemented by this store");
}

StatusOr<std::vector<AuditEntry>> StateStore::AuditPage(const std::string& /*migration*/,
                                                        const std::string& /*after_id*/,
                                                        int64_t /*count*/) {
  return Unimplemented("state: AuditPage is not implemented by this store");
}

Status ForEachManifestEntry(StateStore* store, const std::string& migration,
                            const std::string& run_id,
                            const std::function<void(const ManifestEntry&)>& fn) {
  std::unordered_set<std::string> seen;
  std::string cursor = "0";
  do {
    BW_ASSIGN_OR_RETURN(auto page, store->ManifestPage(migration, run_id, cursor, 1000));
    cursor = page.first;
    for (const ManifestEntry& e : page.second) {
      if (seen.insert(e.key).second) fn(e);
    }
  } while (cursor != "0");
  return Status::Ok();
}

}  // namespace bridgework::state
