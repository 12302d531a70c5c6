// The export-bundle reader: a SourceConnector over a folder of files described by a Profile.
//
// Streaming: a cursor holds one buffer and one record, whatever the file's size. Every row that
// cannot be read becomes a RowError naming the file, the line the record starts on, the field
// ("(record)" when the row as a whole is broken) and the reason; the next row still arrives:
//   - "wrong field count", "malformed row" (CSV quoting), "malformed JSON", "not a JSON object"
//   - "invalid encoding" (bytes that mean nothing in the bundle's encoding)
//   - "missing primary key"
//   - "missing attachment file" / "attachment path outside the bundle"
// Line numbers are physical lines of the file for every format (JSON included).
//
// Shards: PlanShards reads the object's file once with the same reader the cursors use and
// records the byte offset and line number of the record starting at or after each 1/n of the
// file; a shard is [begin, end) of record starts, so shards cover every record exactly once even
// with line breaks inside quoted fields. Small files (< min_shard_bytes) are one shard.
//
// Thread contract: the connector is thread-safe (the shard plan cache has a mutex); a cursor is
// used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "connectors/source_connector.h"
#include "connectors/sources/profiles/profile.h"

namespace bridgework::sources {

struct BundleSourceOptions {
  std::string dir;                    // the bundle folder
  int64_t min_shard_bytes = 1 << 20;  // files smaller than this are read as one shard
};

std::unique_ptr<connectors::SourceConnector> NewBundleSource(Profile profile,
                                                             BundleSourceOptions options);

// Resolves a path named by a record against the bundle folder; refuses absolute paths and
// paths that leave the folder. Empty on refusal.
std::string ResolveBundlePath(const std::string& dir, const std::string& relative);

}  // namespace bridgework::sources
