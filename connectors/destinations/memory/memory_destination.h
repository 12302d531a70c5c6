// The `memory` destination: keeps records in process memory, keyed by model and destination id,
// with ids derived from the record's key (as the null destination). Good enough to stand in for
// a CRM in tests: upserts create or update, reads and reverts act on what was written, and a
// snapshot shows exactly what the destination holds. (Owned by the engine.)
//
// Thread contract: every method is safe to call from several threads at once.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "connectors/destination_connector.h"

namespace bridgework::connectors {

class MemoryDestination : public DestinationConnector {
 public:
  struct Stored {
    std::string key;  // TargetRecord::Key()
    Json values;
  };
  // model -> destination id -> record.
  using Snapshot = std::map<std::string, std::map<std::string, Stored>>;

  StatusOr<DestinationSchema> Discover() override;
  StatusOr<std::vector<SchemaItemResult>> ApplySchema(const SchemaPlan& plan) override;
  StatusOr<std::vector<DestinationUser>> ListUsers() override;
  StatusOr<std::map<std::string, std::string>> LookupByField(
      const std::string& model, const std::string& field,
      const std::vector<std::string>& values) override;
  StatusOr<std::vector<WriteOutcome>> Upsert(const std::string& migration,
                                             const std::vector<TargetRecord>& records) override;
  StatusOr<std::map<std::string, std::string>> FindByKeys(
      const std::string& migration, const std::string& model,
      const std::vector<std::string>& keys) override;
  StatusOr<std::vector<StoredRecord>> Read(const std::string& model,
                                           const std::vector<std::string>& ids,
                                           const std::vector<std::string>& fields) override;
  StatusOr<std::vector<RevertOutcome>> Revert(const std::string& migration,
                                              const std::vector<ManifestEntry>& entries) override;

  Snapshot TakeSnapshot() const;
  // How many Upsert calls created a record (a record created twice would count twice).
  int64_t creates() const;

 private:
  mutable std::mutex mu_;
  Snapshot models_;
  int64_t creates_ = 0;
};

std::unique_ptr<MemoryDestination> NewMemoryDestination();

}  // namespace bridgework::connectors
