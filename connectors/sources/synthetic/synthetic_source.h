// The `synthetic` source kind: N generated patients with dependent children (appointments and
// notes that reference them), so the engine is testable and measurable without an export bundle.
// Deterministic: the same options give the same records. (Owned by the engine.)
#pragma once

#include <cstdint>
#include <memory>

#include "connectors/source_connector.h"

namespace bridgework::connectors {

struct SyntheticSourceOptions {
  int64_t patients = 1000;
  int appointments_per_patient = 1;
  int notes_per_patient = 1;
  int64_t seed = 1;
};

std::unique_ptr<SourceConnector> NewSyntheticSource(const SyntheticSourceOptions& options);

}  // namespace bridgework::connectors
