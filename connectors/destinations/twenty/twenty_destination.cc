#include "connectors/destinations/twenty/twenty_destination.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <unordered_map>

#include "common/ids.h"
#include "common/logging.h"
#include "common/text.h"
#include "connectors/destinations/twenty/twenty_api.h"
#include "connectors/destinations/twenty/twenty_schema.h"
#include "connectors/destinations/twenty/twenty_values.h"

namespace bridgework::connectors {
namespace twenty {
namespace {

// A unique index of an object: the stored path that holds the value, and how to name it in a
// message ("primary email", "domain"): never the value itself.
struct UniqueField {
  std::string path;
  std::string what;
};

// One record of an Upsert call on its way through.
struct Item {
  size_t index = 0;         // into the call's records and outcomes
  std::string id;           // RecordUuid(migration, key)
  Json body;                // nested values, with "id"
  std::string upload_path;  // a local file to upload into fullPath (attachments), or empty
  std::optional<std::string> upload_content;  // or the file's bytes, given in the record
};

// The value keys of a file to upload for an attachment record (docs/destination-twenty.md):
// a local path, or the file's bytes in base64 (what a worker makes of a map's `file` transform,
// so that a load worker on another machine than the bundle still has the file).
constexpr const char* kUploadKey = "uploadFromPath";
constexpr const char* kUploadBase64Key = "uploadBase64";

std::string Str(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

bool IsDeleted(const Json& row) {
  return row.is_object() && row.contains("deletedAt") && !row["deletedAt"].is_null();
}

// The source object of a manifest entry: its key is "<object>/<source id>/<target tag>".
std::string SourceObject(const ManifestEntry& e) { return e.key.substr(0, e.key.find('/')); }

std::string StringAt(const Json& body, const std::string& path) {
  const Json* v = GetPath(body, path);
  return v != nullptr && v->is_string() ? v->get<std::string>() : "";
}

// Matches live and soft-deleted rows alike: Twenty includes deleted rows when a filter names
// deletedAt.
std::string WithDeleted(const std::string& filter) {
  return "and(" + filter + ",or(deletedAt[is]:NULL,deletedAt[is]:NOT_NULL))";
}

class TwentyDestination : public DestinationConnector {
 public:
  TwentyDestination(TwentyOptions options, std::unique_ptr<HttpClient> http)
      : options_(std::move(options)), api_(options_, std::move(http)) {}

  StatusOr<DestinationSchema> Discover() override {
    BW_ASSIGN_OR_RETURN(WorkspaceMetadata metadata, ReadMetadata(api_));
    DestinationSchema schema = ToDestinationSchema(metadata);
    Remember(std::move(metadata));
    return schema;
  }

  StatusOr<std::vector<SchemaItemResult>> ApplySchema(const SchemaPlan& plan) override {
    auto results = ApplySchemaPlan(api_, plan);
    std::lock_guard<std::mutex> l(mu_);
    metadata_.reset();  // new fields may be unique
    return results;
  }

  StatusOr<std::vector<DestinationUser>> ListUsers() override {
    BW_ASSIGN_OR_RETURN(std::vector<Json> rows, api_.FindAll("workspaceMembers", ""));
    std::vector<DestinationUser> users;
    for (const Json& row : rows) {
      DestinationUser u;
      u.id = Str(row, "id");
      std::string first = StringAt(row, "name.firstName"), last = StringAt(row, "name.lastName");
      u.name = first + (first.empty() || last.empty() ? "" : " ") + last;
      u.email = Str(row, "userEmail");
      users.push_back(std::move(u));
    }
    return users;
  }

  StatusOr<std::map<std::string, std::string>> LookupByField(
      const std::string& model, const std::string& field,
      const std::vector<std::string>& values) override {
    std::vector<std::string> wanted = values;
    for (const std::string& v : values) wanted.push_back(Lower(v));
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    BW_ASSIGN_OR_RETURN(std::vector<Json> rows, FindIn(model, {{field, wanted}}, false));
    std::map<std::string, std::string> found;
    for (const Json& row : rows) {
      std::string stored = Lower(StringAt(row, field));
      for (const std::string& v : values) {
        if (Lower(v) == stored && !found.count(v)) found[v] = Str(row, "id");
      }
    }
    return found;
  }

  StatusOr<std::vector<WriteOutcome>> Upsert(const std::string& migration,
                                             const std::vector<TargetRecord>& records) override {
    std::vector<WriteOutcome> outcomes(records.size());
    std::map<std::string, std::vector<size_t>> by_model;
    for (size_t i = 0; i < records.size(); ++i) {
      outcomes[i].key = records[i].Key();
      outcomes[i].destination_id = RecordUuid(migration, outcomes[i].key);
      by_model[records[i].model].push_back(i);
    }
    for (const auto& [model, indices] : by_model) {
      BW_RETURN_IF_ERROR(UpsertModel(model, records, indices, &outcomes));
    }
    return outcomes;
  }

  StatusOr<std::map<std::string, std::string>> FindByKeys(
      const std::string& migration, const std::string& model,
      const std::vector<std::string>& keys) override {
    std::map<std::string, std::string> key_by_id;
    std::vector<std::string> ids;
    for (const std::string& key : keys) {
      std::string id = RecordUuid(migration, key);
      key_by_id[id] = key;
      ids.push_back(id);
    }
    BW_ASSIGN_OR_RETURN(std::vector<Json> rows, FindIn(model, {{"id", ids}}, false));
    std::map<std::string, std::string> found;
    for (const Json& row : rows) {
      auto it = key_by_id.find(Str(row, "id"));
      if (it != key_by_id.end()) found[it->second] = it->first;
    }
    return found;
  }

  StatusOr<std::vector<StoredRecord>> Read(const std::string& model,
                                           const std::vector<std::string>& ids,
                                           const std::vector<std::string>& fields) override {
    BW_ASSIGN_OR_RETURN(std::vector<Json> rows, FindIn(model, {{"id", ids}}, false));
    std::unordered_map<std::string, const Json*> by_id;
    for (const Json& row : rows) by_id[Str(row, "id")] = &row;
    std::vector<StoredRecord> out;
    for (const std::string& id : ids) {
      StoredRecord r;
      r.destination_id = id;
      auto it = by_id.find(id);
      if (it != by_id.end()) {
        r.exists = true;
        r.values = fields.empty() ? *it->second : Project(*it->second, fields);
        // The upload keys are consumed on write; what stands for them is the stored file's
        // path, so the diff can tell an attachment whose file arrived from one whose did not.
        for (const char* key : {kUploadKey, kUploadBase64Key}) {
          const bool asked = std::find(fields.begin(), fields.end(), key) != fields.end();
          const std::string path = Str(*it->second, "fullPath");
          if (asked || (fields.empty() && !path.empty())) {
            r.values[key] = path.empty() ? Json() : Json(path);
          }
        }
      }
      out.push_back(std::move(r));
    }
    return out;
  }

  StatusOr<std::vector<RevertOutcome>> Revert(const std::string& /*migration*/,
                                              const std::vector<ManifestEntry>& entries) override {
    std::map<std::string, std::vector<std::string>> ids_by_model;
    for (const ManifestEntry& e : entries) ids_by_model[e.model].push_back(e.destination_id);
    std::map<std::string, std::unordered_map<std::string, Json>> rows;
    for (const auto& [model, ids] : ids_by_model) {
      BW_ASSIGN_OR_RETURN(std::vector<Json> found, FindIn(model, {{"id", ids}}, true));
      for (Json& row : found) {
        std::string id = Str(row, "id");  // before the move: `a = b` evaluates b first
        rows[model][id] = std::move(row);
      }
    }
    std::vector<RevertOutcome> outcomes(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) outcomes[i].key = entries[i].key;
    // Entries come children first (deepest depth first) and are applied in that order, except
    // that a band of consecutive created entries of one source object at one depth is deleted
    // model by model in batches. Its records reference each other only through their own
    // targets (a chart note's noteTarget -> its note): the referencing model goes first.
    size_t i = 0;
    while (i < entries.size()) {
      const ManifestEntry& e = entries[i];
      auto& model_rows = rows[e.model];
      if (e.action == WriteAction::kCreated) {
        std::vector<std::string> models;
        std::map<std::string, std::vector<DeleteItem>> live;
        size_t j = i;
        for (; j < entries.size() && entries[j].action == WriteAction::kCreated &&
               entries[j].depth == e.depth && SourceObject(entries[j]) == SourceObject(e);
             ++j) {
          const ManifestEntry& c = entries[j];
          auto it = rows[c.model].find(c.destination_id);
          bool gone = it == rows[c.model].end() ||
                      (options_.delete_mode == DeleteMode::kSoft && IsDeleted(it->second));
          if (gone) {
            outcomes[j].action = "already-gone";
            continue;
          }
          if (!live.count(c.model)) models.push_back(c.model);
          live[c.model].push_back({j, c.destination_id});
        }
        for (const std::string& model : ChildModelsFirst(models, live, &rows)) {
          DeleteRun(model, live[model], &outcomes);
        }
        i = j;
        continue;
      }
      RevertOutcome& o = outcomes[i];
      auto it = model_rows.find(e.destination_id);
      const Json* row = it == model_rows.end() ? nullptr : &it->second;
      if (e.action == WriteAction::kUpdated) {
        if (row == nullptr || IsDeleted(*row)) {
          o.action = "already-gone";
        } else {
          Json prior = NestDotted(e.prior_values);
          auto done = api_.Call("PATCH", "/rest/" + e.model + "/" + e.destination_id, &prior,
                                RetryUnknown::kYes);
          o.action = done.ok() ? "restored" : "failed";
          o.error = done.status();
        }
      } else {
        o.action = "skipped";  // nothing was written for it
      }
      ++i;
    }
    return outcomes;
  }

 private:
  // Rows of `model` matching any (field in values) condition, chunked to keep URLs short.
  StatusOr<std::vector<Json>> FindIn(
      const std::string& model,
      const std::vector<std::pair<std::string, std::vector<std::string>>>& conditions,
      bool with_deleted) {
    std::vector<Json> rows;
    const size_t chunk = static_cast<size_t>(std::max(options_.lookup_chunk, 1));
    size_t longest = 0;
    for (const auto& c : conditions) longest = std::max(longest, c.second.size());
    for (size_t start = 0; start < longest; start += chunk) {
      std::vector<std::string> parts;
      for (const auto& [field, values] : conditions) {
        if (start >= values.size()) continue;
        std::vector<std::string> slice(values.begin() + start,
                                       values.begin() + std::min(values.size(), start + chunk));
        parts.push_back(InFilter(field, slice));
      }
      std::string filter = parts.size() == 1 ? parts[0] : "or(" + Join(parts) + ")";
      if (with_deleted) filter = WithDeleted(filter);
      BW_ASSIGN_OR_RETURN(std::vector<Json> page, api_.FindAll(model, filter));
      for (Json& row : page) rows.push_back(std::move(row));
    }
    // Chunks of different conditions can return the same row twice.
    std::sort(rows.begin(), rows.end(),
              [](const Json& a, const Json& b) { return Str(a, "id") < Str(b, "id"); });
    rows.erase(
        std::unique(rows.begin(), rows.end(),
                    [](const Json& a, const Json& b) { return Str(a, "id") == Str(b, "id"); }),
        rows.end());
    return rows;
  }

  static std::string Join(const std::vector<std::string>& parts) {
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : ",") + p;
    return out;
  }

  void Remember(WorkspaceMetadata metadata) {
    std::lock_guard<std::mutex> l(mu_);
    metadata_ = std::make_shared<WorkspaceMetadata>(std::move(metadata));
  }

  // The workspace metadata, read once (and again after ApplySchema); null when unreadable.
  std::shared_ptr<const WorkspaceMetadata> Metadata() {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (metadata_) return metadata_;
    }
    auto read = ReadMetadata(api_);
    if (!read.ok()) {
      Logger("twenty")->warn("workspace metadata unreadable, using defaults: {}",
                             read.status().ToString());
      return nullptr;
    }
    Remember(std::move(read).value());
    std::lock_guard<std::mutex> l(mu_);
    return metadata_;
  }

