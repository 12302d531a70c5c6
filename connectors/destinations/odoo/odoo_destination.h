// The Odoo destination (16, 17, 18): XML-RPC through OdooRpc, idempotent upserts through Odoo's
// `load` with external ids, adaptive batches with bisection of refused batches, read-back and
// revert. docs/destination-odoo.md explains the choices (why `load`, the external-id module, the
// state-code look-up key, the payment wizard path, what revert does).
//
// Thread contract: safe to call from several threads at once (caches and batch sizes are
// guarded; each call is independent on the wire).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"
#include "connectors/destination_connector.h"
#include "connectors/destinations/odoo/batch_sizer.h"
#include "connectors/destinations/odoo/odoo_rpc.h"
#include "connectors/http/http_client.h"

namespace bridgework::connectors::odoo {

struct OdooOptions {
  std::string url;       // "https://odoo.example.com"
  std::string database;  // Odoo database name
  std::string user;      // login
  std::string password;  // password or API key; never logged, never in a message
  bool verify_tls = true;
  std::string ca_file;
  Duration call_timeout = std::chrono::seconds(150);    // above Odoo's 120 s limit_time_real
  Duration retry_deadline = std::chrono::seconds(300);  // transient retries of one batch
  Duration first_backoff = std::chrono::milliseconds(100);
  Duration max_backoff = std::chrono::seconds(10);
  BatchSizerOptions batch;
  int64_t max_attachment_bytes = 25 * 1024 * 1024;  // decoded size; larger files fail, reported
  // ir.model.data module of the migration's external ids; empty: "bw_" + the migration name
  // made safe. It must not be an installed module's name (checked before the first write).
  std::string module;
  // Models Discover describes (fields_get); empty: every model the seed maps use.
  std::vector<std::string> models;
  Clock* clock = nullptr;      // null: the real clock
  HttpClient* http = nullptr;  // null: an own libcurl client; else must outlive the connector
};

class OdooDestination : public DestinationConnector {
 public:
  explicit OdooDestination(OdooOptions options);
  ~OdooDestination() override;

  StatusOr<DestinationSchema> Discover() override;
  StatusOr<std::vector<SchemaItemResult>> ApplySchema(const SchemaPlan& plan) override;
  StatusOr<std::vector<DestinationUser>> ListUsers() override;
  // Special keys: res.country.state by "code" takes "<country code>/<state code>" ("US/CA");
  // res.users by "email" or "login" matches either field (case-insensitive).
  StatusOr<std::map<std::string, std::string>> LookupByField(
      const std::string& model, const std::string& field,
      const std::vector<std::string>& values) override;
  StatusOr<std::vector<WriteOutcome>> Upsert(const std::string& migration,
                                             const std::vector<TargetRecord>& records) override;
  StatusOr<std::map<std::string, std::string>> FindByKeys(
      const std::string& migration, const std::string& model,
      const std::vector<std::string>& keys) override;
  StatusOr<std::vector<StoredRecord>> Read(const std::string& model,
                                           const std::vector<std::string>& ids,
                                           const std::vector<std::string>& fields) override;
  StatusOr<std::vector<RevertOutcome>> Revert(const std::string& migration,
                                              const std::vector<ManifestEntry>& entries) override;

  // --- Odoo-specific, for the CLI and the engine ---

  // Of `models`, those this database cannot take (their module is not installed), with the
  // module that provides each ("account.move" -> "account"). Call before any write; the map's
  // fallback for that module applies.
  StatusOr<std::map<std::string, std::string>> UnavailableModels(
      const std::vector<std::string>& models);
  // The seam's DropCustomFields (`rollback --drop-custom-fields`): drops custom (manual, x_)
  // fields ("dropped", "already-gone" or "failed" per field). Only fields with state 'manual'
  // are touched.
  StatusOr<std::vector<SchemaItemResult>> DropCustomFields(
      const std::vector<CustomFieldSpec>& fields) override;
  // The ir.model.data module and full external id of a record key within a migration.
  std::string ModuleFor(const std::string& migration) const;
  std::string ExternalId(const std::string& migration, const std::string& key) const;
  // The module that provides a model ("crm.lead" -> "crm"); "" when it is in base.
  static std::string ModuleOfModel(const std::string& model);

 private:
  struct Item;

  StatusOr<int64_t> Uid();
  // execute_kw with retries of transient failures (reads and idempotent calls only).
  StatusOr<Json> Execute(const std::string& model, const std::string& method, const Json& args,
                         const Json& kwargs = Json::object(), bool retry = true);
  StatusOr<Json> ExecuteOnce(const std::string& model, const std::string& method, const Json& args,
                             const Json& kwargs);
  Json WriteContext() const;
  StatusOr<std::map<std::string, FieldInfo>> Fields(const std::string& model, bool refresh = false);
  StatusOr<int64_t> ModelId(const std::string& model);
  StatusOr<std::set<std::string>> InstalledModules();
  StatusOr<std::vector<int64_t>> Existing(const std::string& model,
                                          const std::vector<int64_t>& ids);
  Status CheckModule(const std::string& module);
  void Sleep(Duration d);

  // Upsert helpers (odoo_upsert.cc).
  Status LoadItems(const std::string& model, std::vector<Item*> items, TimePoint deadline);
  Status PostInvoices(std::vector<Item*> items, TimePoint deadline);
  Status RegisterPayment(const std::string& migration, Item* item);

  OdooOptions options_;
  std::unique_ptr<HttpClient> own_http_;
  std::unique_ptr<OdooRpc> rpc_;
  Clock* clock_;
  BatchSizer sizer_;

  std::mutex mu_;  // guards everything below
  std::optional<int64_t> uid_;
  std::map<std::string, std::map<std::string, FieldInfo>> fields_;
  std::map<std::string, int64_t> model_ids_;
  std::optional<std::set<std::string>> modules_;
  std::set<std::string> checked_modules_;
  std::map<std::string, std::string> lookup_cache_;  // "model|field|value" -> id
};

std::unique_ptr<OdooDestination> NewOdooDestination(OdooOptions options);

}  // namespace bridgework::connectors::odoo
