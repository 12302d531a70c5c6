// The destination seam: a CRM that records are written to (Odoo, Twenty, null, in-memory).
//
// Every write is idempotent by the record's key (TargetRecord::Key() within a migration): the
// connector uses the destination's own handle (Odoo external ids, Twenty client-chosen UUIDs),
// so a batch retried after any crash never creates a second record. A record the destination
// refuses is a WriteOutcome with kFailed and the destination's own message; the call's Status is
// an error only when the call as a whole could not be made (transient codes: retry the batch).
//
// Thread contract: connectors are safe to call from several threads at once.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/manifest.h"
#include "common/record.h"
#include "common/status.h"

namespace bridgework::connectors {

struct FieldInfo {
  std::string name;
  std::string type;  // destination type: "char", "many2one", "TEXT", "EMAILS", ...
  std::string label;
  std::string relation;  // related model for relational fields
  bool required = false;
  bool custom = false;                 // created by a user (Odoo x_ fields, Twenty custom fields)
  std::vector<std::string> selection;  // allowed values of selection fields
};

struct ModelInfo {
  std::string name;
  std::map<std::string, FieldInfo> fields;
};

struct DestinationUser {
  std::string id;
  std::string name;
  std::string email;
};

struct DestinationSchema {
  std::string kind;     // "odoo", "twenty", "null"
  std::string version;  // server version as reported
  std::map<std::string, ModelInfo> models;
  std::set<std::string> modules;  // installed modules / apps ("account", "calendar", ...)

  // The field, or nullptr when the model or the field is unknown.
  const FieldInfo* FindField(const std::string& model, const std::string& field) const {
    auto m = models.find(model);
    if (m == models.end()) return nullptr;
    auto f = m->second.fields.find(field);
    return f == m->second.fields.end() ? nullptr : &f->second;
  }
};

// A custom field the map needs.
struct CustomFieldSpec {
  std::string model;
  std::string name;  // "x_date_of_birth" (Odoo), "dateOfBirth" (Twenty)
  std::string type;  // map-level type: char, text, html, boolean, integer, float, date,
                     // datetime, selection, many2one, links
  std::string label;
  std::string relation;                                      // many2one target model
  std::vector<std::pair<std::string, std::string>> options;  // selection (value, label)
};

// A named configuration record the map needs (activity type, partner category, stage, team,
// utm source/medium, company): found by name, created when missing.
struct NamedRecordSpec {
  std::string model;
  std::string name;
  Json values = Json::object();  // extra values on create
};

struct SchemaPlan {
  std::vector<CustomFieldSpec> fields;
  std::vector<NamedRecordSpec> records;
};

struct SchemaItemResult {
  std::string what;    // "field crm.lead.x_date_of_birth", "record crm.stage 'Queue'"
  std::string action;  // "exists", "created", "failed"
  std::string id;
  Status error;
};

// The stored values of one destination record, for the diff and prior-value capture.
struct StoredRecord {
  std::string destination_id;
  bool exists = false;
  Json values = Json::object();
};

struct RevertOutcome {
  std::string key;
  std::string action;  // "deleted", "restored", "already-gone", "failed"
  Status error;
};

class DestinationConnector {
 public:
  virtual ~DestinationConnector() = default;

  // Live schema, installed modules and version.
  virtual StatusOr<DestinationSchema> Discover() = 0;
  // Creates what is missing; applying the same plan twice changes nothing.
  virtual StatusOr<std::vector<SchemaItemResult>> ApplySchema(const SchemaPlan& plan) = 0;
  // Users that records can be assigned to (owner resolution).
  virtual StatusOr<std::vector<DestinationUser>> ListUsers() = 0;
  // Finds named records (for lookups by name or code: countries, states, categories...).
  // Returns name -> destination id for the names found.
  virtual StatusOr<std::map<std::string, std::string>> LookupByField(
      const std::string& model, const std::string& field,
      const std::vector<std::string>& values) = 0;

  // Creates or updates records of one model idempotently; one outcome per record, in order.
  // REQUIRES: every record's references are resolved into its values.
  virtual StatusOr<std::vector<WriteOutcome>> Upsert(const std::string& migration,
                                                     const std::vector<TargetRecord>& records) = 0;
  // Destination ids of the records with these keys that exist (key -> id).
  virtual StatusOr<std::map<std::string, std::string>> FindByKeys(
      const std::string& migration, const std::string& model,
      const std::vector<std::string>& keys) = 0;
  // Stored values of records by destination id (fields empty: every field the map writes).
  virtual StatusOr<std::vector<StoredRecord>> Read(const std::string& model,
                                                   const std::vector<std::string>& ids,
                                                   const std::vector<std::string>& fields) = 0;
  // Undoes manifest entries: created records deleted, updated ones restored to prior values.
  // Entries come in the order to apply them (children first). Safe to repeat.
  virtual StatusOr<std::vector<RevertOutcome>> Revert(
      const std::string& migration, const std::vector<ManifestEntry>& entries) = 0;
  // Drops custom fields that a schema apply created (`rollback --drop-custom-fields`): one
  // result per field, action "dropped", "already-gone" or "failed". Safe to repeat. Default:
  // kUnimplemented (the destination cannot drop fields through its API).
  virtual StatusOr<std::vector<SchemaItemResult>> DropCustomFields(
      const std::vector<CustomFieldSpec>& fields) {
    (void)fields;
    return Unimplemented("this destination cannot drop custom fields");
  }
};

// Forwards every call; fault injectors and instrumentation subclass it.
class DestinationConnectorWrapper : public DestinationConnector {
 public:
  explicit DestinationConnectorWrapper(DestinationConnector* target) : target_(target) {}
  StatusOr<DestinationSchema> Discover() override { return target_->Discover(); }
  StatusOr<std::vector<SchemaItemResult>> ApplySchema(const SchemaPlan& plan) override {
    return target_->ApplySchema(plan);
  }
  StatusOr<std::vector<DestinationUser>> ListUsers() override { return target_->ListUsers(); }
  StatusOr<std::map<std::string, std::string>> LookupByField(
      const std::string& model, const std::string& field,
      const std::vector<std::string>& values) override {
    return target_->LookupByField(model, field, values);
  }
  StatusOr<std::vector<WriteOutcome>> Upsert(const std::string& migration,
                                             const std::vector<TargetRecord>& records) override {
    return target_->Upsert(migration, records);
  }
  StatusOr<std::map<std::string, std::string>> FindByKeys(
      const std::string& migration, const std::string& model,
      const std::vector<std::string>& keys) override {
    return target_->FindByKeys(migration, model, keys);
  }
  StatusOr<std::vector<StoredRecord>> Read(const std::string& model,
                                           const std::vector<std::string>& ids,
                                           const std::vector<std::string>& fields) override {
    return target_->Read(model, ids, fields);
  }
  StatusOr<std::vector<RevertOutcome>> Revert(const std::string& migration,
                                              const std::vector<ManifestEntry>& entries) override {
    return target_->Revert(migration, entries);
  }
  StatusOr<std::vector<SchemaItemResult>> DropCustomFields(
      const std::vector<CustomFieldSpec>& fields) override {
    return target_->DropCustomFields(fields);
  }
  DestinationConnector* target() const { return target_; }

 private:
  DestinationConnector* target_;
};

}  // namespace bridgework::connectors
