// Schema planning (`bridgework schema plan` / `schema apply`): compares what a map needs with the
// destination's live schema. Custom fields (map.custom_fields) and named records (map.records:
// activity types, categories, stages, teams, utm sources, companies) are listed as present or
// missing; target models whose module is not installed are listed with the fallback the map
// applies instead. Pure: the caller discovers the schema and looks the named records up.
//
// Thread contract: functions are pure and thread-compatible.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/record.h"
#include "connectors/destination_connector.h"
#include "mapping/map_model.h"

namespace bridgework::cli::workflow {

struct SchemaPlanItem {
  std::string kind;  // "field", "record", "model"
  std::string model;
  std::string name;    // field or record name; for "model": the source object
  std::string status;  // "exists", "missing", "unavailable" (model whose module is missing)
  std::string detail;  // type, or for "unavailable" what the map does instead
  std::string id;      // existing record's destination id
};

struct SchemaPlanReport {
  std::string destination_kind, destination_version;
  bool schema_known = true;  // false: the destination reports no models (null, memory)
  std::vector<SchemaPlanItem> items;
  connectors::SchemaPlan to_create;  // what `schema apply` creates

  int Count(const std::string& status) const;
  Json ToJson() const;
  std::string ToHtml() const;
};

// `existing_records`: model -> record name -> destination id, for the names LookupByField found.
SchemaPlanReport PlanSchema(
    const mapping::MapFile& map, const connectors::DestinationSchema& schema,
    const std::map<std::string, std::map<std::string, std::string>>& existing_records);

// Names of the map's records grouped by model (what to look up before planning).
std::map<std::string, std::vector<std::string>> RecordNamesByModel(const mapping::MapFile& map);

// schema-apply.json content from ApplySchema's results.
Json ApplyResultsToJson(const std::vector<connectors::SchemaItemResult>& results);

}  // namespace bridgework::cli::workflow
