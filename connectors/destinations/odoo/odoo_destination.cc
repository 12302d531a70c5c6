// Session, schema, look-ups and read-back of the Odoo destination. Writes are in odoo_upsert.cc,
// revert in odoo_revert.cc.
#include "connectors/destinations/odoo/odoo_destination.h"

#include <algorithm>
#include <cctype>

#include "common/ids.h"
#include "common/logging.h"

namespace bridgework::connectors::odoo {
namespace {

// Models of the seed maps (DESIGN.md section 5), described by Discover by default.
const std::vector<std::string>& DefaultModels() {
  static const std::vector<std::string> kModels = {
      "res.partner",        "res.partner.category", "res.users",       "res.company",
      "res.country",        "res.country.state",    "crm.lead",        "crm.team",
      "crm.stage",          "utm.source",           "utm.medium",      "mail.activity",
      "mail.activity.type", "mail.message",         "calendar.event",  "ir.attachment",
      "account.move",       "account.move.line",    "account.payment", "account.journal"};
  return kModels;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

std::string IdText(const Json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_array() && !v.empty() && v[0].is_number_integer())
    return std::to_string(v[0].get<int64_t>());
  return "";
}

std::string Text(const Json& v) { return v.is_string() ? v.get<std::string>() : ""; }

}  // namespace

OdooDestination::OdooDestination(OdooOptions options)
    : options_(std::move(options)),
      clock_(options_.clock ? options_.clock : Clock::Real()),
      sizer_(options_.batch) {
  HttpClient* http = options_.http;
  if (!http) {
    HttpClientOptions http_options;
    http_options.verify_tls = options_.verify_tls;
    http_options.ca_file = options_.ca_file;
    own_http_ = NewCurlHttpClient(http_options);
    http = own_http_.get();
  }
  rpc_ = NewXmlRpc(http, options_.url, options_.call_timeout);
}

OdooDestination::~OdooDestination() = default;

std::unique_ptr<OdooDestination> NewOdooDestination(OdooOptions options) {
  return std::make_unique<OdooDestination>(std::move(options));
}

void OdooDestination::Sleep(Duration d) { clock_->SleepFor(d); }

std::string OdooDestination::ModuleFor(const std::string& migration) const {
  if (!options_.module.empty()) return options_.module;
  std::string module = "bw_";
  for (char c : Lower(migration)) {
    bool ok = std::isalnum(static_cast<unsigned char>(c));
    if (ok) {
      module.push_back(c);
    } else if (module.back() != '_') {
      module.push_back('_');
    }
  }
  return module;
}

std::string OdooDestination::ExternalId(const std::string& migration,
                                        const std::string& key) const {
  return ModuleFor(migration) + "." + SafeExternalName(key);
}

std::string OdooDestination::ModuleOfModel(const std::string& model) {
  static const std::vector<std::pair<std::string, std::string>> kPrefixes = {
      {"account.", "account"},
      {"calendar.", "calendar"},
      {"crm.", "crm"},
      {"utm.", "utm"},
      {"mail.", "mail"}};
  for (const auto& [prefix, module] : kPrefixes) {
    if (model.rfind(prefix, 0) == 0) return module;
  }
  return "";
}

StatusOr<int64_t> OdooDestination::Uid() {
  {
    std::lock_guard lock(mu_);
    if (uid_) return *uid_;
  }
  Json args = {options_.database, options_.user, options_.password, Json::object()};
  StatusOr<Json> result = rpc_->Call("common", "authenticate", args);
  for (Duration backoff = options_.first_backoff; !result.ok() && result.status().IsTransient();
       backoff = std::min(backoff * 2, options_.max_backoff)) {
    if (backoff > options_.max_backoff) break;
    Sleep(backoff);
    result = rpc_->Call("common", "authenticate", args);
    if (backoff == options_.max_backoff) break;
  }
  if (!result.ok()) {
    if (result.status().code() == StatusCode::kPermissionDenied ||
        result.status().code() == StatusCode::kInvalidArgument) {
      return PermissionDenied("odoo: login refused for user '" + options_.user + "' on database '" +
                              options_.database + "': " + result.status().message());
    }
    return result.status().Annotate("odoo: authenticate");
  }
  if (!result->is_number_integer()) {
    return PermissionDenied("odoo: login refused for user '" + options_.user + "' on database '" +
                            options_.database + "' (wrong password or API key, or no such user)");
  }
  std::lock_guard lock(mu_);
  uid_ = result->get<int64_t>();
  return *uid_;
}

StatusOr<Json> OdooDestination::ExecuteOnce(const std::string& model, const std::string& method,
                                            const Json& args, const Json& kwargs) {
  BW_ASSIGN_OR_RETURN(int64_t uid, Uid());
  Json call = {options_.database, uid, options_.password, model, method, args, kwargs};
  return rpc_->Call("object", "execute_kw", call);
}

StatusOr<Json> OdooDestination::Execute(const std::string& model, const std::string& method,
                                        const Json& args, const Json& kwargs, bool retry) {
  TimePoint deadline = clock_->Now() + options_.retry_deadline;
  Duration backoff = options_.first_backoff;
  while (true) {
    StatusOr<Json> result = ExecuteOnce(model, method, args, kwargs);
    if (result.ok() || !retry || !result.status().IsTransient() ||
        clock_->Now() + backoff > deadline) {
      if (!result.ok()) return result.status().Annotate(model + "." + method);
      return result;
    }
    Sleep(backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

Json OdooDestination::WriteContext() const {
  return {{"tracking_disable", true},
          {"mail_create_nolog", true},
          {"mail_create_nosubscribe", true},
          {"mail_notrack", true},
          {"mail_auto_subscribe_no_notify", true},
          {"mail_activity_quick_update", true},
          {"no_mail_to_attendees", true},
          {"tz", "UTC"}};
}

StatusOr<std::map<std::string, FieldInfo>> OdooDestination::Fields(const std::string& model,
                                                                   bool refresh) {
  if (!refresh) {
    std::lock_guard lock(mu_);
    auto it = fields_.find(model);
    if (it != fields_.end()) return it->second;
  }
  Json kwargs = {{"attributes", {"string", "type", "required", "relation", "selection"}}};
  BW_ASSIGN_OR_RETURN(Json result, Execute(model, "fields_get", Json::array(), kwargs));
  std::map<std::string, FieldInfo> fields;
  for (const auto& [name, attrs] : result.items()) {
    FieldInfo f;
    f.name = name;
    f.type = Text(attrs.value("type", Json()));
    f.label = Text(attrs.value("string", Json()));
    f.relation = Text(attrs.value("relation", Json()));
    f.required = attrs.value("required", Json(false)).is_boolean() &&
                 attrs.value("required", Json(false)).get<bool>();
    f.custom = name.rfind("x_", 0) == 0;
    const Json selection = attrs.value("selection", Json());
    if (selection.is_array()) {
      for (const auto& option : selection) {
        if (option.is_array() && !option.empty() && option[0].is_string()) {
          f.selection.push_back(option[0].get<std::string>());
        }
      }
    }
    fields.emplace(name, std::move(f));
  }
  std::lock_guard lock(mu_);
  fields_[model] = fields;
  return fields;
}

StatusOr<int64_t> OdooDestination::ModelId(const std::string& model) {
  {
    std::lock_guard lock(mu_);
    auto it = model_ids_.find(model);
    if (it != model_ids_.end()) return it->second;
  }
  BW_ASSIGN_OR_RETURN(Json rows,
                      Execute("ir.model", "search_read",
                              Json::array({Json::array({Json::array({"model", "=", model})})}),
                              {{"fields", {"id"}}, {"limit", 1}}));
  if (!rows.is_array() || rows.empty()) return NotFound("odoo: model " + model + " does not exist");
  int64_t id = rows[0]["id"].get<int64_t>();
  std::lock_guard lock(mu_);
  model_ids_[model] = id;
  return id;
}

StatusOr<std::set<std::string>> OdooDestination::InstalledModules() {
  {
    std::lock_guard lock(mu_);
    if (modules_) return *modules_;
  }
  BW_ASSIGN_OR_RETURN(
      Json rows, Execute("ir.module.module", "search_read",
                         Json::array({Json::array({Json::array({"state", "=", "installed"})})}),
                         {{"fields", {"name"}}}));
  std::set<std::string> modules;
  for (const auto& row : rows) modules.insert(Text(row["name"]));
  std::lock_guard lock(mu_);
  modules_ = modules;
  return modules;
}

Status OdooDestination::CheckModule(const std::string& module) {
  {
    std::lock_guard lock(mu_);
    if (checked_modules_.count(module)) return Status::Ok();
  }
  // Any module Odoo knows, installed or not: one installed later would own (and on upgrade
  // delete) records under its name, and `load` under import_file refuses such prefixes.
  BW_ASSIGN_OR_RETURN(Json found,
                      Execute("ir.module.module", "search_count",
                              Json::array({Json::array({Json::array({"name", "=", module})})})));
  if (found.is_number_integer() && found.get<int64_t>() > 0) {
    return FailedPrecondition("odoo: external-id module '" + module +
                              "' is the name of an Odoo module; records under it would be "
                              "deleted when that module is upgraded. Choose another module name.");
  }
  std::lock_guard lock(mu_);
  checked_modules_.insert(module);
  return Status::Ok();
}

StatusOr<std::vector<int64_t>> OdooDestination::Existing(const std::string& model,
                                                         const std::vector<int64_t>& ids) {
  std::vector<int64_t> found;
  if (ids.empty()) return found;
  Json id_list = ids;
  BW_ASSIGN_OR_RETURN(
      Json result,
      Execute(model, "search", Json::array({Json::array({Json::array({"id", "in", id_list})})}),
              {{"context", {{"active_test", false}}}}));
  for (const auto& id : result) found.push_back(id.get<int64_t>());
  return found;
}

StatusOr<DestinationSchema> OdooDestination::Discover() {
  DestinationSchema schema;
  schema.kind = "odoo";
  BW_ASSIGN_OR_RETURN(Json version, rpc_->Call("common", "version", Json::array()));
  schema.version = Text(version.value("server_version", Json()));
  BW_ASSIGN_OR_RETURN(schema.modules, InstalledModules());
  const auto& models = options_.models.empty() ? DefaultModels() : options_.models;
  BW_ASSIGN_OR_RETURN(auto missing, UnavailableModels(models));
  for (const auto& model : models) {
    if (missing.count(model)) continue;
    BW_ASSIGN_OR_RETURN(auto fields, Fields(model, /*refresh=*/true));
    ModelInfo info;
    info.name = model;
    info.fields = std::move(fields);
    schema.models.emplace(model, std::move(info));
  }
  return schema;
}

StatusOr<std::map<std::string, std::string>> OdooDestination::UnavailableModels(
    const std::vector<std::string>& models) {
  Json list = models;
  BW_ASSIGN_OR_RETURN(Json rows,
                      Execute("ir.model", "search_read",
                              Json::array({Json::array({Json::array({"model", "in", list})})}),
                              {{"fields", {"model"}}}));
  std::set<std::string> present;
  for (const auto& row : rows) present.insert(Text(row["model"]));
  std::map<std::string, std::string> missing;
  for (const auto& model : models) {
    if (!present.count(model)) missing[model] = ModuleOfModel(model);
  }
  return missing;
}

StatusOr<std::vector<SchemaItemResult>> OdooDestination::ApplySchema(const SchemaPlan& plan) {
  std::vector<SchemaItemResult> results;
  for (const auto& spec : plan.fields) {
    SchemaItemResult r;
    r.what = "field " + spec.model + "." + spec.name;
    auto fields = Fields(spec.model, /*refresh=*/true);
    if (!fields.ok()) {
      r.action = "failed";
      r.error = fields.status();
      results.push_back(std::move(r));
      continue;
    }
    auto existing = fields->find(spec.name);
    if (existing != fields->end()) {
      r.action = existing->second.type == spec.type ? "exists" : "failed";
      if (r.action == "failed") {
        r.error = FailedPrecondition(r.what + " exists with type " + existing->second.type +
                                     ", the map needs " + spec.type);
      }
      results.push_back(std::move(r));
      continue;
    }
    if (spec.name.rfind("x_", 0) != 0) {
      r.action = "failed";
      r.error = InvalidArgument(r.what + ": custom fields must have a name that starts with 'x_'");
      results.push_back(std::move(r));
      continue;
    }
    auto model_id = ModelId(spec.model);
    if (!model_id.ok()) {
      r.action = "failed";
      r.error = model_id.status();
      results.push_back(std::move(r));
      continue;
    }
    Json vals = {{"model_id", *model_id},
                 {"name", spec.name},
                 {"field_description", spec.label.empty() ? spec.name : spec.label},
                 {"ttype", spec.type},
                 {"state", "manual"}};
    if (spec.type == "many2one") vals["relation"] = spec.relation;
    if (spec.type == "selection") {
      Json options = Json::array();
      int sequence = 1;
      for (const auto& [value, label] : spec.options) {
        options.push_back(Json::array({0,
                                       0,
                                       {{"value", value},
                                        {"name", label.empty() ? value : label},
                                        {"sequence", sequence++}}}));
      }
      vals["selection_ids"] = options;
    }
    auto created = Execute("ir.model.fields", "create", Json::array({vals}), Json::object(),
                           /*retry=*/false);
    if (!created.ok()) {
      r.action = "failed";
      r.error = created.status();
    } else {
      r.action = "created";
      r.id = IdText(*created);
    }
    {
      std::lock_guard lock(mu_);
      fields_.erase(spec.model);
    }
    results.push_back(std::move(r));
  }
  for (const auto& spec : plan.records) {
    SchemaItemResult r;
    r.what = "record " + spec.model + " '" + spec.name + "'";
    Json domain = Json::array({Json::array({"name", "=", spec.name})});
    auto found = Execute(spec.model, "search", Json::array({domain}),
                         {{"limit", 1}, {"context", {{"active_test", false}}}});
    if (!found.ok()) {
      r.action = "failed";
      r.error = found.status();
    } else if (!found->empty()) {
      r.action = "exists";
      r.id = IdText((*found)[0]);
    } else {
      Json vals = spec.values.is_object() ? spec.values : Json::object();
      vals["name"] = spec.name;
      auto created = Execute(spec.model, "create", Json::array({vals}),
                             {{"context", WriteContext()}}, /*retry=*/false);
      if (!created.ok()) {
        r.action = "failed";
        r.error = created.status();
      } else {
        r.action = "created";
        r.id = IdText(*created);
      }
    }
    results.push_back(std::move(r));
  }
  return results;
}

StatusOr<std::vector<SchemaItemResult>> OdooDestination::DropCustomFields(
    const std::vector<CustomFieldSpec>& fields) {
  std::vector<SchemaItemResult> results;
  for (const auto& spec : fields) {
    SchemaItemResult r;
    r.what = "field " + spec.model + "." + spec.name;
    Json domain =
        Json::array({Json::array({"model", "=", spec.model}), Json::array({"name", "=", spec.name}),
                     Json::array({"state", "=", "manual"})});
    auto found = Execute("ir.model.fields", "search", Json::array({domain}));
    if (!found.ok()) {
      r.action = "failed";
      r.error = found.status();
    } else if (found->empty()) {
      r.action = "already-gone";
    } else {
      r.id = IdText((*found)[0]);
      auto dropped = Execute("ir.model.fields", "unlink", Json::array({*found}));
      r.action = dropped.ok() ? "dropped" : "failed";
      if (!dropped.ok()) r.error = dropped.status();
    }
    {
      std::lock_guard lock(mu_);
      fields_.erase(spec.model);
    }
    results.push_back(std::move(r));
  }
  return results;
}

StatusOr<std::vector<DestinationUser>> OdooDestination::ListUsers() {
  BW_ASSIGN_OR_RETURN(Json rows, Execute("res.users", "search_read", Json::array({Json::array()}),
                                         {{"fields", {"name", "login", "email"}}}));
  std::vector<DestinationUser> users;
  for (const auto& row : rows) {
    DestinationUser u;
    u.id = IdText(row["id"]);
    u.name = Text(row.value("name", Json()));
    u.email = Text(row.value("email", Json()));
    if (u.email.empty()) u.email = Text(row.value("login", Json()));
    users.push_back(std::move(u));
  }
  return users;
}

StatusOr<std::map<std::string, std::string>> OdooDestination::LookupByField(
    const std::string& model, const std::string& field, const std::vector<std::string>& values) {
  std::map<std::string, std::string> found;
  std::vector<std::string> wanted;
  {
    std::lock_guard lock(mu_);
    for (const auto& v : values) {
      auto it = lookup_cache_.find(model + "|" + field + "|" + v);
      if (it != lookup_cache_.end()) {
        found[v] = it->second;
      } else if (std::find(wanted.begin(), wanted.end(), v) == wanted.end()) {
        wanted.push_back(v);
      }
    }
  }
  if (wanted.empty()) return found;
  std::map<std::string, std::string> fresh;
  if (model == "res.country.state" && field == "code") {
    // Keys "US/CA": the state's code within the country with that ISO code.
    std::set<std::string> countries;
    std::vector<std::string> codes;
    for (const auto& v : wanted) {
      size_t slash = v.find('/');
      if (slash != std::string::npos) {
        countries.insert(v.substr(0, slash));
        codes.push_back(v.substr(slash + 1));
      } else {
        codes.push_back(v);
      }
    }
    std::vector<std::string> country_list(countries.begin(), countries.end());
    BW_ASSIGN_OR_RETURN(auto country_ids, LookupByField("res.country", "code", country_list));
    std::map<int64_t, std::string> country_code;
    for (const auto& [code, id] : country_ids) country_code[std::stoll(id)] = code;
    Json code_list = codes;
    BW_ASSIGN_OR_RETURN(
        Json rows, Execute(model, "search_read",
                           Json::array({Json::array({Json::array({"code", "in", code_list})})}),
                           {{"fields", {"code", "country_id"}}}));
    std::map<std::string, int> bare_matches;
    for (const auto& row : rows) {
      std::string code = Text(row["code"]);
      std::string country_id = IdText(row["country_id"]);
      std::string id = IdText(row["id"]);
      if (!country_id.empty()) {
        auto it = country_code.find(std::stoll(country_id));
        if (it != country_code.end()) fresh[it->second + "/" + code] = id;
      }
      // A bare state code resolves only when exactly one country has it.
      if (++bare_matches[code] == 1) {
        fresh[code] = id;
      } else {
        fresh.erase(code);
      }
    }
  } else if (model == "res.users" && (field == "email" || field == "login")) {
    Json list = wanted;
    Json domain =
        Json::array({"|", Json::array({"email", "in", list}), Json::array({"login", "in", list})});
    BW_ASSIGN_OR_RETURN(Json rows, Execute(model, "search_read", Json::array({domain}),
                                           {{"fields", {"email", "login"}}, {"order", "id"}}));
    // Also catches case differences: compare lower-cased.
    std::map<std::string, std::string> by_lower;
    for (const auto& row : rows) {
      for (const char* f : {"login", "email"}) {
        std::string v = Lower(Text(row[f]));
        if (!v.empty()) by_lower.emplace(v, IdText(row["id"]));
      }
    }
    for (const auto& v : wanted) {
      auto it = by_lower.find(Lower(v));
      if (it != by_lower.end()) fresh[v] = it->second;
    }
  } else {
    Json list = wanted;
    BW_ASSIGN_OR_RETURN(
        Json rows,
        Execute(model, "search_read",
                Json::array({Json::array({Json::array({field, "in", list})})}),
                {{"fields", {field}}, {"order", "id"}, {"context", {{"active_test", false}}}}));
    for (const auto& row : rows) {
      const Json& v = row[field];
      std::string text = v.is_string() ? v.get<std::string>() : IdText(v);
      fresh.emplace(text, IdText(row["id"]));  // the oldest record wins on duplicates
    }
  }
  std::lock_guard lock(mu_);
  for (const auto& v : wanted) {
    auto it = fresh.find(v);
    if (it == fresh.end()) continue;
    found[v] = it->second;
    lookup_cache_[model + "|" + field + "|" + v] = it->second;
  }
  return found;
}

StatusOr<std::map<std::string, std::string>> OdooDestination::FindByKeys(
    const std::string& migration, const std::string& model, const std::vector<std::string>& keys) {
  std::map<std::string, std::string> found;
  const std::string module = ModuleFor(migration);
  constexpr size_t kChunk = 500;
  for (size_t start = 0; start < keys.size(); start += kChunk) {
    std::map<std::string, std::string> key_of_name;
    Json names = Json::array();
    for (size_t i = start; i < std::min(keys.size(), start + kChunk); ++i) {
      std::string name = SafeExternalName(keys[i]);
      key_of_name[name] = keys[i];
      names.push_back(name);
    }
    Json domain =
        Json::array({Json::array({"module", "=", module}), Json::array({"name", "in", names})});
    BW_ASSIGN_OR_RETURN(Json rows, Execute("ir.model.data", "search_read", Json::array({domain}),
                                           {{"fields", {"name", "model", "res_id"}}}));
    for (const auto& row : rows) {
      if (Text(row["model"]) != model) continue;
      auto it = key_of_name.find(Text(row["name"]));
      if (it != key_of_name.end()) found[it->second] = IdText(row["res_id"]);
    }
  }
  return found;
}

StatusOr<std::vector<StoredRecord>> OdooDestination::Read(const std::string& model,
                                                          const std::vector<std::string>& ids,
                                                          const std::vector<std::string>& fields) {
  BW_ASSIGN_OR_RETURN(auto schema, Fields(model));
  std::vector<int64_t> numeric;
  for (const auto& id : ids) {
    if (!id.empty() && std::all_of(id.begin(), id.end(), ::isdigit))
      numeric.push_back(std::stoll(id));
  }
  BW_ASSIGN_OR_RETURN(auto existing, Existing(model, numeric));
  std::map<int64_t, Json> rows;
  if (!existing.empty()) {
    Json kwargs = {{"context", {{"active_test", false}}}};
    if (!fields.empty()) kwargs["fields"] = fields;
    Json id_list = existing;
    BW_ASSIGN_OR_RETURN(Json result, Execute(model, "read", Json::array({id_list}), kwargs));
    for (const auto& row : result) rows[row["id"].get<int64_t>()] = row;
  }
  std::vector<StoredRecord> out;
  for (const auto& id : ids) {
    StoredRecord record;
    record.destination_id = id;
    auto it = id.empty() || !std::all_of(id.begin(), id.end(), ::isdigit)
                  ? rows.end()
                  : rows.find(std::stoll(id));
    if (it != rows.end()) {
      record.exists = true;
      for (const auto& [name, v] : it->second.items()) {
        if (name == "id") continue;
        auto f = schema.find(name);
        const std::string type = f == schema.end() ? "" : f->second.type;
        if (type == "many2one") {
          record.values[name] = v.is_array() && !v.empty() ? v[0] : Json(nullptr);
        } else if (type != "boolean" && v.is_boolean() && !v.get<bool>()) {
          record.values[name] = nullptr;  // Odoo sends False for every unset value
        } else {
          record.values[name] = v;
        }
      }
    }
    out.push_back(std::move(record));
  }
  return out;
}

}  // namespace bridgework::connectors::odoo
