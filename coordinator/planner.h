// Planner: turns a source and (optionally) a map into a run plan: the objects in dependency order
// with their depth, and the extract tasks of each object's shards. Edges come from the map's
// references (MapFile::ParentsOf); without a map, from the source's own description.
//
// Thread contract: a pure function of its inputs (plus the source's answers).
#pragma once

#include <string>
#include <vector>

#include "connectors/source_connector.h"
#include "mapping/map_model.h"
#include "state/state_store.h"

namespace bridgework::coordinator {

struct Plan {
  state::RunPlan run;
  std::vector<state::TaskSpec> extract_tasks;
};

struct PlanOptions {
  std::string run_id;
  std::string modified_since;
  int max_shards_per_object = 64;
};

// kInvalidArgument for a dependency cycle (naming its objects) or a map object the source lacks.
StatusOr<Plan> PlanRun(connectors::SourceConnector* source, const mapping::MapFile* map,
                       const PlanOptions& options);

}  // namespace bridgework::coordinator
