#include "connectors/destinations/memory/memory_destination.h"

#include "common/ids.h"

namespace bridgework::connectors {

StatusOr<DestinationSchema> MemoryDestination::Discover() {
  DestinationSchema s;
  s.kind = "memory";
  s.version = "1";
  return s;
}

StatusOr<std::vector<SchemaItemResult>> MemoryDestination::ApplySchema(const SchemaPlan& plan) {
  std::vector<SchemaItemResult> out;
  for (const auto& f : plan.fields) {
    out.push_back({"field " + f.model + "." + f.name, "exists", "", {}});
  }
  for (const auto& r : plan.records) {
    out.push_back({"record " + r.model + " '" + r.name + "'", "exists", "", {}});
  }
  return out;
}

StatusOr<std::vector<DestinationUser>> MemoryDestination::ListUsers() {
  return std::vector<DestinationUser>{};
}

StatusOr<std::map<std::string, std::string>> MemoryDestination::LookupByField(
    const std::string& model, const std::string& field, const std::vector<std::string>& values) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::string> out;
  auto m = models_.find(model);
  if (m == models_.end()) return out;
  for (const auto& [id, rec] : m->second) {
    auto v = rec.values.find(field);
    if (v == rec.values.end() || !v->is_string()) continue;
    for (const auto& want : values) {
      if (v->get<std::string>() == want) out[want] = id;
    }
  }
  return out;
}

StatusOr<std::vector<WriteOutcome>> MemoryDestination::Upsert(
    const std::string& migration, const std::vector<TargetRecord>& records) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<WriteOutcome> out;
  out.reserve(records.size());
  for (const auto& r : records) {
    WriteOutcome o;
    o.key = r.Key();
    o.destination_id = RecordUuid(migration, o.key);
    auto& model = models_[r.model];
    auto it = model.find(o.destination_id);
    if (it == model.end()) {
      model[o.destination_id] = {o.key, r.values};
      o.action = WriteAction::kCreated;
      ++creates_;
    } else {
      o.prior_values = it->second.values;
      o.action = it->second.values == r.values ? WriteAction::kUnchanged : WriteAction::kUpdated;
      it->second.values = r.values;
    }
    out.push_back(std::move(o));
  }
  return out;
}

StatusOr<std::map<std::string, std::string>> MemoryDestination::FindByKeys(
    const std::string& migration, const std::string& model, const std::vector<std::string>& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::string> out;
  auto m = models_.find(model);
  if (m == models_.end()) return out;
  for (const auto& key : keys) {
    std::string id = RecordUuid(migration, key);
    if (m->second.count(id)) out[key] = id;
  }
  return out;
}

StatusOr<std::vector<StoredRecord>> MemoryDestination::Read(
    const std::string& model, const std::vector<std::string>& ids,
    const std::vector<std::string>& fields) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<StoredRecord> out;
  auto m = models_.find(model);
  for (const auto& id : ids) {
    StoredRecord s{id, false, Json::object()};
    if (m != models_.end()) {
      auto it = m->second.find(id);
      if (it != m->second.end()) {
        s.exists = true;
        if (fields.empty()) {
          s.values = it->second.values;
        } else {
          for (const auto& f : fields) {
            if (it->second.values.contains(f)) s.values[f] = it->second.values[f];
          }
        }
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

StatusOr<std::vector<RevertOutcome>> MemoryDestination::Revert(
    const std::string& /*migration*/, const std::vector<ManifestEntry>& entries) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<RevertOutcome> out;
  for (const auto& e : entries) {
    auto& model = models_[e.model];
    auto it = model.find(e.destination_id);
    if (it == model.end()) {
      out.push_back({e.key, "already-gone", {}});
    } else if (e.action == WriteAction::kCreated) {
      model.erase(it);
      out.push_back({e.key, "deleted", {}});
    } else {
      for (const auto& [field, value] : e.prior_values.items()) it->second.values[field] = value;
      out.push_back({e.key, "restored", {}});
    }
  }
  return out;
}

MemoryDestination::Snapshot MemoryDestination::TakeSnapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return models_;
}

int64_t MemoryDestination::creates() const {
  std::lock_guard<std::mutex> lock(mu_);
  return creates_;
}

std::unique_ptr<MemoryDestination> NewMemoryDestination() {
  return std::make_unique<MemoryDestination>();
}

}  // namespace bridgework::connectors
