// Turns one item of a REST page into a SourceRow, and converts modified-at times between the
// vendors' notations and ISO-8601 UTC. The REST payload has the export's own JSON shape, so the
// flattening and the time notations are the bundle reader's (sources::FlattenJson,
// sources::ParseTime): a record reads the same over REST as from the bundle.
// Pure functions: no I/O, safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/record.h"
#include "common/status.h"
#include "connectors/source_connector.h"
#include "connectors/sources/rest/rest_profile.h"

namespace bridgework::connectors::rest {

// The item as a record of `object`, or a RowError when it is not a JSON object or has no
// usable primary key. `where` is the endpoint path and `index` the item's position (1-based)
// in the shard, for the error.
SourceRow ItemToRow(const Json& item, const RestObject& object, const std::string& where,
                    int64_t index);

// "2024-03-01T10:00:00Z" for a value in `format`: "iso8601", "epoch", "epoch_ms", or a
// pattern of YYYY MM DD HH mm ss and literal characters ("MM/DD/YYYY HH:mm:ss"); times without
// a zone are UTC. std::nullopt when the value does not match.
std::optional<std::string> NormalizeTimestamp(const std::string& value, const std::string& format);

// The modified-since parameter for an ISO-8601 UTC time, in the API's `format` (iso8601,
// epoch, epoch_ms). kInvalidArgument when `iso` is not ISO-8601 or the format is unknown.
StatusOr<std::string> FormatModifiedSince(const std::string& iso, const std::string& format);

}  // namespace bridgework::connectors::rest
