#include "cli/workflow/schema_planner.h"

#include <set>

#include "cli/workflow/text_format.h"

namespace bridgework::cli::workflow {

std::map<std::string, std::vector<std::string>> RecordNamesByModel(const mapping::MapFile& map) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& r : map.records) out[r.model].push_back(r.name);
  return out;
}

SchemaPlanReport PlanSchema(
    const mapping::MapFile& map, const connectors::DestinationSchema& schema,
    const std::map<std::string, std::map<std::string, std::string>>& existing_records) {
  SchemaPlanReport p;
  p.destination_kind = schema.kind;
  p.destination_version = schema.version;
  p.schema_known = !schema.models.empty();
  const bool modules_known = !schema.modules.empty();

  // Target models whose module is missing: the object's fallback replaces them.
  std::set<std::string> unavailable_models;
  for (const auto& o : map.objects) {
    for (const auto& t : o.targets) {
      if (t.module.empty() || !modules_known || schema.modules.count(t.module)) continue;
      unavailable_models.insert(t.model);
      std::string instead = "module " + t.module + " is not installed; ";
      const mapping::Fallback* fb = nullptr;
      for (const auto& f : o.fallbacks) {
        if (f.module == t.module) fb = &f;
      }
      if (fb == nullptr) {
        instead += "the map has no fallback: these records are not written";
      } else if (fb->action == "export_csv") {
        instead += "exported as CSV by `report` (" + fb->reason + ")";
      } else if (fb->action == "skip") {
        instead += "skipped (" + fb->reason + ")";
      } else {
        std::string models;
        for (const auto& ft : fb->targets) models += (models.empty() ? "" : ", ") + ft.model;
        instead += "written to " + models + " instead (" + fb->reason + ")";
      }
      p.items.push_back({"model", t.model, o.object, "unavailable", instead, ""});
    }
  }
  for (const auto& f : map.custom_fields) {
    SchemaPlanItem item{"field", f.model, f.name, "missing", f.type, ""};
    if (unavailable_models.count(f.model)) {
      item.status = "unavailable";
      item.detail = "model " + f.model + " is not installed";
    } else if (p.schema_known && schema.FindField(f.model, f.name) != nullptr) {
      item.status = "exists";
    } else {
      p.to_create.fields.push_back(f);
    }
    p.items.push_back(std::move(item));
  }
  for (const auto& r : map.records) {
    SchemaPlanItem item{"record", r.model, r.name, "missing", "", ""};
    auto m = existing_records.find(r.model);
    if (m != existing_records.end()) {
      auto it = m->second.find(r.name);
      if (it != m->second.end()) {
        item.status = "exists";
        item.id = it->second;
      }
    }
    if (item.status == "missing") p.to_create.records.push_back(r);
    p.items.push_back(std::move(item));
  }
  return p;
}

int SchemaPlanReport::Count(const std::string& status) const {
  int n = 0;
  for (const auto& i : items) n += i.status == status;
  return n;
}

Json SchemaPlanReport::ToJson() const {
  Json items_json = Json::array();
  for (const auto& i : items) {
    items_json.push_back({{"kind", i.kind},
                          {"model", i.model},
                          {"name", i.name},
                          {"status", i.status},
                          {"detail", i.detail},
                          {"id", i.id}});
  }
  return Json{{"destination", {{"kind", destination_kind}, {"version", destination_version}}},
              {"schema_known", schema_known},
              {"missing", Count("missing")},
              {"exists", Count("exists")},
              {"unavailable", Count("unavailable")},
              {"fields_to_create", to_create.fields.size()},
              {"records_to_create", to_create.records.size()},
              {"items", items_json}};
}

std::string SchemaPlanReport::ToHtml() const {
  std::string body = "<p>Destination: " + HtmlEscape(destination_kind) + " " +
                     HtmlEscape(destination_version) + ". " + std::to_string(Count("missing")) +
                     " to create, " + std::to_string(Count("exists")) + " present, " +
                     std::to_string(Count("unavailable")) + " unavailable.</p>\n";
  if (!schema_known) {
    body +=
        "<p class=\"warn\">The destination reports no models: every custom field is listed "
        "as missing.</p>\n";
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& i : items) rows.push_back({i.kind, i.model, i.name, i.status, i.detail, i.id});
  body += HtmlTable({"kind", "model", "name", "status", "detail", "id"}, rows);
  return HtmlPage("Schema plan", body);
}

Json ApplyResultsToJson(const std::vector<connectors::SchemaItemResult>& results) {
  Json out = Json::array();
  for (const auto& r : results) {
    out.push_back({{"what", r.what},
                   {"action", r.action},
                   {"id", r.id},
                   {"error", r.error.ok() ? "" : r.error.ToString()}});
  }
  return out;
}

}  // namespace bridgework::cli::workflow
