// The map proposer (`bridgework map propose`): for every source field, a proposed destination
// field with a confidence (0..1) and a one-line reason, from
//   1. what a person confirmed before (learned pairs: proposed first, 0.97),
//   2. the synonym table (mapping/proposer_synonyms.cc): concepts in several languages (DOB,
//      birthdate, fecha de nacimiento, doğum tarihi, Geburtsdatum...; appointment start, file
//      name, invoice date...) and the destination fields that hold them,
//   3. exact and normalised names (case, spaces, accents, x_ prefix, camelCase),
//   4. string similarity of the folded names,
//   5. value profiles of sample values (email, phone, date, money, code, flag) and type
//      compatibility with the destination field.
// A wrong confident match is worse than an unmapped field, so confidence is earned:
//   - >= ProposerOptions::confident_at (0.8): a learned pair, a synonym or the same name of a
//     field the destination HAS, with values of the expected kind;
//   - below it (the reason starts with "unsure:"): a custom field to create (its name is a
//     suggestion), a bookkeeping time, the record's own id kept as `ref`, a link field matched
//     by name alone (it needs a lookup), values that do not fit the name;
//   - below `min_confidence` (0.6) the field is left unmapped with the reason; so is a field
//     that loses its target to a more confident one.
// A field with no good standard target gets a proposed custom field (x_ for Odoo, camelCase for
// Twenty) named after the source field.
//
// Thread contract: a Proposer is immutable after Create; Propose is const and thread-safe.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "connectors/destination_connector.h"
#include "mapping/map_model.h"

namespace bridgework::mapping {

struct SourceFieldInfo {
  std::string name;
  std::vector<std::string> samples;  // a few non-empty values (stay in memory; never logged)
  bool reference = false;            // the source description says it points at another object
  bool primary_key = false;          // the record's own id (becomes the idempotency key)
  bool modified_at = false;          // the object's modified-at field (the delta watermark)
};

struct Proposal {
  std::string field;         // source field
  std::string target_field;  // empty: unmapped
  std::vector<std::string> transforms;
  double confidence = 0;
  std::string reason;
  bool custom = false;      // a custom field to create
  std::string custom_type;  // its type (char, date, boolean...)
};

// Learned pairs: what a person confirmed, "<key>@<object>/<model>" and "<key>@<model>" ->
// "<model>.<field>", where key is the source field name folded with camelCase split
// ("NhsNumber" -> "nhs_number"). The per-object entry is proposed first and confidently (0.97);
// the per-model one, and plain keys written by older versions, only as an unsure hint (0.75): a
// "ModifiedAt" confirmed for patients says little about a practice's "ModifiedAt".
struct LearnedPairs {
  std::map<std::string, std::string> pairs;
};
StatusOr<LearnedPairs> LoadLearnedPairs(const std::string& path);  // missing file: empty
// Adds every single-source field of `map` and writes the file (0600).
Status LearnFromMap(const MapFile& map, const std::string& path);

// The value profile of samples: "email", "phone", "date", "datetime", "money", "int", "bool",
// "code", "text" or "empty".
std::string DetectValueType(const std::vector<std::string>& samples);

struct ProposerOptions {
  double min_confidence = 0.6;  // below: the field is left unmapped, with the reason
  // At and above: a confident proposal (a person may accept it as is). Between the two the
  // reason starts with "unsure:" and the field needs a person's look.
  double confident_at = 0.8;
};

class Proposer {
 public:
  Proposer(connectors::DestinationSchema schema, LearnedPairs learned, ProposerOptions options);

  // `object` (the source object the fields belong to) lets a pair confirmed for that very
  // object count in full; one confirmed only for another object of the model is a hint.
  std::vector<Proposal> Propose(const std::string& model,
                                const std::vector<SourceFieldInfo>& fields,
                                const std::string& object = "") const;

 private:
  connectors::DestinationSchema schema_;
  LearnedPairs learned_;
  ProposerOptions options_;
};

// A destination schema from the fixture JSON format ({"kind", "models": {model: {field: {type,
// label, required, relation, selection}}}}, tests/mapping/fixtures/*.json).
StatusOr<connectors::DestinationSchema> SchemaFromJson(const Json& j);

// The proposal as a map-file object (YAML text, with confidence and reason per field) and as
// JSON for scripts.
std::string ProposalYaml(const std::string& object, const std::string& model,
                         const std::vector<Proposal>& proposals);
Json ProposalJson(const std::string& object, const std::string& model,
                  const std::vector<Proposal>& proposals);

}  // namespace bridgework::mapping
