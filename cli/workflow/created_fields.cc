#include "cli/workflow/created_fields.h"

#include <set>
#include <utility>

namespace bridgework::cli::workflow {

using connectors::CustomFieldSpec;
using connectors::SchemaItemResult;

namespace {

std::string What(const CustomFieldSpec& f) { return "field " + f.model + "." + f.name; }

StatusOr<std::vector<CustomFieldSpec>> ReadFields(state::StateStore* store,
                                                  const std::string& migration, const char* name) {
  BW_ASSIGN_OR_RETURN(std::optional<std::string> text, store->GetValue(migration, name));
  auto fields = CreatedFieldsFromJson(text.value_or(""));
  if (!fields.ok()) return fields.status().Annotate(name);
  return fields;
}

Status WriteFields(state::StateStore* store, const std::string& migration, const char* name,
                   const std::vector<CustomFieldSpec>& fields) {
  return store->SetValue(migration, name, CreatedFieldsToJson(fields).dump());
}

// Adds `fields` to the migration's created list.
Status RecordCreated(state::StateStore* store, const std::string& migration,
                     const std::vector<CustomFieldSpec>& fields) {
  if (fields.empty()) return Status::Ok();
  BW_ASSIGN_OR_RETURN(std::vector<CustomFieldSpec> have,
                      ReadFields(store, migration, kCreatedFieldsValue));
  return WriteFields(store, migration, kCreatedFieldsValue,
                     MergeCreatedFields(std::move(have), fields));
}

}  // namespace

StatusOr<std::vector<CustomFieldSpec>> BeginFieldCreation(
    state::StateStore* store, const std::string& migration,
    const std::vector<CustomFieldSpec>& to_create,
    const std::set<std::pair<std::string, std::string>>& present) {
  BW_ASSIGN_OR_RETURN(std::vector<CustomFieldSpec> pending,
                      ReadFields(store, migration, kPendingFieldsValue));
  std::vector<CustomFieldSpec> made;
  for (const auto& f : pending) {
    if (present.count({f.model, f.name})) made.push_back(f);
  }
  BW_RETURN_IF_ERROR(RecordCreated(store, migration, made));
  BW_RETURN_IF_ERROR(WriteFields(store, migration, kPendingFieldsValue, to_create));
  return made;
}

Status FinishFieldCreation(state::StateStore* store, const std::string& migration,
                           const std::vector<CustomFieldSpec>& to_create,
                           const std::vector<CustomFieldSpec>& created) {
  BW_RETURN_IF_ERROR(RecordCreated(store, migration, created));
  std::set<std::pair<std::string, std::string>> done;
  for (const auto& f : created) done.insert({f.model, f.name});
  std::vector<CustomFieldSpec> still;
  for (const auto& f : to_create) {
    if (!done.count({f.model, f.name})) still.push_back(f);
  }
  return WriteFields(store, migration, kPendingFieldsValue, still);
}

std::vector<CustomFieldSpec> CreatedFields(const std::vector<CustomFieldSpec>& planned,
                                           const std::vector<SchemaItemResult>& results) {
  std::set<std::string> created;
  for (const auto& r : results) {
    if (r.action == "created") created.insert(r.what);
  }
  std::vector<CustomFieldSpec> out;
  for (const auto& f : planned) {
    if (created.count(What(f))) out.push_back(f);
  }
  return out;
}

std::vector<CustomFieldSpec> MergeCreatedFields(std::vector<CustomFieldSpec> have,
                                                const std::vector<CustomFieldSpec>& add) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& f : have) seen.insert({f.model, f.name});
  for (const auto& f : add) {
    if (seen.insert({f.model, f.name}).second) have.push_back(f);
  }
  return have;
}

Json CreatedFieldsToJson(const std::vector<CustomFieldSpec>& fields) {
  Json out = Json::array();
  for (const auto& f : fields) {
    Json options = Json::array();
    for (const auto& [value, label] : f.options) options.push_back({value, label});
    out.push_back({{"model", f.model},
                   {"name", f.name},
                   {"type", f.type},
                   {"label", f.label},
                   {"relation", f.relation},
                   {"options", options}});
  }
  return out;
}

Json FieldNames(const std::vector<CustomFieldSpec>& fields) {
  Json out = Json::array();
  for (const auto& f : fields) out.push_back(f.model + "." + f.name);
  return out;
}

StatusOr<std::vector<CustomFieldSpec>> CreatedFieldsFromJson(const std::string& text) {
  std::vector<CustomFieldSpec> out;
  if (text.empty()) return out;
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array()) {
    return DataLoss(std::string(kCreatedFieldsValue) + ": not a JSON array");
  }
  for (const Json& item : doc) {
    if (!item.is_object() || !item.value("model", Json()).is_string() ||
        !item.value("name", Json()).is_string()) {
      return DataLoss(std::string(kCreatedFieldsValue) + ": an entry without model and name");
    }
    CustomFieldSpec f;
    f.model = item["model"].get<std::string>();
    f.name = item["name"].get<std::string>();
    f.type = item.value("type", "");
    f.label = item.value("label", "");
    f.relation = item.value("relation", "");
    for (const Json& o : item.value("options", Json::array())) {
      if (o.is_array() && o.size() == 2 && o[0].is_string() && o[1].is_string()) {
        f.options.emplace_back(o[0].get<std::string>(), o[1].get<std::string>());
      }
    }
    out.push_back(std::move(f));
  }
  return out;
}

Json DropResultsToJson(const std::vector<SchemaItemResult>& results) {
  Json dropped = Json::array(), gone = Json::array(), failed = Json::array();
  for (const auto& r : results) {
    // "field crm.lead.x_date_of_birth" -> "crm.lead.x_date_of_birth"
    const std::string field = r.what.rfind("field ", 0) == 0 ? r.what.substr(6) : r.what;
    if (r.action == "dropped") {
      dropped.push_back(field);
    } else if (r.action == "already-gone") {
      gone.push_back(field);
    } else {
      failed.push_back({{"field", field}, {"error", r.error.ok() ? r.action : r.error.ToString()}});
    }
  }
  return Json{{"supported", true},
              {"requested", results.size()},
              {"dropped", dropped},
              {"already_gone", gone},
              {"failed", failed}};
}

}  // namespace bridgework::cli::workflow
