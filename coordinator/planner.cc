#include "coordinator/planner.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace bridgework::coordinator {

StatusOr<Plan> PlanRun(connectors::SourceConnector* source, const mapping::MapFile* map,
                       const PlanOptions& options) {
  BW_ASSIGN_OR_RETURN(connectors::SourceDescription desc, source->Describe());
  std::vector<std::string> objects;
  std::map<std::string, std::vector<std::string>> parents;
  if (map != nullptr) {
    for (const auto& om : map->objects) {
      if (om.targets.empty() && om.fallbacks.empty()) continue;
      if (desc.Find(om.object) == nullptr) {
        return InvalidArgument("map object " + om.object + " is not in the source (" + desc.kind +
                               ")");
      }
      objects.push_back(om.object);
    }
    for (const auto& o : objects) {
      for (const auto& p : map->ParentsOf(o)) {
        if (std::find(objects.begin(), objects.end(), p) != objects.end()) {
          parents[o].push_back(p);
        }
      }
    }
  } else {
    for (const auto& so : desc.objects) objects.push_back(so.name);
    for (const auto& so : desc.objects) {
      for (const auto& r : so.references) {
        if (r.object != so.name && std::find(parents[so.name].begin(), parents[so.name].end(),
                                             r.object) == parents[so.name].end()) {
          parents[so.name].push_back(r.object);
        }
      }
    }
  }

  // Depth-first topological order; depth = 1 + deepest parent.
  std::map<std::string, int> depth;
  std::set<std::string> visiting;
  std::vector<std::string> order;
  std::function<Status(const std::string&)> visit = [&](const std::string& o) -> Status {
    if (depth.count(o)) return Status::Ok();
    if (!visiting.insert(o).second) {
      return InvalidArgument("the map's references form a cycle through " + o);
    }
    int d = 0;
    for (const auto& p : parents[o]) {
      BW_RETURN_IF_ERROR(visit(p));
      d = std::max(d, depth[p] + 1);
    }
    visiting.erase(o);
    depth[o] = d;
    order.push_back(o);
    return Status::Ok();
  };
  for (const auto& o : objects) BW_RETURN_IF_ERROR(visit(o));

  Plan plan;
  plan.run.run_id = options.run_id;
  plan.run.modified_since = options.modified_since;
  if (map != nullptr) plan.run.map_hash = map->content_hash;
  for (const auto& o : order) {
    BW_ASSIGN_OR_RETURN(auto shards, source->PlanShards(o, options.max_shards_per_object));
    state::ObjectPlan op;
    op.object = o;
    op.depth = depth[o];
    op.parents = parents[o];
    op.extract_tasks = static_cast<int64_t>(shards.size());
    for (const auto& s : shards) {
      state::TaskSpec t;
      t.id = state::ExtractTaskId(o, s.index);
      t.kind = state::TaskKind::kExtract;
      t.object = o;
      t.shard_index = s.index;
      t.shard_count = s.count;
      t.shard_token = s.token;
      t.depth = op.depth;
      plan.extract_tasks.push_back(std::move(t));
    }
    plan.run.objects.push_back(std::move(op));
  }
  return plan;
}

}  // namespace bridgework::coordinator
