// Sample selection (`sample --size N`, docs/sample-and-delta.md): chooses about N root records
// (patients: the object most other objects reference in the map, then the most records) so
// that together, through their children, they cover every value that matters, then adds every
// child of the chosen roots and every parent record they reference so that links resolve.
//
// What matters is read from the map, not from vendor knowledge: source fields feeding value maps,
// lookups and `when` conditions (appointment type and status...), references to small parent
// objects (providers, carriers, locations), short and long values of the same text field (notes)
// and filled attachment fields, plus one record of every child object.
//
// Features never hold patient values: a value is shown only when it is a value-map key of the map
// file itself; any other value is a short hash.
//
// Thread contract: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/record.h"
#include "connectors/source_connector.h"
#include "mapping/map_model.h"

namespace bridgework::cli::sample {

// Text values longer than this are "long" (a long note).
inline constexpr size_t kLongTextChars = 1000;
// A field the map treats as a category (a value map, a condition, a lookup) but whose values are
// nearly all different (a start time in "start_time past", a whole address looked up for its
// state) says nothing about kinds of records: covering each of its values would take every
// record. Above this many distinct values, and above a tenth of its object's records, it is
// not a coverage feature.
inline constexpr size_t kMaxCategoryValues = 50;

struct ObjectRules {
  std::string object;
  std::vector<connectors::ObjectReference> parents;  // reference field -> parent object
  std::set<std::string> categorical_fields;          // value maps, lookups, conditions
  std::set<std::string> text_fields;                 // every mapped source field
  std::set<std::string> attachment_fields;
  std::set<std::string> shown_values;  // value-map keys: safe to show in features
};

struct SelectionRules {
  std::vector<ObjectRules> objects;  // parents before children

  const ObjectRules* Find(const std::string& object) const;
};

// Rules from the map (null: from the source's own description, every field plain). Objects the
// map does not move (match-only, no-home) keep their edges so their records are still included
// as parents.
SelectionRules RulesFrom(const mapping::MapFile* map, const connectors::SourceDescription& source);

struct ParentLink {
  std::string field;
  std::string object;
  std::string id;
};

// What selection keeps of one source record.
struct RecordFacts {
  std::string id;
  std::vector<ParentLink> parents;
  std::vector<std::string> features;
};

RecordFacts FactsOf(const SourceRecord& record, const ObjectRules& rules);

struct ChosenRoot {
  std::string id;
  std::vector<std::string> covers;  // features it was the first chosen root to cover
  bool fill = false;                // chosen to fill up to N, not for coverage
};

struct Selection {
  std::string root_object;
  std::vector<ChosenRoot> roots;
  std::map<std::string, std::set<std::string>> ids;  // object -> selected source ids
  int64_t features = 0;                              // distinct features found in the source
  int64_t roots_available = 0;

  Json ToJson() const;  // ids and reasons; no values
  int64_t Count(const std::string& object) const;
};

// `records`: per object of `rules`, in the source's order (the order fill uses).
Selection SelectSample(const SelectionRules& rules,
                       const std::map<std::string, std::vector<RecordFacts>>& records,
                       int64_t size);

}  // namespace bridgework::cli::sample