  std::vector<UniqueField> UniqueFieldsOf(const std::string& model) {
    auto metadata = Metadata();
    const WorkspaceMetadata::Object* object = metadata ? metadata->Find(model) : nullptr;
    if (object == nullptr) {
      if (model == "people") return {{"emails.primaryEmail", "primary email"}};
      if (model == "companies") return {{"domainName.primaryLinkUrl", "domain"}};
      return {};
    }
    std::vector<UniqueField> out;
    for (const auto& [name, f] : object->fields) {
      if (name == "id" || !f.value("isUnique", false)) continue;
      std::string type = Str(f, "type");
      if (type == "EMAILS") {
        out.push_back({name + ".primaryEmail", name == "emails" ? "primary email" : name});
      } else if (type == "LINKS") {
        out.push_back({name + ".primaryLinkUrl", name == "domainName" ? "domain" : name});
      } else if (type == "PHONES") {
        out.push_back({name + ".primaryPhoneNumber", name + " number"});
      } else {
        out.push_back({name, name});
      }
    }
    return out;
  }

  std::string SingularOf(const std::string& model) {
    auto metadata = Metadata();
    const WorkspaceMetadata::Object* object = metadata ? metadata->Find(model) : nullptr;
    if (object != nullptr) return object->name_singular;
    if (model == "people") return "person";
    if (model == "companies") return "company";
    return model;
  }

