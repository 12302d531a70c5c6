#include "cli/wiring.h"
#include "connectors/destinations/null/null_destination.h"

namespace bridgework::cli {

StatusOr<std::unique_ptr<connectors::DestinationConnector>> MakeDestination(const Config& config) {
  const auto& d = config.destination;
  if (d.kind == "null") return connectors::NewNullDestination();
  return InvalidArgument("destination kind " + d.kind + " is not supported yet");
}

}  // namespace bridgework::cli
