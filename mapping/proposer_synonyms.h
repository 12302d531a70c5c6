// The proposer's synonym table: concepts a source column may express (date of birth, email,
// appointment start, invoice date...), the names real exports give them in several languages,
// and the destination fields that hold them. Data, not logic: grow it with the real-world names
// of a field; mapping/proposer.cc decides how far to trust a match.
//
// Thread contract: the table is built once (function-local static) and read-only after.
#pragma once

#include <string>
#include <vector>

namespace bridgework::mapping {

struct Concept {
  const char* key;                    // what the field means, for the proposal's reason
  std::vector<const char*> synonyms;  // folded names (FoldKey of the words, '_' between)
  // Destination fields that hold it: "model:field", '*' for any model that has the field.
  // A field the destination does not have yet (x_... for Odoo, plain camelCase for Twenty) is
  // proposed as a custom field to create.
  std::vector<const char*> odoo;
  std::vector<const char*> twenty;
  const char* value_type;   // the value profile it expects ("" any)
  const char* custom_type;  // the type of a custom field proposed for it
  const char* transform;    // a transform the values need ("" by value profile)
  // How far a name match alone is trusted: lower for fields a map often leaves out on purpose
  // (bookkeeping times).
  double confidence = 0.9;
};

const std::vector<Concept>& ProposerConcepts();

}  // namespace bridgework::mapping
