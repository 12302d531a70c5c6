// The Mapper applies a map to source records. It is pure: the same map and record always give
// the same targets. References are left unresolved (Reference entries in each TargetRecord);
// the load worker fills them from the id map before writing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "mapping/map_model.h"

namespace bridgework::mapping {

struct MapResult {
  std::vector<TargetRecord> targets;  // in the map's target order (siblings first)
  std::vector<RowError> errors;       // a record with errors has no targets
};

class Mapper {
 public:
  // Fails when the map names an unknown transform or a target with no fields.
  static StatusOr<std::unique_ptr<Mapper>> Create(MapFile map);

  MapResult Apply(const SourceRecord& record) const;
  const MapFile& map() const { return map_; }

 private:
  explicit Mapper(MapFile map) : map_(std::move(map)) {}
  MapFile map_;
};

// Reads and checks a map file; unknown keys fail with their path.
StatusOr<MapFile> LoadMapFile(const std::string& path);
StatusOr<MapFile> ParseMapFile(const std::string& yaml_text);

}  // namespace bridgework::mapping
