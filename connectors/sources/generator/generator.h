// gen-sample: writes a deterministic export bundle for a vendor profile, with the messiness the
// seed pages describe, and a truth file (truth.json) saying what a correct read must find.
//
// Deterministic: every value is a function of (seed, object, record index, attribute), so the
// same options give byte-identical files, and no record needs another record in memory: memory
// stays constant from 100 to 10,000,000 patients. Objects are written one after another, parents
// first; children are generated per parent from the parent's index alone.
//
// Planted messiness (all recorded in truth.json):
//   bad rows: wrong field count / malformed JSON / not an object, undecodable bytes, missing
//     attachment files (each with file, line, field, reason);
//   duplicate patients from legacy conversion (same person, spelled differently);
//   providers as free text (the id empty, the name filled);
//   blank and invalid emails and phones, impossible dates of birth;
//   multi-line addresses, very long clinical notes, non-Latin names;
//   large attachments (--large-file-bytes) and one over the destination limit
//     (--max-attachment-bytes); dangling references to patients that do not exist.
//
// Thread contract: one call at a time per output folder.
#pragma once

#include <cstdint>
#include <string>

#include "common/record.h"
#include "common/status.h"
#include "connectors/sources/profiles/profile.h"

namespace bridgework::sources {

struct GenerateOptions {
  std::string out_dir;
  int64_t patients = 1000;
  uint64_t seed = 1;
  int64_t large_file_bytes = 3 * 1024 * 1024;       // size of the "large" attachments
  int large_files = 2;                              // how many of them
  int64_t max_attachment_bytes = 25 * 1024 * 1024;  // destination limit; one file exceeds it
  int64_t attachment_files = 2000;                  // distinct files; documents beyond share them
  int64_t truth_id_limit = 1000000;                 // objects with more valid records list no ids
};

// Writes the bundle and truth.json into options.out_dir (created if needed). Returns a summary:
// {"objects": {name: records written}, "bad_rows": n, "files": n, "bytes": n}.
StatusOr<Json> GenerateBundle(const Profile& profile, const GenerateOptions& options);

}  // namespace bridgework::sources
