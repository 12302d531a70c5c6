// The source seam: what a practice-management system holds and how to read it.
//
// A SourceConnector describes the source (objects, keys, references, modified-at fields), plans
// shards of one object, and opens a shard as a cursor. A bad row is a RowError in the stream,
// never a failed call: the cursor goes on with the next row. A Status error from the cursor
// means the shard cannot continue (transient ones are retried by running the shard again).
//
// Thread contract: a connector may be shared by threads; a cursor is used by one thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"

namespace bridgework::connectors {

struct ObjectReference {
  std::string field;   // field of this object holding the parent's key
  std::string object;  // the parent object
};

struct SourceObject {
  std::string name;               // "patients"
  std::string label;              // "Patient Record"
  std::string primary_key;        // field holding the record's id
  std::string modified_at_field;  // field for delta; empty: the object has none
  std::vector<ObjectReference> references;
  std::vector<std::string> attachment_fields;  // fields naming a file of the bundle
};

struct SourceDescription {
  std::string kind;  // "sensei-cloud", "csv", "synthetic", ...
  std::vector<SourceObject> objects;

  // The object, or nullptr when the source has none of that name.
  const SourceObject* Find(const std::string& object) const {
    for (const auto& o : objects) {
      if (o.name == object) return &o;
    }
    return nullptr;
  }
};

// A slice of one object that one extract task reads. `token` is the connector's own resume
// information (byte range, page cursor, id range); the coordinator stores it opaquely.
struct ShardSpec {
  std::string object;
  int index = 0;
  int count = 1;
  std::string token;
};

struct ReadOptions {
  std::string modified_since;  // ISO-8601 UTC; empty: every record
};

// Exactly one of record / error is set.
struct SourceRow {
  std::optional<SourceRecord> record;
  std::optional<RowError> error;
};

class RecordCursor {
 public:
  virtual ~RecordCursor() = default;
  // Fills *row and returns true, or returns false at the end of the shard.
  virtual StatusOr<bool> Next(SourceRow* row) = 0;
};

class SourceConnector {
 public:
  virtual ~SourceConnector() = default;
  virtual StatusOr<SourceDescription> Describe() = 0;
  // Splits an object into at most `max_shards` shards (fewer when it is small).
  virtual StatusOr<std::vector<ShardSpec>> PlanShards(const std::string& object,
                                                      int max_shards) = 0;
  virtual StatusOr<std::unique_ptr<RecordCursor>> Open(const ShardSpec& shard,
                                                       const ReadOptions& options) = 0;
  // The bytes of a file a record refers to (attachments).
  virtual StatusOr<std::string> ReadAttachment(const std::string& path) = 0;
};

// Forwards every call to another connector; fault injectors subclass it (LevelDB's EnvWrapper).
class SourceConnectorWrapper : public SourceConnector {
 public:
  explicit SourceConnectorWrapper(SourceConnector* target) : target_(target) {}
  StatusOr<SourceDescription> Describe() override { return target_->Describe(); }
  StatusOr<std::vector<ShardSpec>> PlanShards(const std::string& object, int max_shards) override {
    return target_->PlanShards(object, max_shards);
  }
  StatusOr<std::unique_ptr<RecordCursor>> Open(const ShardSpec& shard,
                                               const ReadOptions& options) override {
    return target_->Open(shard, options);
  }
  StatusOr<std::string> ReadAttachment(const std::string& path) override {
    return target_->ReadAttachment(path);
  }
  SourceConnector* target() const { return target_; }

 private:
  SourceConnector* target_;
};

}  // namespace bridgework::connectors
