// The REST shape of a vendor, read from the "rest" section and the objects of its profile
// (connectors/sources/profiles/<vendor>.json, written by the sources part; docs/sources.md).
// None of the vendors publishes an API: the shape is Bridgework's definition, and the source
// REST simulator (tests/emulators/source_rest) serves exactly this shape.
//
// Thread contract: a plain value; immutable once parsed.
#pragma once

#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "connectors/source_connector.h"

namespace bridgework::connectors::rest {

enum class PageStyle {
  kCursor,   // the answer's next_field holds an opaque cursor for cursor_param
  kNextUrl,  // the answer's next_field holds the next request's URL (same server)
  kPage,     // page_param counts pages from first_page; total_pages_field says how many
  kOffset,   // offset_param counts records; total_field says how many
};

struct RestObject {
  SourceObject object;             // name, label, key, modified-at field, references
  std::string endpoint;            // "/patients", under the base path
  std::string modified_at_format;  // the modified-at field's format (see NormalizeTimestamp)
};

struct RestProfile {
  std::string kind;
  std::string base_path;  // "/api/v2"
  PageStyle style = PageStyle::kCursor;
  std::string items_field = "data";
  std::string limit_param = "limit";
  int default_limit = 100;
  int max_limit = 1000;
  std::string cursor_param = "cursor";
  std::string next_field = "next_cursor";
  std::string page_param = "page";
  int first_page = 1;
  std::string total_pages_field = "total_pages";
  std::string offset_param = "offset";
  std::string total_field = "total";
  std::string modified_since_param = "modified_since";
  std::string modified_since_format = "iso8601";  // iso8601 | epoch | epoch_ms
  // Parallel shards: the server serves records whose CRC-32 of the id is `partition` modulo
  // `partitions`. Not in any vendor's own shape; the simulator adds it (docs/sources-rest.md).
  std::string partition_param = "partition";
  std::string partitions_param = "partitions";
  std::string attachment_path;  // "/api/v2/files/{path}"; empty: no attachments over REST
  std::vector<RestObject> objects;

  const RestObject* Find(const std::string& name) const;
};

// Parses a profile document; kInvalidArgument names the missing or bad key.
StatusOr<RestProfile> ParseRestProfile(const Json& profile);
StatusOr<RestProfile> LoadRestProfile(const std::string& path);

}  // namespace bridgework::connectors::rest