  Status UpsertModel(const std::string& model, const std::vector<TargetRecord>& records,
                     const std::vector<size_t>& indices, std::vector<WriteOutcome>* outcomes) {
    std::vector<Item> items;
    for (size_t i : indices) {
      Item item;
      item.index = i;
      item.id = (*outcomes)[i].destination_id;
      item.body = NestDotted(records[i].values);
      item.body["id"] = item.id;
      if (item.body.contains(kUploadKey)) {
        if (item.body[kUploadKey].is_string()) item.upload_path = item.body[kUploadKey];
        item.body.erase(kUploadKey);
      }
      if (item.body.contains(kUploadBase64Key)) {
        const Json encoded = std::move(item.body[kUploadBase64Key]);
        item.body.erase(kUploadBase64Key);
        auto bytes = encoded.is_string() ? DecodeBase64(encoded.get<std::string>())
                                         : StatusOr<std::string>(InvalidArgument("not text"));
        if (!bytes.ok()) {
          Fail(&(*outcomes)[i],
               InvalidArgument(std::string(kUploadBase64Key) + ": " + bytes.status().message()));
          continue;
        }
        item.upload_content = std::move(*bytes);
      }
      items.push_back(std::move(item));
    }
    std::vector<Item*> all;
    bool uploads = false;
    for (Item& item : items) {
      all.push_back(&item);
      uploads = uploads || !item.upload_path.empty() || item.upload_content.has_value();
    }
    // Files are uploaded only for records that do not exist yet: always look first.
    if (!uploads && !LookupFirst(model)) {
      BW_ASSIGN_OR_RETURN(all, CreateFirst(model, all, outcomes));
      if (all.empty()) return Status::Ok();
    }
    return LookupAndWrite(model, all, outcomes);
  }

