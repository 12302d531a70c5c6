// The verb tests inject every part (EngineRunOptions::parts / source); these stand in for the
// config wiring of the binary and say so if anything reaches them.
#include "cli/wiring.h"

namespace bridgework::cli {

StatusOr<std::unique_ptr<connectors::SourceConnector>> MakeSource(const Config&, RateLimiter*) {
  return Unimplemented("test: sources are injected");
}
StatusOr<std::unique_ptr<connectors::SourceConnector>> MakeRestSource(const Config&, RateLimiter*) {
  return Unimplemented("test: sources are injected");
}
StatusOr<std::unique_ptr<RateLimiter>> MakeSourceRateLimiter(const Config&, const std::string&) {
  return Unimplemented("test: no rate limiter");
}
StatusOr<std::unique_ptr<connectors::DestinationConnector>> MakeDestination(const Config&) {
  return Unimplemented("test: destinations are injected");
}

}  // namespace bridgework::cli
