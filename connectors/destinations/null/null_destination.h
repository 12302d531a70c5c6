// The `null` destination: discards writes and issues ids. Ids are derived from the record's key
// (migration, object, source id, target), so a retried write gets the same id, as the real
// destinations' idempotency handles do. For benchmarks and dry runs. (Owned by the engine.)
#pragma once

#include <memory>

#include "connectors/destination_connector.h"

namespace bridgework::connectors {

std::unique_ptr<DestinationConnector> NewNullDestination();

}  // namespace bridgework::connectors
