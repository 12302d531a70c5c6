#include "cli/wiring.h"
#include "connectors/sources/synthetic/synthetic_source.h"

namespace bridgework::cli {

StatusOr<std::unique_ptr<connectors::SourceConnector>> MakeSource(const Config& config,
                                                                  RateLimiter* limiter) {
  const auto& s = config.source;
  if (s.rest) return MakeRestSource(config, limiter);  // cli/wiring_rest_source.cc
  if (s.kind == "synthetic") {
    connectors::SyntheticSourceOptions o;
    if (s.synthetic) {
      o.patients = s.synthetic->records;
      o.appointments_per_patient = s.synthetic->appointments_per_patient;
      o.notes_per_patient = s.synthetic->notes_per_patient;
      o.seed = s.synthetic->seed;
    }
    return connectors::NewSyntheticSource(o);
  }
  return InvalidArgument("source kind " + s.kind + " is not supported");
}

}  // namespace bridgework::cli
