#include "connectors/destinations/twenty/twenty_schema.h"

#include <regex>
#include <set>

#include "connectors/destinations/twenty/twenty_values.h"

namespace bridgework::connectors::twenty {
namespace {

std::string Str(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// Every row of a metadata listing (objects or fields), following the cursor when there is one.
StatusOr<std::vector<Json>> ListMetadata(TwentyApi& api, const std::string& what) {
  std::vector<Json> rows;
  std::string cursor;
  for (;;) {
    std::string path = "/rest/metadata/" + what + "?limit=1000";
    if (!cursor.empty()) path += "&starting_after=" + UrlEncode(cursor);
    BW_ASSIGN_OR_RETURN(Json answer, api.Call("GET", path, nullptr, RetryUnknown::kYes));
    const Json* page = DataArray(answer);
    if (page == nullptr) return Internal("GET /rest/metadata/" + what + ": no data array");
    for (const Json& row : *page) rows.push_back(row);
    const Json info = answer.contains("pageInfo") ? answer["pageInfo"] : Json::object();
    std::string next = Str(info, "endCursor");
    if (!info.value("hasNextPage", false) || page->empty() || next.empty() || next == cursor) {
      break;
    }
    cursor = next;
  }
  return rows;
}

bool IsUpperSnake(const std::string& value) {
  static const std::regex kRe("^[A-Z0-9]+(_[A-Z0-9]+)*$");
  return value.size() <= 63 && std::regex_match(value, kRe);
}

Json SelectOptions(const CustomFieldSpec& spec, Status* error) {
  static const char* kColors[] = {"green", "turquoise", "sky",    "blue",   "purple",
                                  "pink",  "red",       "orange", "yellow", "gray"};
  Json options = Json::array();
  int position = 0;
  for (const auto& [value, label] : spec.options) {
    if (!IsUpperSnake(value)) {
      *error = InvalidArgument("option value '" + value +
                               "' must be UPPER_SNAKE_CASE (63 characters at most)");
      return options;
    }
    options.push_back({{"value", value},
                       {"label", label.empty() ? value : label},
                       {"color", kColors[position % 10]},
                       {"position", position}});
    ++position;
  }
  if (options.empty()) *error = InvalidArgument("a select field needs at least one option");
  return options;
}

SchemaItemResult ApplyObject(TwentyApi& api, const WorkspaceMetadata& metadata,
                             const NamedRecordSpec& spec, bool* created) {
  SchemaItemResult r;
  r.what = "object " + spec.name;
  const Json& v = spec.values;
  std::string plural = v.value("namePlural", spec.name + "s");
  if (const auto* existing = metadata.Find(spec.name)) {
    r.action = "exists";
    r.id = existing->id;
    return r;
  }
  if (metadata.Find(plural) != nullptr) {
    r.action = "failed";
    r.error = AlreadyExists("plural name " + plural + " is taken by another object");
    return r;
  }
  Json body = {{"nameSingular", spec.name},
               {"namePlural", plural},
               {"labelSingular", v.value("labelSingular", spec.name)},
               {"labelPlural", v.value("labelPlural", plural)}};
  for (const char* key : {"icon", "description"}) {
    if (v.contains(key)) body[key] = v[key];
  }
  auto answer = api.Call("POST", "/rest/metadata/objects", &body, RetryUnknown::kYes);
  if (!answer.ok()) {
    r.action = "failed";
    r.error = answer.status();
    return r;
  }
  const Json* obj = DataObject(*answer);
  r.action = "created";
  r.id = obj == nullptr ? "" : Str(*obj, "id");
  *created = true;
  return r;
}

SchemaItemResult ApplyField(TwentyApi& api, const WorkspaceMetadata& metadata,
                            const CustomFieldSpec& spec) {
  SchemaItemResult r;
  r.what = "field " + spec.model + "." + spec.name;
  r.action = "failed";
  const WorkspaceMetadata::Object* object = metadata.Find(spec.model);
  if (object == nullptr) {
    r.error = NotFound("object " + spec.model + " does not exist in the workspace");
    return r;
  }
  std::string type = TwentyFieldType(spec.type);
  if (type.empty()) {
    r.error = InvalidArgument("field type " + spec.type + " has no Twenty equivalent");
    return r;
  }
  auto it = object->fields.find(spec.name);
  if (it != object->fields.end()) {
    std::string have = Str(it->second, "type");
    r.id = Str(it->second, "id");
    if (have != type) {
      r.error = AlreadyExists("exists with type " + have + "; the map needs " + type);
      return r;
    }
    if (type == "SELECT" || type == "MULTI_SELECT") {
      std::set<std::string> values;
      if (it->second.contains("options") && it->second["options"].is_array()) {
        for (const Json& o : it->second["options"]) values.insert(Str(o, "value"));
      }
      std::string missing;
      for (const auto& [value, label] : spec.options) {
        if (!values.count(value)) missing += (missing.empty() ? "" : ", ") + value;
      }
      if (!missing.empty()) {
        r.error = FailedPrecondition("exists without the options " + missing);
        return r;
      }
    }
    r.action = "exists";
    return r;
  }
  Json body = {{"objectMetadataId", object->id},
               {"type", type},
               {"name", spec.name},
               {"label", spec.label.empty() ? spec.name : spec.label},
               {"isNullable", true}};
  if (type == "SELECT" || type == "MULTI_SELECT") {
    Status error;
    body["options"] = SelectOptions(spec, &error);
    if (!error.ok()) {
      r.error = error;
      return r;
    }
  }
  if (type == "RELATION") {
    const WorkspaceMetadata::Object* target = metadata.Find(spec.relation);
    if (target == nullptr) {
      r.error = NotFound("relation target " + spec.relation + " does not exist");
      return r;
    }
    // The inverse (one-to-many) field on the target: "People Insurance carrier" ->
    // peopleInsuranceCarrier, so that two relations to one target never clash.
    body["relationCreationPayload"] = {
        {"type", "MANY_TO_ONE"},
        {"targetObjectMetadataId", target->id},
        {"targetFieldLabel",
         object->label_plural + " " + (spec.label.empty() ? spec.name : spec.label)},
        {"targetFieldIcon", "IconLink"}};
  }
  auto answer = api.Call("POST", "/rest/metadata/fields", &body, RetryUnknown::kYes);
  if (!answer.ok()) {
    r.error = answer.status();
    return r;
  }
  const Json* field = DataObject(*answer);
  r.action = "created";
  r.id = field == nullptr ? "" : Str(*field, "id");
  return r;
}

SchemaItemResult ApplyNamedRecord(TwentyApi& api, const NamedRecordSpec& spec) {
  SchemaItemResult r;
  r.what = "record " + spec.model + " '" + spec.name + "'";
  r.action = "failed";
  auto found = api.FindAll(spec.model, "name[eq]:" + Json(spec.name).dump());
  if (!found.ok()) {
    r.error = found.status();
    return r;
  }
  if (!found->empty()) {
    r.action = "exists";
    r.id = Str(found->front(), "id");
    return r;
  }
  Json body = NestDotted(spec.values);
  body["name"] = spec.name;
  auto answer = api.Call("POST", "/rest/" + spec.model, &body, RetryUnknown::kNo);
  if (!answer.ok()) {
    r.error = answer.status();
    return r;
  }
  const Json* created = DataObject(*answer);
  r.action = "created";
  r.id = created == nullptr ? "" : Str(*created, "id");
  return r;
}

}  // namespace

const WorkspaceMetadata::Object* WorkspaceMetadata::Find(const std::string& name) const {
  auto it = objects.find(name);
  if (it != objects.end()) return &it->second;
  for (const auto& [plural, object] : objects) {
    if (object.name_singular == name) return &object;
  }
  return nullptr;
}

StatusOr<WorkspaceMetadata> ReadMetadata(TwentyApi& api) {
  BW_ASSIGN_OR_RETURN(std::vector<Json> objects, ListMetadata(api, "objects"));
  BW_ASSIGN_OR_RETURN(std::vector<Json> fields, ListMetadata(api, "fields"));
  WorkspaceMetadata metadata;
  std::map<std::string, std::string> plural_by_id;
  for (const Json& o : objects) {
    if (o.contains("isActive") && o["isActive"] == false) continue;
    WorkspaceMetadata::Object object;
    object.id = Str(o, "id");
    object.name_singular = Str(o, "nameSingular");
    object.name_plural = Str(o, "namePlural");
    object.label_plural = Str(o, "labelPlural");
    plural_by_id[object.id] = object.name_plural;
    metadata.objects[object.name_plural] = std::move(object);
  }
  for (const Json& f : fields) {
    if (f.contains("isActive") && f["isActive"] == false) continue;
    auto it = plural_by_id.find(Str(f, "objectMetadataId"));
    if (it == plural_by_id.end()) continue;
    metadata.objects[it->second].fields[Str(f, "name")] = f;
  }
  return metadata;
}

DestinationSchema ToDestinationSchema(const WorkspaceMetadata& metadata) {
  std::map<std::string, std::string> plural_by_id;
  for (const auto& [plural, object] : metadata.objects) plural_by_id[object.id] = plural;
  DestinationSchema schema;
  schema.kind = "twenty";
  for (const auto& [plural, object] : metadata.objects) {
    ModelInfo model;
    model.name = plural;
    for (const auto& [name, f] : object.fields) {
      FieldInfo info;
      info.name = name;
      info.type = Str(f, "type");
      info.label = Str(f, "label");
      info.custom = f.value("isCustom", false);
      info.required = f.contains("isNullable") && f["isNullable"] == false &&
                      (!f.contains("defaultValue") || f["defaultValue"].is_null()) &&
                      !f.value("isSystem", false);
      if (f.contains("relation") && f["relation"].is_object()) {
        const Json& rel = f["relation"];
        std::string target =
            rel.contains("targetObjectMetadata") ? Str(rel["targetObjectMetadata"], "id") : "";
        auto it = plural_by_id.find(target);
        if (it != plural_by_id.end()) info.relation = it->second;
      }
      if (f.contains("options") && f["options"].is_array()) {
        for (const Json& o : f["options"]) info.selection.push_back(Str(o, "value"));
      }
      model.fields[name] = std::move(info);
    }
    schema.models[plural] = std::move(model);
  }
  return schema;
}

std::string TwentyFieldType(const std::string& map_type) {
  static const std::map<std::string, std::string> kTypes = {
      {"char", "TEXT"},           {"text", "TEXT"},          {"string", "TEXT"},
      {"html", "TEXT"},           {"integer", "NUMBER"},     {"float", "NUMBER"},
      {"number", "NUMBER"},       {"numeric", "NUMERIC"},    {"boolean", "BOOLEAN"},
      {"date", "DATE"},           {"datetime", "DATE_TIME"}, {"date_time", "DATE_TIME"},
      {"selection", "SELECT"},    {"select", "SELECT"},      {"multi_select", "MULTI_SELECT"},
      {"links", "LINKS"},         {"url", "LINKS"},          {"many2one", "RELATION"},
      {"relation", "RELATION"},   {"emails", "EMAILS"},      {"phones", "PHONES"},
      {"currency", "CURRENCY"},   {"monetary", "CURRENCY"},  {"address", "ADDRESS"},
      {"full_name", "FULL_NAME"}, {"json", "RAW_JSON"},      {"rich_text", "RICH_TEXT_V2"},
      {"uuid", "UUID"},           {"array", "ARRAY"},        {"rating", "RATING"}};
  auto it = kTypes.find(Lower(map_type));
  if (it != kTypes.end()) return it->second;
  for (const auto& [k, v] : kTypes) {
    if (v == map_type) return v;  // a Twenty type name given as such
  }
  return "";
}

StatusOr<std::vector<SchemaItemResult>> ApplySchemaPlan(TwentyApi& api, const SchemaPlan& plan) {
  std::vector<SchemaItemResult> results;
  BW_ASSIGN_OR_RETURN(WorkspaceMetadata metadata, ReadMetadata(api));
  // Objects first, so that fields (and relations) on new custom objects find them.
  bool created = false;
  for (const NamedRecordSpec& spec : plan.records) {
    if (spec.model == kCustomObjectModel)
      results.push_back(ApplyObject(api, metadata, spec, &created));
  }
  if (created) {
    BW_ASSIGN_OR_RETURN(metadata, ReadMetadata(api));
  }
  for (const CustomFieldSpec& spec : plan.fields) {
    results.push_back(ApplyField(api, metadata, spec));
  }
  for (const NamedRecordSpec& spec : plan.records) {
    if (spec.model != kCustomObjectModel) results.push_back(ApplyNamedRecord(api, spec));
  }
  return results;
}

}  // namespace bridgework::connectors::twenty
