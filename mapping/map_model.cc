#include "mapping/map_model.h"

#include <algorithm>

namespace bridgework::mapping {

const ObjectMap* MapFile::Find(const std::string& object) const {
  for (const ObjectMap& o : objects) {
    if (o.object == object) return &o;
  }
  return nullptr;
}

std::vector<std::string> MapFile::ParentsOf(const std::string& object) const {
  std::vector<std::string> out;
  const ObjectMap* o = Find(object);
  if (o == nullptr) return out;
  auto add_from = [&](const std::vector<TargetRule>& targets) {
    for (const TargetRule& t : targets) {
      for (const ReferenceRule& r : t.references) {
        if (r.object.empty() || r.object == object) continue;
        if (std::find(out.begin(), out.end(), r.object) == out.end()) out.push_back(r.object);
      }
    }
  };
  add_from(o->targets);
  for (const Fallback& f : o->fallbacks) add_from(f.targets);
  return out;
}

}  // namespace bridgework::mapping