  bool LookupFirst(const std::string& model) {
    if (!options_.create_first) return true;
    std::lock_guard<std::mutex> l(mu_);
    return lookup_first_.count(model) > 0;
  }

  void SetLookupFirst(const std::string& model, bool on) {
    std::lock_guard<std::mutex> l(mu_);
    if (on) {
      lookup_first_.insert(model);
    } else {
      lookup_first_.erase(model);
    }
  }

  // The fast path of a first load, where nearly every record is new: one POST per batch and no
  // lookup. Twenty batches are all-or-nothing and refuse an existing id or unique value, so a
  // batch that succeeds created exactly its records. Returns the records left for the careful
  // path: those of refused batches, and of batches whose outcome stays unknown while some of
  // their ids exist (they may have existed before).
  StatusOr<std::vector<Item*>> CreateFirst(const std::string& model, std::vector<Item*> items,
                                           std::vector<WriteOutcome>* outcomes) {
    std::vector<Item*> careful;
    const size_t batch = static_cast<size_t>(std::max(options_.batch_size, 1));
    for (size_t start = 0; start < items.size(); start += batch) {
      std::vector<Item*> pending(items.begin() + start,
                                 items.begin() + std::min(items.size(), start + batch));
      Backoff backoff(options_);
      for (;;) {
        Status sent = PostBatch(model, pending);
        if (sent.ok()) {
          for (Item* item : pending) (*outcomes)[item->index].action = WriteAction::kCreated;
          break;
        }
        if (!sent.IsTransient()) {  // an existing id or value, or a bad record: look first
          SetLookupFirst(model, true);
          careful.insert(careful.end(), pending.begin(), pending.end());
          break;
        }
        // Unknown outcome: all-or-nothing, so either every id exists now (committed) or none
        // does (resend); some but not all means those existed before.
        BW_ASSIGN_OR_RETURN(std::set<std::string> present, PresentIds(model, pending));
        if (present.size() == pending.size()) {
          for (Item* item : pending) (*outcomes)[item->index].action = WriteAction::kCreated;
          break;
        }
        if (!present.empty()) {
          careful.insert(careful.end(), pending.begin(), pending.end());
          break;
        }
        if (!backoff.Wait()) {
          for (Item* item : pending) Fail(&(*outcomes)[item->index], sent);
          break;
        }
      }
    }
    return careful;
  }

