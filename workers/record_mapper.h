// RecordMapper: what a load worker needs from a map: source record -> target records, the order
// of an object's targets, and which target a reference without a tag means. Two kinds: the map
// file's Mapper (mapping/mapper.h), and the identity mapping used when a config names no map
// (each source record becomes one "record" target holding its fields, references taken from
// the source's own description), which lets the engine run and be measured on its own.
//
// Thread contract: Apply and the lookups are const and safe from several threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/source_connector.h"
#include "mapping/mapper.h"

namespace bridgework::workers {

class RecordMapper {
 public:
  virtual ~RecordMapper() = default;
  virtual mapping::MapResult Apply(const SourceRecord& record) const = 0;
  // The object's target tags in map order (siblings are written in this order).
  virtual std::vector<std::string> Tags(const std::string& object) const = 0;
};

std::unique_ptr<RecordMapper> NewMapFileMapper(std::unique_ptr<mapping::Mapper> mapper);
std::unique_ptr<RecordMapper> NewIdentityMapper(const connectors::SourceDescription& source);

}  // namespace bridgework::workers
