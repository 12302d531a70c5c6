// The workspace's live schema, read from the metadata REST API, and the schema plan applied
// through it (custom objects, custom fields, named records). Every step is idempotent: what
// exists with the same name and type is reported "exists" and left alone.
//
// Thread contract: stateless functions over a TwentyApi; safe from several threads.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "connectors/destination_connector.h"
#include "connectors/destinations/twenty/twenty_api.h"

namespace bridgework::connectors::twenty {

// The model name a SchemaPlan uses for a custom object: NamedRecordSpec{model =
// kCustomObjectModel, name = nameSingular, values = {namePlural, labelSingular, labelPlural,
// icon, description}} (docs/destination-twenty.md).
inline constexpr const char* kCustomObjectModel = "metadata/objects";

// Objects and fields with their metadata ids, as the metadata API lists them.
struct WorkspaceMetadata {
  struct Object {
    std::string id;
    std::string name_singular;
    std::string name_plural;
    std::string label_plural;
    std::map<std::string, Json> fields;  // field name -> field metadata
  };
  std::map<std::string, Object> objects;  // by namePlural

  // By plural or singular API name.
  const Object* Find(const std::string& name) const;
};

StatusOr<WorkspaceMetadata> ReadMetadata(TwentyApi& api);

DestinationSchema ToDestinationSchema(const WorkspaceMetadata& metadata);

// The Twenty field type for a map-level type (text, number, date, datetime, boolean, select,
// links, relation...) or a Twenty type name given as such ("EMAILS"); empty when unknown.
std::string TwentyFieldType(const std::string& map_type);

StatusOr<std::vector<SchemaItemResult>> ApplySchemaPlan(TwentyApi& api, const SchemaPlan& plan);

}  // namespace bridgework::connectors::twenty