  // The careful path: looks up which ids exist (live or soft-deleted) and who holds each unique
  // value first, then creates the new records and PATCHes the changed ones.
  Status LookupAndWrite(const std::string& model, const std::vector<Item*>& items,
                        std::vector<WriteOutcome>* outcomes) {
    const std::vector<UniqueField> uniques = UniqueFieldsOf(model);
    const std::string singular = SingularOf(model);

    std::vector<std::pair<std::string, std::vector<std::string>>> conditions;
    conditions.push_back({"id", {}});
    for (const Item* item : items) conditions[0].second.push_back(item->id);
    for (const UniqueField& u : uniques) {
      std::vector<std::string> values;
      for (const Item* item : items) {
        std::string v = StringAt(item->body, u.path);
        if (v.empty()) continue;
        values.push_back(v);
        if (Lower(v) != v) values.push_back(Lower(v));
      }
      if (!values.empty()) conditions.push_back({u.path, values});
    }
    BW_ASSIGN_OR_RETURN(std::vector<Json> rows, FindIn(model, conditions, true));
    std::unordered_map<std::string, const Json*> by_id;
    std::vector<std::unordered_map<std::string, const Json*>> holders(uniques.size());
    for (const Json& row : rows) {
      by_id[Str(row, "id")] = &row;
      for (size_t u = 0; u < uniques.size(); ++u) {
        std::string v = Lower(StringAt(row, uniques[u].path));
        if (!v.empty()) holders[u][v] = &row;
      }
    }

    std::vector<Item*> to_create;
    std::vector<std::pair<Item*, const Json*>> to_update;
    std::vector<std::unordered_map<std::string, std::string>> in_batch(uniques.size());
    bool any_existed = false;
    for (Item* item : items) {
      WriteOutcome& out = (*outcomes)[item->index];
      auto existing_it = by_id.find(item->id);
      const Json* existing = existing_it == by_id.end() ? nullptr : existing_it->second;
      any_existed = any_existed || existing != nullptr;
      if (existing != nullptr && IsDeleted(*existing)) {
        Fail(&out, FailedPrecondition("id " + item->id + " is held by a soft-deleted " + singular +
                                      " (a soft rollback or a deletion in Twenty): restore or "
                                      "destroy it first"));
        continue;
      }
      if (!ResolveUniques(uniques, holders, &in_batch, singular, existing != nullptr, item, &out)) {
        continue;
      }
      if (out.action == WriteAction::kUnchanged) continue;  // linked to an existing record
      if (existing == nullptr) {
        to_create.push_back(item);
      } else {
        Json wanted = item->body;
        wanted.erase("id");
        if (Covers(*existing, wanted)) {
          out.action = WriteAction::kUnchanged;
        } else {
          to_update.push_back({item, existing});
        }
      }
    }
    // A delta keeps looking first; a load of new records goes back to the fast path.
    SetLookupFirst(model, any_existed);

    UploadFiles(&to_create, outcomes);
    const size_t batch = static_cast<size_t>(std::max(options_.batch_size, 1));
    for (size_t start = 0; start < to_create.size(); start += batch) {
      std::span<Item*> chunk(to_create.data() + start, std::min(batch, to_create.size() - start));
      CreateWithRecovery(model, chunk, outcomes);
    }
    for (auto& [item, existing] : to_update) {
      WriteOutcome& out = (*outcomes)[item->index];
      Json patch = item->body;
      patch.erase("id");
      auto done = api_.Call("PATCH", "/rest/" + model + "/" + item->id, &patch, RetryUnknown::kYes);
      if (!done.ok()) {
        Fail(&out, done.status());
        continue;
      }
      out.action = WriteAction::kUpdated;
      out.prior_values = PriorValues(*existing, patch);
    }
    return Status::Ok();
  }

  // Uploads the files of records about to be created and sets their fullPath (and name when the
  // map gave none). A record whose file cannot be read or uploaded fails alone.
  void UploadFiles(std::vector<Item*>* to_create, std::vector<WriteOutcome>* outcomes) {
    std::vector<Item*> kept;
    for (Item* item : *to_create) {
      if (item->upload_path.empty() && !item->upload_content) {
        kept.push_back(item);
        continue;
      }
      WriteOutcome& out = (*outcomes)[item->index];
      auto content = item->upload_content ? StatusOr<std::string>(*item->upload_content)
                                          : ReadUploadFile(item->upload_path);
      if (!content.ok()) {
        Fail(&out, content.status());
        continue;
      }
      if (Status size = CheckUploadSize(content->size()); !size.ok()) {
        Fail(&out, size);
        continue;
      }
      std::string filename = !item->upload_path.empty()
                                 ? std::filesystem::path(item->upload_path).filename().string()
                                 : StringAt(item->body, "name");
      if (filename.empty()) filename = "attachment";
      auto path = api_.UploadFile(filename, *content);
      if (!path.ok()) {
        Fail(&out, path.status());
        continue;
      }
      item->body["fullPath"] = *path;
      if (!item->body.contains("name")) item->body["name"] = filename;
      kept.push_back(item);
    }
    to_create->swap(kept);
  }

  Status CheckUploadSize(uint64_t bytes) const {
    if (static_cast<int64_t>(bytes) <= options_.max_upload_bytes) return Status::Ok();
    return InvalidArgument("attachment file of " + std::to_string(bytes) +
                           " bytes exceeds the limit of " +
                           std::to_string(options_.max_upload_bytes));
  }

