// Writes: Upsert through `load` (one RPC = one transaction = records and their external ids
// together), adaptive batch size, bisection of refused batches, transient retries; invoices
// posted after loading; payments registered against their invoice through the wizard.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>

#include "common/ids.h"
#include "common/logging.h"
#include "connectors/destinations/odoo/load_table.h"
#include "connectors/destinations/odoo/odoo_destination.h"

namespace bridgework::connectors::odoo {

struct OdooDestination::Item {
  const TargetRecord* record = nullptr;
  WriteOutcome* outcome = nullptr;
  std::string xmlid;
  LoadRecord load;
  bool existed = false;
  bool post = false;  // account.move: post after loading
};

namespace {

std::string Text(const Json& v) { return v.is_string() ? v.get<std::string>() : ""; }

bool IsOverload(const Status& s) {
  return s.code() == StatusCode::kDeadlineExceeded || s.code() == StatusCode::kResourceExhausted ||
         s.code() == StatusCode::kUnavailable;
}

// The decoded size of a base64 text.
int64_t Base64Bytes(const std::string& b64) {
  int64_t n = 0, pad = 0;
  for (char c : b64) {
    if (c == '=') {
      ++pad;
    } else if (c != '\n' && c != '\r') {
      ++n;
    }
  }
  return (n + pad) / 4 * 3 - pad;
}

// calendar.event.stop is required and, on the server, computed from start + duration (one hour
// when none; a second less for an all-day event) unless given (Odoo 17 calendar _compute_stop):
// filled here the same way, so that a map that gives start and duration loads on every server.
// "" when start is unreadable.
std::string EventStop(const Json& values) {
  const std::string start = ToOdooDatetime(Text(values.value("start", Json())));
  if (start.size() < 19) return "";
  std::tm tm{};
  if (std::sscanf(start.c_str(), "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return "";
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  double hours = 1.0;
  const Json duration = values.value("duration", Json());
  if (duration.is_number() && duration.get<double>() > 0) hours = duration.get<double>();
  std::time_t t = timegm(&tm) + static_cast<std::time_t>(std::llround(hours * 60)) * 60;
  if (values.value("allday", Json(false)) == Json(true)) t -= 1;  // as Odoo does
  std::tm out{};
  gmtime_r(&t, &out);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &out);
  return buf;
}

void Fail(WriteOutcome* outcome, Status error) {
  outcome->action = WriteAction::kFailed;
  outcome->error = std::move(error);
}

// "ids": [...] or False, "messages": [{type, message, record, rows: {from, to}, field}].
// Returns per-item messages of type error; `unplaced` gets those that name no row.
std::map<int, std::string> ErrorsByItem(const Json& messages, const LoadTable& table, size_t items,
                                        std::string* unplaced) {
  std::map<int, std::string> errors;
  if (!messages.is_array()) return errors;
  for (const auto& m : messages) {
    if (!m.is_object() || Text(m.value("type", Json())) != "error") continue;
    std::string text = Text(m.value("message", Json()));
    std::string field = Text(m.value("field", Json()));
    if (!field.empty()) text = "field " + field + ": " + text;
    int item = -1;
    const Json rows = m.value("rows", Json());
    if (rows.is_object() && rows.value("from", Json()).is_number_integer()) {
      int row = rows["from"].get<int>();
      if (row >= 0 && row < static_cast<int>(table.record_of_row.size())) {
        item = table.record_of_row[row];
      }
    } else if (m.value("record", Json()).is_number_integer()) {
      int record = m["record"].get<int>();
      if (record >= 0 && record < static_cast<int>(items)) item = record;
    }
    if (item < 0) {
      if (!unplaced->empty()) *unplaced += "; ";
      *unplaced += text;
      continue;
    }
    std::string& e = errors[item];
    if (!e.empty()) e += "; ";
    e += text;
  }
  return errors;
}

}  // namespace

StatusOr<std::vector<WriteOutcome>> OdooDestination::Upsert(
    const std::string& migration, const std::vector<TargetRecord>& records) {
  std::vector<WriteOutcome> outcomes(records.size());
  if (records.empty()) return outcomes;
  const std::string module = ModuleFor(migration);
  BW_RETURN_IF_ERROR(CheckModule(module));
  TimePoint deadline = clock_->Now() + options_.retry_deadline;

  // Records of one call may span models; each model is loaded on its own.
  std::map<std::string, std::vector<size_t>> by_model;
  for (size_t i = 0; i < records.size(); ++i) {
    outcomes[i].key = records[i].Key();
    by_model[records[i].model].push_back(i);
  }
  std::vector<Item> items(records.size());
  for (const auto& [model, indexes] : by_model) {
    auto fields = Fields(model);
    if (!fields.ok()) {
      if (fields.status().code() == StatusCode::kNotFound ||
          fields.status().code() == StatusCode::kInvalidArgument) {
        for (size_t i : indexes) {
          Fail(&outcomes[i], FailedPrecondition("odoo: model " + model + " is not available (" +
                                                fields.status().message() + ")"));
        }
        continue;
      }
      return fields.status();
    }
    // Which keys exist already: created vs updated, and the prior values of updated ones.
    std::vector<std::string> keys;
    for (size_t i : indexes) keys.push_back(outcomes[i].key);
    BW_ASSIGN_OR_RETURN(auto existing, FindByKeys(migration, model, keys));
    std::vector<std::string> existing_ids;
    for (const auto& [key, id] : existing) existing_ids.push_back(id);
    std::set<std::string> written_fields;
    for (size_t i : indexes) {
      for (const auto& [name, v] : records[i].values.items()) {
        auto f = fields->find(name);
        if (f != fields->end() && f->second.type != "one2many") written_fields.insert(name);
      }
    }
    if (model == "account.move") written_fields.insert("state");
    std::map<std::string, StoredRecord> prior;
    if (!existing_ids.empty()) {
      BW_ASSIGN_OR_RETURN(auto stored, Read(model, existing_ids,
                                            std::vector<std::string>(written_fields.begin(),
                                                                     written_fields.end())));
      for (auto& s : stored) prior[s.destination_id] = std::move(s);
    }

    std::vector<Item*> to_load, to_post, payments;
    for (size_t i : indexes) {
      Item& item = items[i];
      item.record = &records[i];
      item.outcome = &outcomes[i];
      item.xmlid = module + "." + SafeExternalName(outcomes[i].key);
      auto found = existing.find(outcomes[i].key);
      if (found != existing.end()) {
        auto p = prior.find(found->second);
        if (p != prior.end() && p->second.exists) {  // a stale external id is re-created
          item.existed = true;
          outcomes[i].destination_id = found->second;
          outcomes[i].prior_values = p->second.values;
        }
      }
      Json values = records[i].values;
      // No value for a required field: a created record gets the server's default (Odoo fills
      // mail.activity.user_id with the calling user), an updated one keeps its value. `load`
      // would read an empty cell as False and refuse the record; a required field cannot be
      // cleared anyway.
      for (auto it = values.begin(); it != values.end();) {
        auto f = fields->find(it.key());
        if (it->is_null() && f != fields->end() && f->second.required) {
          it = values.erase(it);
        } else {
          ++it;
        }
      }
      if (model == "ir.attachment" && values.contains("datas") && values["datas"].is_string()) {
        int64_t bytes = Base64Bytes(values["datas"].get<std::string>());
        if (bytes > options_.max_attachment_bytes) {
          Fail(&outcomes[i], InvalidArgument("attachment of " + std::to_string(bytes) +
                                             " bytes is over the limit of " +
                                             std::to_string(options_.max_attachment_bytes) +
                                             " bytes (destination.max_attachment_bytes)"));
          continue;
        }
      }
      if (model == "mail.activity" && values.contains("res_model") &&
          !values.contains("res_model_id")) {
        auto model_id = ModelId(Text(values["res_model"]));
        if (!model_id.ok()) {
          Fail(&outcomes[i], InvalidArgument("field res_model: " + model_id.status().message()));
          continue;
        }
        values["res_model_id"] = *model_id;
        values.erase("res_model");
      }
      if (model == "calendar.event" && values.value("stop", Json()).is_null()) {
        std::string stop = EventStop(values);
        if (!stop.empty()) values["stop"] = stop;
      }
      if (model == "mail.message") {
        if (!values.contains("message_type")) values["message_type"] = "comment";
        if (!values.contains("subtype_id")) values["subtype_id"] = "mail.mt_note";
      }
      if (model == "account.move" && values.contains("state")) {
        item.post = Text(values["state"]) == "posted";
        values.erase("state");
        if (item.existed && Text(outcomes[i].prior_values.value("state", Json())) == "posted") {
          // A posted entry cannot be written; its values are those of the first run.
          outcomes[i].action = WriteAction::kUnchanged;
          outcomes[i].prior_values = Json();
          continue;
        }
      }
      if (model == "account.payment" && values.contains("reconciled_invoice_ids")) {
        payments.push_back(&item);
        continue;
      }
      auto load = ToLoadRecord(model, item.xmlid, values, *fields);
      if (!load.ok()) {
        Fail(&outcomes[i], load.status());
        continue;
      }
      item.load = std::move(load).value();
      to_load.push_back(&item);
    }

    // Records of one load call share their columns (an empty cell would clear a field).
    std::map<std::string, std::vector<Item*>> by_signature;
    for (Item* item : to_load) by_signature[item->load.Signature()].push_back(item);
    for (auto& [signature, group] : by_signature) {
      size_t start = 0;
      while (start < group.size()) {
        size_t n = std::min(group.size() - start, static_cast<size_t>(sizer_.Current(model)));
        std::vector<Item*> chunk(group.begin() + start, group.begin() + start + n);
        BW_RETURN_IF_ERROR(LoadItems(model, chunk, deadline));
        start += n;
      }
    }
    for (Item* item : to_load) {
      if (item->post && item->outcome->action != WriteAction::kFailed) to_post.push_back(item);
    }
    if (!to_post.empty()) BW_RETURN_IF_ERROR(PostInvoices(to_post, deadline));
    for (Item* item : payments) BW_RETURN_IF_ERROR(RegisterPayment(migration, item));
  }
  return outcomes;
}

Status OdooDestination::LoadItems(const std::string& model, std::vector<Item*> items,
                                  TimePoint deadline) {
  if (items.empty()) return Status::Ok();
  std::vector<const LoadRecord*> loads;
  for (Item* item : items) loads.push_back(&item->load);
  LoadTable table = BuildLoadTable(loads);
  Json kwargs = {{"context", WriteContext()}};
  Json args = Json::array({table.fields, table.rows});
  auto split = [&](size_t parts_of) -> Status {
    size_t half = (items.size() + 1) / 2;
    if (parts_of > 0) half = std::min(half, parts_of);
    for (size_t start = 0; start < items.size(); start += half) {
      std::vector<Item*> part(items.begin() + start,
                              items.begin() + std::min(items.size(), start + half));
      BW_RETURN_IF_ERROR(LoadItems(model, part, deadline));
    }
    return Status::Ok();
  };

  Duration backoff = options_.first_backoff;
  while (true) {
    TimePoint started = clock_->Now();
    StatusOr<Json> result = ExecuteOnce(model, "load", args, kwargs);
    if (!result.ok()) {
      const Status& s = result.status();
      if (s.IsTransient()) {
        // The call rolled back, or committed before its answer was lost: either way the same
        // external ids make the retry an update of what landed, never a second record.
        if (IsOverload(s)) sizer_.OnOverload(model, static_cast<int>(items.size()));
        if (items.size() > 1 && items.size() > static_cast<size_t>(sizer_.Current(model))) {
          return split(sizer_.Current(model));
        }
        if (clock_->Now() + backoff > deadline) return s.Annotate(model + ".load");
        Sleep(backoff);
        backoff = std::min(backoff * 2, options_.max_backoff);
        continue;
      }
      if (s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kNotFound) {
        // A fault for the whole call (Odoo refused something in it): find the record(s).
        if (items.size() == 1) {
          Fail(items[0]->outcome, s);
          return Status::Ok();
        }
        return split(0);
      }
      return s.Annotate(model + ".load");
    }
    const Json& answer = *result;
    const Json ids = answer.is_object() ? answer.value("ids", Json()) : Json();
    if (ids.is_array() && ids.size() == items.size()) {
      sizer_.OnSuccess(model, static_cast<int>(items.size()), clock_->Now() - started);
      for (size_t i = 0; i < items.size(); ++i) {
        WriteOutcome* o = items[i]->outcome;
        o->destination_id = ids[i].is_number_integer() ? std::to_string(ids[i].get<int64_t>()) : "";
        o->action = items[i]->existed ? WriteAction::kUpdated : WriteAction::kCreated;
        if (!items[i]->existed) o->prior_values = Json();
        o->error = Status::Ok();
      }
      return Status::Ok();
    }
    // Refused: nothing of the call was stored. Records named by a message fail with Odoo's own
    // message; the others go again. A refusal that names no record is bisected.
    std::string unplaced;
    auto errors = ErrorsByItem(answer.value("messages", Json()), table, items.size(), &unplaced);
    if (items.size() == 1) {
      std::string message = errors.count(0) ? errors[0] : unplaced;
      if (message.empty()) message = "odoo refused the record (load returned no ids)";
      Fail(items[0]->outcome, InvalidArgument(message));
      return Status::Ok();
    }
    if (errors.empty()) return split(0);
    std::vector<Item*> rest;
    for (size_t i = 0; i < items.size(); ++i) {
      auto e = errors.find(static_cast<int>(i));
      if (e != errors.end()) {
        Fail(items[i]->outcome, InvalidArgument(e->second));
      } else {
        rest.push_back(items[i]);
      }
    }
    return LoadItems(model, rest, deadline);
  }
}

Status OdooDestination::PostInvoices(std::vector<Item*> items, TimePoint deadline) {
  (void)deadline;
  std::vector<std::string> ids;
  for (Item* item : items) ids.push_back(item->outcome->destination_id);
  BW_ASSIGN_OR_RETURN(auto stored, Read("account.move", ids, {"state"}));
  std::vector<Item*> drafts;
  for (size_t i = 0; i < items.size(); ++i) {
    if (stored[i].exists && Text(stored[i].values.value("state", Json())) == "draft") {
      drafts.push_back(items[i]);
    }
  }
  auto post = [&](const std::vector<Item*>& batch) -> Status {
    Json id_list = Json::array();
    for (Item* item : batch) id_list.push_back(std::stoll(item->outcome->destination_id));
    auto r = Execute("account.move", "action_post", Json::array({id_list}),
                     {{"context", WriteContext()}});
    // Odoo cannot marshal None: the fault arrives after the commit (DESTINATION-APIS.md A1).
    if (!r.ok() && r.status().message().find("cannot marshal None") != std::string::npos) {
      return Status::Ok();
    }
    return r.ok() ? Status::Ok() : r.status();
  };
  if (drafts.empty()) return Status::Ok();
  Status all = post(drafts);
  if (all.ok()) return Status::Ok();
  if (all.IsTransient()) return all;
  // One at a time, so that one refused invoice fails alone.
  for (Item* item : drafts) {
    Status one = post({item});
    if (one.ok()) continue;
    if (one.IsTransient()) return one;
    if (!item->existed) {
      // Leave nothing behind of a record reported as failed.
      Json id = std::stoll(item->outcome->destination_id);
      Execute("account.move", "unlink", Json::array({Json::array({id})})).status().IgnoreError();
      item->outcome->destination_id.clear();
    }
    Fail(item->outcome, InvalidArgument("posting refused: " + one.message()));
  }
  return Status::Ok();
}

Status OdooDestination::RegisterPayment(const std::string& migration, Item* item) {
  WriteOutcome* o = item->outcome;
  const Json& values = item->record->values;
  if (item->existed) {  // registered by an earlier run: a posted payment is not rewritten
    o->action = WriteAction::kUnchanged;
    o->prior_values = Json();
    return Status::Ok();
  }
  Json invoices = values["reconciled_invoice_ids"];
  int64_t invoice = 0;
  if (invoices.is_number_integer()) invoice = invoices.get<int64_t>();
  if (invoices.is_array() && !invoices.empty() && invoices[0].is_number_integer()) {
    invoice = invoices[0].get<int64_t>();
  }
  if (invoice == 0) {
    Fail(o, InvalidArgument("field reconciled_invoice_ids: expected the invoice's id"));
    return Status::Ok();
  }
  BW_ASSIGN_OR_RETURN(auto fields, Fields("account.payment"));
  const std::string memo_field = fields.count("memo") ? "memo" : "ref";
  // The marker finds a payment whose wizard call committed but whose external id was not yet
  // written (a crash between the two calls): it is adopted, never registered twice.
  const std::string marker = "bridgework " + item->xmlid;
  const std::string module = ModuleFor(migration);
  const std::string name = item->xmlid.substr(module.size() + 1);
  Json domain = Json::array({Json::array({memo_field, "=", marker})});
  BW_ASSIGN_OR_RETURN(Json found, Execute("account.payment", "search", Json::array({domain})));
  if (found.empty()) {
    Json context = WriteContext();
    context["active_model"] = "account.move";
    context["active_ids"] = Json::array({invoice});
    Json wizard = {{"communication", marker}};
    if (values.contains("amount")) wizard["amount"] = values["amount"];
    if (values.contains("date")) wizard["payment_date"] = values["date"];
    if (values.contains("journal_id") && !values["journal_id"].is_null()) {
      wizard["journal_id"] = values["journal_id"];
    }
    auto wiz = Execute("account.payment.register", "create", Json::array({wizard}),
                       {{"context", context}}, /*retry=*/false);
    if (!wiz.ok()) {
      if (wiz.status().IsTransient()) return wiz.status();
      Fail(o, wiz.status());
      return Status::Ok();
    }
    auto done = Execute("account.payment.register", "action_create_payments",
                        Json::array({Json::array({*wiz})}), {{"context", context}},
                        /*retry=*/false);
    if (!done.ok() && done.status().message().find("cannot marshal None") == std::string::npos) {
      if (!done.status().IsTransient()) {
        Fail(o, done.status());
        return Status::Ok();
      }
      // Unknown outcome: look for the marker below before anything else.
    }
    BW_ASSIGN_OR_RETURN(found, Execute("account.payment", "search", Json::array({domain})));
    if (found.empty()) {
      if (!done.ok()) return done.status();
      Fail(o, Internal("the payment wizard answered but no payment carries the marker"));
      return Status::Ok();
    }
  }
  int64_t payment = found[0].get<int64_t>();
  Json data = {{"module", module},
               {"name", name},
               {"model", "account.payment"},
               {"res_id", payment},
               {"noupdate", true}};
  BW_RETURN_IF_ERROR(
      Execute("ir.model.data", "create", Json::array({data}), Json::object(), false).status());
  o->action = WriteAction::kCreated;
  o->destination_id = std::to_string(payment);
  o->prior_values = Json();
  o->error = Status::Ok();
  return Status::Ok();
}

}  // namespace bridgework::connectors::odoo
