// The map file in memory (docs/map-format.md describes the YAML). A map says, per source object,
// which destination model(s) each record becomes, field by field, and how objects reference each
// other. It is data: vendors and pairs differ only in their map files.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "connectors/destination_connector.h"

namespace bridgework::mapping {

// One destination field of one target: where its value comes from and how it is shaped.
struct FieldRule {
  std::string to;                        // destination field
  std::vector<std::string> from;         // source field path(s); several for joins
  std::vector<std::string> transforms;   // named transforms, applied in order ("name_join", ...)
  Json transform_args = Json::object();  // per-transform options: {"phone_e164": {"region": "US"}}
  std::map<std::string, std::string> value_map;  // applied after transforms, when not empty
  std::optional<Json> default_value;             // when the source value is empty
  std::optional<Json> constant;                  // a fixed value (no source field)
  bool required = false;                         // an empty result is a row error
  // Proposer output (optional in hand-written maps): how sure it is (0..1) and why.
  std::optional<double> confidence;
  std::string reason;
};

// A source field the map deliberately leaves out, with the reason (proposer output or a note).
struct UnmappedField {
  std::string field;
  std::string reason;
};

// A destination field filled with another migrated record's destination id.
struct ReferenceRule {
  std::string to;         // destination field ("partner_id", "personId")
  std::string from;       // source field holding the parent's source id; empty: this record
  std::string object;     // parent source object; empty: this same record (sibling target)
  std::string target;     // parent's target tag; empty: its first target
  bool required = false;  // missing parent => the record is unlinked and not written
};

// One destination record made from one source record.
struct TargetRule {
  std::string tag;    // "partner", "lead"; unique within the object
  std::string model;  // destination model
  std::vector<FieldRule> fields;
  std::vector<ReferenceRule> references;
  std::string when;  // optional condition: "<source field> == <value>" / "!= " / "present"
                     // (full grammar in docs/map-format.md; clauses joined by " and ")
  std::string module;  // destination module it needs ("calendar"); when missing, the object's
                       // fallback for that module replaces this target
};

// What to do when a target model's module is not installed (Accounting, Calendar...).
struct Fallback {
  std::string module;  // "account", "calendar"
  std::string action;  // "custom_fields" (use `targets` below instead) or "export_csv"
  std::vector<TargetRule> targets;
  std::string reason;
};

struct ObjectMap {
  std::string object;  // source object
  std::string label;   // the seed's name for it ("Patient Record")
  std::vector<TargetRule> targets;
  std::vector<Fallback> fallbacks;
  std::string note;  // the reason where the map departs from the seed
  std::vector<UnmappedField> unmapped;
};

// An object that has no home in the destination: exported as CSV for the practice instead.
struct NoHome {
  std::string object;
  std::string label;
  std::vector<std::string> columns;  // empty: every source field
  std::string reason;
};

// An object that does not migrate as data but goes into the workflow-rebuild reference.
struct RebuildOnly {
  std::string object;
  std::string label;
  std::string reason;
};

struct MapFile {
  std::string pair;         // "sensei-cloud-to-odoo"
  std::string source;       // source kind
  std::string destination;  // destination kind
  std::vector<ObjectMap> objects;
  std::vector<connectors::CustomFieldSpec> custom_fields;
  std::vector<connectors::NamedRecordSpec> records;  // stages, categories, activity types...
  std::vector<NoHome> no_home;
  std::vector<RebuildOnly> rebuild_only;
  std::string content_hash;  // SHA-256 of the file's bytes, for confirmation

  const ObjectMap* Find(const std::string& object) const;
  // Source objects this object's targets reference (dependency edges), without itself.
  std::vector<std::string> ParentsOf(const std::string& object) const;
};

}  // namespace bridgework::mapping
