// Revert for rollback: records a run created are unlinked (with their external ids), records it
// updated get their prior values back. Entries arrive children first. Safe to repeat: a record
// that is gone already is "already-gone".
#include <algorithm>

#include "common/ids.h"
#include "connectors/destinations/odoo/load_table.h"
#include "connectors/destinations/odoo/odoo_destination.h"

namespace bridgework::connectors::odoo {
namespace {

std::string Text(const Json& v) { return v.is_string() ? v.get<std::string>() : ""; }

bool IsId(const std::string& s) { return !s.empty() && std::all_of(s.begin(), s.end(), ::isdigit); }

}  // namespace

StatusOr<std::vector<RevertOutcome>> OdooDestination::Revert(
    const std::string& migration, const std::vector<ManifestEntry>& entries) {
  std::vector<RevertOutcome> outcomes(entries.size());
  const std::string module = ModuleFor(migration);
  for (size_t i = 0; i < entries.size(); ++i) outcomes[i].key = entries[i].key;

  // Consecutive entries of one model and action are reverted together.
  size_t start = 0;
  while (start < entries.size()) {
    size_t end = start + 1;
    while (end < entries.size() && entries[end].model == entries[start].model &&
           entries[end].action == entries[start].action) {
      ++end;
    }
    const std::string& model = entries[start].model;
    std::vector<int64_t> ids;
    for (size_t i = start; i < end; ++i) {
      if (IsId(entries[i].destination_id)) ids.push_back(std::stoll(entries[i].destination_id));
    }
    BW_ASSIGN_OR_RETURN(auto existing_list, Existing(model, ids));
    std::set<int64_t> existing(existing_list.begin(), existing_list.end());

    if (entries[start].action == WriteAction::kCreated) {
      // Newest first: Odoo deletes a posted-before entry only at the end of its sequence chain.
      std::vector<int64_t> to_delete(existing.rbegin(), existing.rend());
      Json id_list = to_delete;
      if (!to_delete.empty()) {
        // Posted entries and payments go back to draft before they can be deleted.
        if (model == "account.move") {
          Json drafts_needed = Json::array();
          BW_ASSIGN_OR_RETURN(
              Json rows, Execute(model, "read", Json::array({id_list}), {{"fields", {"state"}}}));
          for (const auto& row : rows) {
            if (Text(row["state"]) != "draft") drafts_needed.push_back(row["id"]);
          }
          if (!drafts_needed.empty()) {
            Execute(model, "button_draft", Json::array({drafts_needed})).status().IgnoreError();
          }
        } else if (model == "account.payment") {
          Execute(model, "action_draft", Json::array({id_list})).status().IgnoreError();
        }
      }
      std::set<int64_t> failed;
      std::map<int64_t, Status> errors;
      if (!to_delete.empty()) {
        auto all = Execute(model, "unlink", Json::array({id_list}));
        if (!all.ok()) {
          if (all.status().IsTransient()) return all.status();
          for (int64_t id : to_delete) {  // one by one: a refusal names its record
            auto one = Execute(model, "unlink", Json::array({Json::array({id})}));
            if (!one.ok()) {
              if (one.status().IsTransient()) return one.status();
              failed.insert(id);
              errors[id] = one.status();
            }
          }
        }
      }
      // The external ids go too (Odoo removes them with the record; stale ones are removed
      // here, so that a later run starts clean).
      Json names = Json::array();
      for (size_t i = start; i < end; ++i) {
        int64_t id = IsId(entries[i].destination_id) ? std::stoll(entries[i].destination_id) : 0;
        if (!failed.count(id)) names.push_back(SafeExternalName(entries[i].key));
      }
      if (!names.empty()) {
        Json domain =
            Json::array({Json::array({"module", "=", module}), Json::array({"name", "in", names}),
                         Json::array({"model", "=", model})});
        BW_ASSIGN_OR_RETURN(Json data_ids,
                            Execute("ir.model.data", "search", Json::array({domain})));
        if (!data_ids.empty()) {
          BW_RETURN_IF_ERROR(Execute("ir.model.data", "unlink", Json::array({data_ids})).status());
        }
      }
      for (size_t i = start; i < end; ++i) {
        int64_t id = IsId(entries[i].destination_id) ? std::stoll(entries[i].destination_id) : 0;
        if (failed.count(id)) {
          outcomes[i].action = "failed";
          outcomes[i].error = errors[id];
        } else {
          outcomes[i].action = existing.count(id) ? "deleted" : "already-gone";
        }
      }
    } else if (entries[start].action == WriteAction::kUpdated) {
      BW_ASSIGN_OR_RETURN(auto fields, Fields(model));
      for (size_t i = start; i < end; ++i) {
        int64_t id = IsId(entries[i].destination_id) ? std::stoll(entries[i].destination_id) : 0;
        if (!existing.count(id)) {
          outcomes[i].action = "already-gone";
          continue;
        }
        Json values = ToWriteValues(
            entries[i].prior_values.is_object() ? entries[i].prior_values : Json::object(), fields);
        values.erase("state");  // workflow state is not a plain value
        if (values.empty()) {
          outcomes[i].action = "restored";
          continue;
        }
        auto written = Execute(model, "write", Json::array({Json::array({id}), values}),
                               {{"context", WriteContext()}});
        if (!written.ok()) {
          if (written.status().IsTransient()) return written.status();
          outcomes[i].action = "failed";
          outcomes[i].error = written.status();
        } else {
          outcomes[i].action = "restored";
        }
      }
    } else {
      for (size_t i = start; i < end; ++i) outcomes[i].action = "already-gone";
    }
    start = end;
  }
  return outcomes;
}

}  // namespace bridgework::connectors::odoo
