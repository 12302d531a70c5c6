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

// The destination of `config.destination.kind`; secrets are read from the environment here.
// (cli/wiring_destinations.cc)
StatusOr<std::unique_ptr<connectors::DestinationConnector>> MakeDestination(const Config& config);

}  // namespace bridgework::cli
