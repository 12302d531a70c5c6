// Builds the parts a config names. Only cli/ knows which implementation serves which kind.
#pragma once

#include <memory>

#include "cli/config.h"
#include "common/rate_limiter.h"
#include "common/status.h"
#include "connectors/destination_connector.h"
#include "connectors/source_connector.h"

namespace bridgework::cli {

// The source of `config.source.kind` (bundle, csv, rest or synthetic). `limiter` is shared by
// every worker of the migration (REST sources); it may be null for bundle sources.
// (cli/wiring_sources.cc)
StatusOr<std::unique_ptr<connectors::SourceConnector>> MakeSource(const Config& config,
                                                                  RateLimiter* limiter);

// The REST reader for `config.source.kind`'s built-in profile at `config.source.rest.url`
// (MakeSource calls it when `source.rest` is set). (cli/wiring_rest_source.cc)
StatusOr<std::unique_ptr<connectors::SourceConnector>> MakeRestSource(const Config& config,
                                                                      RateLimiter* limiter);

// The limiter every worker of the migration shares for a REST source: a RedisRateLimiter at
// `source.rest.rate_limit_per_min` over `redis_url` (the migration's Redis, embedded or not),
// or an UnlimitedRateLimiter when the source has no limit. (cli/wiring_rest_source.cc)
StatusOr<std::unique_ptr<RateLimiter>> MakeSourceRateLimiter(const Config& config,
                                                             const std::string& redis_url);

// The destination of `config.destination.kind`; secrets are read from the environment here.
// (cli/wiring_destinations.cc)
StatusOr<std::unique_ptr<connectors::DestinationConnector>> MakeDestination(const Config& config);

}  // namespace bridgework::cli
