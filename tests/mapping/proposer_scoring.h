// Scores the map proposer against a default map taken as the truth, on a generated export
// bundle, with the bundle's column names as they are or renamed the way another export (or
// another language) would write them. Shared by tests/mapping/proposer_eval_test.cc (floors) and
// bench/proposer_eval (the figures in docs/map-format.md).
//
// Scoring, per source object of the map and per distinct target model of that object: the
// proposer proposes every source field of the object against that model (what `map propose`
// does for the object's first target). The truth for the model is every single-source,
// non-constant field rule of the object's targets with that model (from -> to).
//   - a proposal for a truth field is right when its target is the truth's target;
//   - a proposal for a field the map leaves out of the object entirely is wrong (the map's
//     author chose not to migrate it);
//   - a field the map uses only in another model, in a multi-source rule or a reference is not
//     scored for this model.
// precision = right / proposed; recall = right / truth fields; "confident" counts only the
// proposals with confidence >= the confident threshold. A proposed custom field whose name
// differs from a custom field of the truth is wrong (counted apart as `new_field_agree`: the
// proposer saw that no standard field fits).
//
// Thread contract: pure functions over files; no shared state.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace bridgework::mapping::eval {

enum class Renaming {
  kNone,        // the vendor's own column names
  kRestyled,    // same words, other casing, spacing and separators (no vocabulary)
  kTranslated,  // other real-world names for the field (synonyms; Spanish, German, Turkish,
                // English), then restyled
};
const char* RenamingName(Renaming r);

// The column a field would have in another export: deterministic in (name, index, mode).
std::string RenameColumn(const std::string& name, size_t index, Renaming mode);

struct Counts {
  int truth = 0;
  int proposed = 0;
  int right = 0;
  int confident_proposed = 0;
  int confident_right = 0;
  int new_field_agree = 0;  // wrong only by the name of a proposed custom field
  void Add(const Counts& o);
  double Precision() const;
  double Recall() const;
  double ConfidentPrecision() const;
};

struct Mistake {
  std::string object, model, field, renamed_as, proposed, truth, reason;
  double confidence = 0;
};

// The five seed pairs: default map (maps/<map>.yaml), source kind, offline schema fixture
// (tests/mapping/fixtures/<schema>).
struct Pair {
  const char* map;
  const char* kind;
  const char* schema;
};

constexpr Pair kPairs[] = {
    {"sensei-cloud-to-odoo", "sensei-cloud", "odoo17_schema.json"},
    {"core-practice-to-odoo", "core-practice", "odoo17_schema.json"},
    {"dr-dentes-to-odoo", "dr-dentes", "odoo17_schema.json"},
    {"clinic-place-to-odoo", "clinic-place", "odoo17_schema.json"},
    {"sensei-cloud-to-twenty", "sensei-cloud", "twenty_schema.json"},
};

struct PairSpec {
  std::string map_path;      // maps/<pair>.yaml
  std::string schema_path;   // the destination schema fixture (`map propose --schema`)
  std::string kind;          // source profile
  std::string bundle_dir;    // a bundle from `bridgework gen-sample --source <kind>`
  std::string learned_path;  // learned pairs (empty: none)
};

// Scores one pair under one renaming. `mistakes` (optional) receives every wrong proposal.
StatusOr<Counts> ScorePair(const PairSpec& pair, Renaming renaming, double confident_at,
                           std::vector<Mistake>* mistakes);

}  // namespace bridgework::mapping::eval
