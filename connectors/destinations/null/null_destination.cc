#include "connectors/destinations/null/null_destination.h"

#include "common/ids.h"

namespace bridgework::connectors {
namespace {

class NullDestination : public DestinationConnector {
 public:
  StatusOr<DestinationSchema> Discover() override {
    DestinationSchema s;
    s.kind = "null";
    s.version = "1";
    return s;
  }
  StatusOr<std::vector<SchemaItemResult>> ApplySchema(const SchemaPlan& plan) override {
    std::vector<SchemaItemResult> out;
    for (const auto& f : plan.fields)
      out.push_back({"field " + f.model + "." + f.name, "exists", "", {}});
    for (const auto& r : plan.records) {
      out.push_back({"record " + r.model + " '" + r.name + "'", "exists", "", {}});
    }
    return out;
  }
  StatusOr<std::vector<DestinationUser>> ListUsers() override {
    return std::vector<DestinationUser>{};
  }
  StatusOr<std::map<std::string, std::string>> LookupByField(
      const std::string&, const std::string&, const std::vector<std::string>&) override {
    return std::map<std::string, std::string>{};
  }
  // Every record is "created" with the id its key derives to: a retry gets the same id.
  StatusOr<std::vector<WriteOutcome>> Upsert(const std::string& migration,
                                             const std::vector<TargetRecord>& records) override {
    std::vector<WriteOutcome> out;
    out.reserve(records.size());
    for (const auto& r : records) {
      WriteOutcome o;
      o.key = r.Key();
      o.destination_id = RecordUuid(migration, o.key);
      o.action = WriteAction::kCreated;
      out.push_back(std::move(o));
    }
    return out;
  }
  // Nothing is kept, so nothing is found.
  StatusOr<std::map<std::string, std::string>> FindByKeys(
      const std::string&, const std::string&, const std::vector<std::string>&) override {
    return std::map<std::string, std::string>{};
  }
  StatusOr<std::vector<StoredRecord>> Read(const std::string&, const std::vector<std::string>& ids,
                                           const std::vector<std::string>&) override {
    std::vector<StoredRecord> out;
    for (const auto& id : ids) out.push_back({id, false, Json::object()});
    return out;
  }
  StatusOr<std::vector<RevertOutcome>> Revert(const std::string&,
                                              const std::vector<ManifestEntry>& entries) override {
    std::vector<RevertOutcome> out;
    for (const auto& e : entries) out.push_back({e.key, "already-gone", {}});
    return out;
  }
};

}  // namespace

std::unique_ptr<DestinationConnector> NewNullDestination() {
  return std::make_unique<NullDestination>();
}

}  // namespace bridgework::connectors
