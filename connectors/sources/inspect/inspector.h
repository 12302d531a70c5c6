// `inspect`: the scope document of a source. Reads every object once through the SourceConnector
// seam and counts: records and row errors per object; per field the fill rate, the declared type
// (from the profile) and the detected type (from the values), and invalid values (emails, phones,
// dates, numbers, booleans that do not parse); custom properties; duplicate patient groups
// (same folded last name, date of birth and first initial); references to records that do not
// exist; attachments (count, volume, files over the destination's size limit).
//
// Privacy: the document holds field names, counts, record ids and row errors (which carry a value
// kind, never a value); no patient value goes into it or into the logs.
//
// Memory: one 8-byte hash per record of a referenced object and per patient (for references and
// duplicates); everything else is counters. Duplicate ids are collected in a second pass.
//
// Thread contract: one call at a time per connector cursor; the functions themselves are pure.
#pragma once

#include <cstdint>
#include <string>

#include "common/record.h"
#include "common/status.h"
#include "connectors/source_connector.h"
#include "connectors/sources/profiles/profile.h"

namespace bridgework::sources {

struct InspectOptions {
  int64_t max_attachment_bytes = 25 * 1024 * 1024;  // destination.max_attachment_bytes
  std::string bundle_dir;  // for attachment sizes; empty: sizes unknown (REST)
  int max_examples = 20;   // example ids per finding
  int max_row_errors = 1000;
};

// `profile` gives declared types, custom properties and the patient object; may be null.
StatusOr<Json> InspectSource(connectors::SourceConnector& source, const Profile* profile,
                             const InspectOptions& options);

// A person-readable page of the same document (field names and counts only).
std::string RenderInspectHtml(const Json& scope);

}  // namespace bridgework::sources
