// What the `sample` and `delta` verbs share: the parts they use (built from the config by the
// verb files, injected by tests), the guards every writing verb passes (map confirmed, owners
// resolved) and a plain scan of one source object.
//
// Thread contract: functions are thread-compatible; the pointers must outlive the call.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "cli/config.h"
#include "cli/engine_run.h"
#include "common/record.h"
#include "common/status.h"
#include "connectors/destination_connector.h"
#include "connectors/source_connector.h"
#include "mapping/map_model.h"
#include "state/state_store.h"

namespace bridgework::cli::sample {

struct VerbEnv {
  // RunEngine (cli/engine_run.h); tests pass the same function.
  std::function<int(const Config&, const EngineRunOptions&)> run_engine;
  connectors::SourceConnector* source = nullptr;            // scans and read-back
  connectors::DestinationConnector* destination = nullptr;  // sample's read-back
  // Tests: the engine's parts and plan source (unset: built from the config).
  workers::PartsFactory engine_parts;
  connectors::SourceConnector* engine_source = nullptr;
};

// The config's map (nullopt when it names none); kInvalidArgument naming the file.
StatusOr<std::optional<mapping::MapFile>> LoadConfigMap(const Config& config);

// FailedPrecondition while an owner is unresolved and no fallback assigns it
// (cli/workflow/owner_matching.h).
Status CheckOwners(const Config& config, const mapping::MapFile* map, state::StateStore* store);

// Calls `fn` for every readable record of `object`, shard by shard (rows the source could not
// read are counted in *row_errors when given).
Status ScanObject(connectors::SourceConnector* source, const std::string& object,
                  const std::function<void(const SourceRecord&)>& fn,
                  int64_t* row_errors = nullptr);

}  // namespace bridgework::cli::sample
