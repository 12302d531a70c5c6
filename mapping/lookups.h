// Lookups: map values that name an existing destination record ({"$lookup": {model, field,
// value, many}}, from FieldRule::lookup_model) replaced by that record's destination id, in one
// LookupByField call per (model, field) for a whole batch. The load worker calls this after
// resolving references and before Upsert.
//
// A value with no match is removed from the record (the destination keeps its default) and
// reported as an UnresolvedLookup, so the run can flag it; it is never written as text.
//
// Thread contract: stateless; the connector's own thread contract applies.
#pragma once

#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "connectors/destination_connector.h"

namespace bridgework::mapping {

struct UnresolvedLookup {
  std::string key;    // TargetRecord::Key()
  std::string field;  // destination field
  std::string model;  // looked-up model
  std::string what;   // the looked-up name: a configuration name (country code, activity type),
                      // never patient data, so it may be shown
};

// True when `value` is a lookup directive.
bool IsLookup(const Json& value);

// Replaces every lookup directive in `records`. Errors only when a LookupByField call fails.
StatusOr<std::vector<UnresolvedLookup>> ResolveLookups(connectors::DestinationConnector& dest,
                                                       std::vector<TargetRecord>* records);

}  // namespace bridgework::mapping
