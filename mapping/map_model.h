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
  // The value names an existing destination record rather than being written as is: the
  // writer replaces it with the id of the `lookup_model` record whose `lookup_field` equals it
  // (res.country by code, mail.activity.type by name...). Mapper output carries it as
  // {"$lookup": {"model", "field", "value"}} (see ResolveLookups in mapping/lookups.h).
  std::string lookup_model;
  std::string lookup_field;
  bool lookup_many = false;  // many2many: the value is a list of names
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
  std::string when;    // optional condition: "<source field> == <value>" / "!= " / "present"
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

// Records of an object that are matched to existing destination records instead of written
// (providers to res.users by email): references to the object resolve to the match.
struct MatchRule {
  std::string model;              // "res.users", "workspaceMembers"
  std::string field;              // destination field compared ("email", "userEmail")
  std::vector<std::string> from;  // source fields tried in order
  std::string by_name_from;       // source field with the name, when no email matches
};

struct ObjectMap {
  std::string object;              // source object
  std::string label;               // the seed's name for it ("Patient Record")
  std::optional<MatchRule> match;  // set: not written, matched (owners step)
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

// Where the practice's owners (providers, practitioners, staff) come from, for `owners`
// (docs/map-format.md, "owners"). Either an object whose records are people (`email` / `name`
// fields), or a free-text field naming them (`text`). Matched owners go into the id map under
// "<object>/<source id>/user" (records) or "<as>/<text>/user" (free text: the normalised text and
// every spelling seen), so references resolve like any other parent.
struct OwnerSource {
  std::string object;              // source object read
  std::string id;                  // record entries: id field; empty: the object's primary key
  std::vector<std::string> email;  // record entries: email fields, tried in order
  std::vector<std::string> name;   // record entries: name fields joined with spaces (first, last)
  std::string text;                // free-text entries: the field holding the name
  std::string as;                  // free-text entries: the object references name; default
                                   // "<object>.<text>"
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
  // Objects whose records define schema (custom property definitions): realised by the
  // custom_fields of this map through `schema plan`, not written as records.
  std::vector<RebuildOnly> schema_only;
  // Owner sources; empty: derived from the objects' `match` rules (OwnerSourcesOf in
  // cli/workflow/owner_matching.h).
  std::vector<OwnerSource> owners;
  std::string content_hash;  // SHA-256 of the file's bytes, for confirmation

  const ObjectMap* Find(const std::string& object) const;
  // Source objects this object's targets reference (dependency edges), without itself.
  std::vector<std::string> ParentsOf(const std::string& object) const;
};

}  // namespace bridgework::mapping
