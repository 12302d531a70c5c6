// The Mapper applies a map to source records. It is pure: the same map and record always give
// the same targets. References are left unresolved (Reference entries in each TargetRecord);
// the load worker fills them from the id map before writing.
#pragma once

#include <memory>
#include <optional>
#include <set>
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

// What the mapper may know about the destination and the run; both keep it pure.
struct MapperOptions {
  // Installed destination modules; a target whose `module` is missing is replaced by the
  // object's fallback for that module. Unset: every module is taken as installed.
  std::optional<std::set<std::string>> modules;
  // The instant "past" / "upcoming" conditions compare against (ISO-8601 UTC). Empty: the time
  // Create was called (callers that need repeatable output pass the run's start time).
  std::string as_of;
};

class Mapper {
 public:
  // Fails when the map names an unknown transform, a target with no fields, or a condition it
  // cannot parse.
  static StatusOr<std::unique_ptr<Mapper>> Create(MapFile map);
  static StatusOr<std::unique_ptr<Mapper>> Create(MapFile map, MapperOptions options);

  MapResult Apply(const SourceRecord& record) const;
  const MapFile& map() const { return map_; }
  // The targets Apply uses for `object` after fallbacks (empty for unknown objects).
  const std::vector<TargetRule>& EffectiveTargets(const std::string& object) const;
  // The fallbacks that replaced a target because its module is missing ("object: reason").
  const std::vector<std::string>& AppliedFallbacks() const { return applied_fallbacks_; }
  // True when `object` goes to a CSV export instead of the destination: a no_home object, or
  // one whose export_csv fallback applied.
  bool ExportedAsCsv(const std::string& object) const;

 private:
  struct Compiled;
  Mapper(MapFile map, std::shared_ptr<const Compiled> compiled,
         std::vector<std::string> applied_fallbacks);
  MapFile map_;
  std::shared_ptr<const Compiled> compiled_;
  std::vector<std::string> applied_fallbacks_;
};

// Reads and checks a map file; unknown keys fail with their path.
StatusOr<MapFile> LoadMapFile(const std::string& path);
StatusOr<MapFile> ParseMapFile(const std::string& yaml_text);

}  // namespace bridgework::mapping