  StatusOr<std::string> ReadUploadFile(const std::string& path) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec) return NotFound("attachment file unreadable: " + ec.message());
    BW_RETURN_IF_ERROR(CheckUploadSize(size));  // before reading it all into memory
    std::ifstream in(path, std::ios::binary);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!in.good() && !in.eof()) return NotFound("attachment file unreadable");
    return content;
  }

  Status PostBatch(const std::string& model, const std::vector<Item*>& items) {
    Json body = Json::array();
    for (const Item* item : items) body.push_back(item->body);
    return api_.Call("POST", "/rest/batch/" + model, &body, RetryUnknown::kNo).status();
  }

  StatusOr<std::set<std::string>> PresentIds(const std::string& model,
                                             const std::vector<Item*>& items) {
    std::vector<std::string> ids;
    for (const Item* item : items) ids.push_back(item->id);
    BW_ASSIGN_OR_RETURN(std::vector<Json> rows, FindIn(model, {{"id", ids}}, false));
    std::set<std::string> present;
    for (const Json& row : rows) present.insert(Str(row, "id"));
    return present;
  }

  // Applies the unique-conflict rule to one record. False when the record is done (failed).
  bool ResolveUniques(const std::vector<UniqueField>& uniques,
                      const std::vector<std::unordered_map<std::string, const Json*>>& holders,
                      std::vector<std::unordered_map<std::string, std::string>>* in_batch,
                      const std::string& singular, bool exists, Item* item, WriteOutcome* out) {
    for (size_t u = 0; u < uniques.size(); ++u) {
      std::string value = Lower(StringAt(item->body, uniques[u].path));
      if (value.empty()) continue;
      std::string holder_id;
      bool holder_deleted = false;
      auto h = holders[u].find(value);
      if (h != holders[u].end() && Str(*h->second, "id") != item->id) {
        holder_id = Str(*h->second, "id");
        holder_deleted = IsDeleted(*h->second);
      } else {
        auto [it, fresh] = (*in_batch)[u].emplace(value, item->id);
        if (!fresh && it->second != item->id) holder_id = it->second;  // earlier in this batch
      }
      if (holder_id.empty()) continue;
      std::string held = uniques[u].what + " already held by another " +
                         (holder_deleted ? "soft-deleted " : "") + singular + " (id " + holder_id +
                         ")";
      switch (options_.unique_conflict) {
        case UniqueConflictRule::kReport:
          Fail(out, AlreadyExists(held));
          return false;
        case UniqueConflictRule::kSkipUniqueField:
          ErasePath(&item->body, uniques[u].path);
          out->flag += (out->flag.empty() ? "" : "; ") + uniques[u].what + " dropped: " + held;
          break;
        case UniqueConflictRule::kLinkExisting:
          if (holder_deleted || exists) {
            Fail(out, AlreadyExists(held + (exists ? "; the record exists, cannot link it"
                                                   : "; cannot link to a deleted record")));
            return false;
          }
          out->action = WriteAction::kUnchanged;
          out->destination_id = holder_id;
          out->flag = "linked to the existing " + singular + " (id " + holder_id +
                      ") holding the same " + uniques[u].what + "; not overwritten";
          return true;
      }
    }
    return true;
  }

  static void Fail(WriteOutcome* out, Status error) {
    out->action = WriteAction::kFailed;
    out->error = std::move(error);
  }

  // Creates `items` (all new) through the batch endpoint. A refused batch is bisected; a batch
  // whose outcome is unknown is checked against what exists before the rest is resent.
  void CreateWithRecovery(const std::string& model, std::span<Item*> items,
                          std::vector<WriteOutcome>* outcomes) {
    std::vector<Item*> pending(items.begin(), items.end());
    Backoff backoff(options_);
    for (;;) {
      Status sent = PostBatch(model, pending);
      if (sent.ok()) {
        for (Item* item : pending) (*outcomes)[item->index].action = WriteAction::kCreated;
        return;
      }
      if (!sent.IsTransient()) {
        // All-or-nothing: nothing of this batch was stored. Halve until each bad record is alone.
        if (pending.size() == 1) {
          Fail(&(*outcomes)[pending[0]->index], sent);
          return;
        }
        size_t half = pending.size() / 2;
        CreateWithRecovery(model, std::span<Item*>(pending.data(), half), outcomes);
        CreateWithRecovery(model, std::span<Item*>(pending.data() + half, pending.size() - half),
                           outcomes);
        return;
      }
      // Unknown outcome ("Query read timeout" may have committed every row). These ids were
      // absent before this call, so whatever exists now was created by it.
      Logger("twenty")->info("POST /rest/batch/{} ({} records): {}; checking what exists", model,
                             pending.size(), sent.message());
      auto present = PresentIds(model, pending);
      if (present.ok()) {
        std::vector<Item*> rest;
        for (Item* item : pending) {
          if (present->count(item->id)) {
            (*outcomes)[item->index].action = WriteAction::kCreated;
          } else {
            rest.push_back(item);
          }
        }
        pending.swap(rest);
        if (pending.empty()) return;
      }
      if (!backoff.Wait()) {
        Status last = present.ok() ? sent : present.status();
        for (Item* item : pending) Fail(&(*outcomes)[item->index], last);
        return;
      }
    }
  }

  // One record to delete in a batch: its entry's index, and its id (existing at lookup time).
  struct DeleteItem {
    size_t index;
    std::string id;
  };

  // `models` (in order of first appearance) reordered so that a model whose looked-up rows
  // point at a row of another one (a join column "<x>Id" holding its id) comes before it; a
  // cycle keeps the first appearance order.
  static std::vector<std::string> ChildModelsFirst(
      const std::vector<std::string>& models,
      const std::map<std::string, std::vector<DeleteItem>>& live,
      std::map<std::string, std::unordered_map<std::string, Json>>* rows) {
    if (models.size() < 2) return models;
    std::map<std::string, std::set<std::string>> ids;
    for (const std::string& m : models) {
      for (const DeleteItem& item : live.at(m)) ids[m].insert(item.id);
    }
    std::map<std::string, std::set<std::string>> parents;  // model -> models its rows point at
    for (const std::string& child : models) {
      for (const DeleteItem& item : live.at(child)) {
        const Json& row = (*rows)[child][item.id];
        for (const auto& [key, value] : row.items()) {
          if (key.size() < 3 || key.compare(key.size() - 2, 2, "Id") != 0 || !value.is_string()) {
            continue;
          }
          for (const std::string& parent : models) {
            if (parent != child && ids[parent].count(value.get<std::string>())) {
              parents[child].insert(parent);
            }
          }
        }
      }
    }
    std::vector<std::string> left = models, ordered;
    while (!left.empty()) {
      auto next = std::find_if(left.begin(), left.end(), [&](const std::string& m) {
        return std::none_of(left.begin(), left.end(), [&](const std::string& other) {
          return other != m && parents[other].count(m) > 0;
        });
      });
      if (next == left.end()) next = left.begin();
      ordered.push_back(*next);
      left.erase(next);
    }
    return ordered;
  }

  std::string SoftDeleteParam() const {
    return options_.delete_mode == DeleteMode::kSoft ? "true" : "false";
  }

  // Deletes records of `model` that existed at lookup time, in batches of at most the current
  // delete batch size (lowered for good when the server refuses a batch as too large).
  void DeleteRun(const std::string& model, const std::vector<DeleteItem>& items,
                 std::vector<RevertOutcome>* outcomes) {
    size_t start = 0;
    while (start < items.size()) {
      const size_t batch = static_cast<size_t>(std::max(delete_batch_.load(), 1));
      std::vector<DeleteItem> chunk(items.begin() + start,
                                    items.begin() + std::min(items.size(), start + batch));
      if (DeleteBatch(model, chunk, outcomes)) start += chunk.size();
    }
  }

  // DELETE /rest/<objects>?filter=id[in]:[...]: returns false when the server refused the batch
  // as affecting too many records (MUTATION_MAXIMUM_AFFECTED_RECORDS) and the batch size was
  // halved: the caller sends the same records again in smaller batches.
  bool DeleteBatch(const std::string& model, const std::vector<DeleteItem>& items,
                   std::vector<RevertOutcome>* outcomes) {
    if (items.size() == 1) {  // a batch of one gains nothing; its refusal is the record's own
      DeleteOne(model, items[0], outcomes);
      return true;
    }
    std::vector<DeleteItem> pending = items;
    Backoff backoff(options_);
    for (;;) {
      std::vector<std::string> ids;
      for (const DeleteItem& item : pending) ids.push_back(item.id);
      const std::string path = "/rest/" + model + "?filter=" + UrlEncode(InFilter("id", ids)) +
                               "&soft_delete=" + SoftDeleteParam();
      // Not resent blindly: after a lost answer the ids it deleted would be missing from the
      // next answer, so what is left is looked up first (below).
      auto answer = api_.Call("DELETE", path, nullptr, RetryUnknown::kNo);
      if (answer.ok()) {
        SettleAnswered(model, pending, *answer, outcomes);
        return true;
      }
      const Status& refused = answer.status();
      if (!refused.IsTransient()) {
        if (IsTooManyRecords(refused) && pending.size() > 1) {
          const int half = static_cast<int>(pending.size() / 2);
          int current = delete_batch_.load();
          while (current > half && !delete_batch_.compare_exchange_weak(current, half)) {
          }
          Logger("twenty")->info(
              "DELETE /rest/{} ({} ids): refused as too many records; batches of {} from now on",
              model, pending.size(), delete_batch_.load());
          if (pending.size() == items.size()) return false;
          DeleteRun(model, pending, outcomes);
          return true;
        }
        // A bad record refuses the whole batch: one by one, each fails alone with its message.
        Logger("twenty")->info("DELETE /rest/{} ({} ids) refused: {}; deleting one by one", model,
                               pending.size(), refused.message());
        for (const DeleteItem& item : pending) DeleteOne(model, item, outcomes);
        return true;
      }
      // Unknown outcome: these ids existed before the call, so those gone now were deleted.
      Logger("twenty")->info("DELETE /rest/{} ({} ids): {}; checking what is left", model,
                             pending.size(), refused.message());
      auto left = StillThere(model, pending);
      if (left.ok()) {
        std::vector<DeleteItem> rest;
        for (const DeleteItem& item : pending) {
          if (left->count(item.id)) {
            rest.push_back(item);
          } else {
            (*outcomes)[item.index].action = "deleted";
          }
        }
        pending.swap(rest);
        if (pending.empty()) return true;
      }
      if (!backoff.Wait()) {
        const Status last = left.ok() ? refused : left.status();
        for (const DeleteItem& item : pending) {
          (*outcomes)[item.index].action = "failed";
          (*outcomes)[item.index].error = last;
        }
        return true;
      }
    }
  }

  // The answer ({"data":{"deletePeople":[{"id":..},..]}}) lists the ids the server deleted. An
  // id it left out was not matched: gone (or already in the trash for a soft delete) since the
  // lookup, unless it is still there, which the single delete then explains.
  void SettleAnswered(const std::string& model, const std::vector<DeleteItem>& items,
                      const Json& answer, std::vector<RevertOutcome>* outcomes) {
    std::set<std::string> deleted;
    const Json* list = DataArray(answer);
    if (list != nullptr) {
      for (const Json& row : *list) deleted.insert(Lower(Str(row, "id")));
    }
    std::vector<DeleteItem> missing;
    for (const DeleteItem& item : items) {
      if (deleted.count(Lower(item.id))) {
        (*outcomes)[item.index].action = "deleted";
      } else {
        missing.push_back(item);
      }
    }
    if (missing.empty()) return;
    auto left = StillThere(model, missing);
    for (const DeleteItem& item : missing) {
      if (left.ok() && !left->count(item.id)) {
        // Without a list of ids (an answer of another shape) what is gone is taken as ours.
        (*outcomes)[item.index].action = list != nullptr ? "already-gone" : "deleted";
      } else {
        DeleteOne(model, item, outcomes);
      }
    }
  }

  // Ids of `items` still present: any row for a hard delete, a live row for a soft one.
  StatusOr<std::set<std::string>> StillThere(const std::string& model,
                                             const std::vector<DeleteItem>& items) {
    std::vector<std::string> ids;
    for (const DeleteItem& item : items) ids.push_back(item.id);
    const bool hard = options_.delete_mode == DeleteMode::kHard;
    BW_ASSIGN_OR_RETURN(std::vector<Json> rows, FindIn(model, {{"id", ids}}, hard));
    std::set<std::string> present;
    for (const Json& row : rows) {
      if (hard || !IsDeleted(row)) present.insert(Str(row, "id"));
    }
    return present;
  }

  void DeleteOne(const std::string& model, const DeleteItem& item,
                 std::vector<RevertOutcome>* outcomes) {
    Status s = Delete(model, item.id);
    (*outcomes)[item.index].action = s.ok() ? "deleted" : "failed";
    (*outcomes)[item.index].error = s;
  }

  // Twenty's refusal of a bulk mutation over MUTATION_MAXIMUM_AFFECTED_RECORDS: "Cannot delete
  // person because it impacts too many records (more than 100)."
  static bool IsTooManyRecords(const Status& s) {
    return s.message().find("too many records") != std::string::npos;
  }

  Status Delete(const std::string& model, const std::string& id) {
    std::string path = "/rest/" + model + "/" + id + "?soft_delete=" + SoftDeleteParam();
    auto done = api_.Call("DELETE", path, nullptr, RetryUnknown::kYes);
    if (done.ok()) return Status::Ok();
    // A retried DELETE whose first attempt succeeded answers 400 (no such id): check.
    auto rows = FindIn(model, {{"id", {id}}}, options_.delete_mode == DeleteMode::kHard);
    if (rows.ok()) {
      bool still = false;
      for (const Json& row : *rows) {
        if (options_.delete_mode == DeleteMode::kHard || !IsDeleted(row)) still = true;
      }
      if (!still) return Status::Ok();
    }
    return done.status();
  }

  TwentyOptions options_;
  TwentyApi api_;
  std::mutex mu_;
  std::shared_ptr<const WorkspaceMetadata> metadata_;
  std::set<std::string> lookup_first_;  // models whose last careful batch met existing records
  std::atomic<int> delete_batch_{options_.delete_batch_size};  // halved on a cap refusal
};

}  // namespace
}  // namespace twenty

std::unique_ptr<DestinationConnector> NewTwentyDestination(TwentyOptions options,
                                                           std::unique_ptr<HttpClient> http) {
  if (!http) {
    HttpClientOptions h;
    h.verify_tls = options.verify_tls;
    h.ca_file = options.ca_file;
    http = NewCurlHttpClient(h);
  }
  while (!options.base_url.empty() && options.base_url.back() == '/') options.base_url.pop_back();
  return std::make_unique<twenty::TwentyDestination>(std::move(options), std::move(http));
}

}  // namespace bridgework::connectors
