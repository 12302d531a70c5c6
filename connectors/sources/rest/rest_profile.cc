#include "connectors/sources/rest/rest_profile.h"

#include <fstream>
#include <sstream>

namespace bridgework::connectors::rest {
namespace {

// Reads `key` of `obj` into *out when present; a value of the wrong type is an error.
template <typename T>
Status Read(const Json& obj, const char* key, const std::string& where, T* out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  try {
    *out = it->template get<T>();
  } catch (const Json::exception&) {
    return InvalidArgument("profile " + where + "." + key + " has the wrong type");
  }
  return Status::Ok();
}

}  // namespace

const RestObject* RestProfile::Find(const std::string& name) const {
  for (const auto& o : objects) {
    if (o.object.name == name) return &o;
  }
  return nullptr;
}

StatusOr<RestProfile> ParseRestProfile(const Json& doc) {
  if (!doc.is_object()) return InvalidArgument("profile is not a JSON object");
  RestProfile p;
  BW_RETURN_IF_ERROR(Read(doc, "kind", "", &p.kind));
  auto rest = doc.find("rest");
  if (rest == doc.end() || !rest->is_object()) {
    return InvalidArgument("profile " + p.kind + " has no rest section");
  }
  BW_RETURN_IF_ERROR(Read(*rest, "base_path", "rest", &p.base_path));
  BW_RETURN_IF_ERROR(Read(*rest, "attachment_path", "rest", &p.attachment_path));
  if (auto pg = rest->find("pagination"); pg != rest->end() && pg->is_object()) {
    std::string style = "cursor";
    BW_RETURN_IF_ERROR(Read(*pg, "style", "rest.pagination", &style));
    if (style == "cursor") {
      p.style = PageStyle::kCursor;
    } else if (style == "next_url") {
      p.style = PageStyle::kNextUrl;
    } else if (style == "page") {
      p.style = PageStyle::kPage;
    } else if (style == "offset") {
      p.style = PageStyle::kOffset;
    } else {
      return InvalidArgument("profile rest.pagination.style " + style + " is unknown");
    }
    const std::string w = "rest.pagination";
    BW_RETURN_IF_ERROR(Read(*pg, "items_field", w, &p.items_field));
    BW_RETURN_IF_ERROR(Read(*pg, "limit_param", w, &p.limit_param));
    BW_RETURN_IF_ERROR(Read(*pg, "default_limit", w, &p.default_limit));
    BW_RETURN_IF_ERROR(Read(*pg, "max_limit", w, &p.max_limit));
    BW_RETURN_IF_ERROR(Read(*pg, "cursor_param", w, &p.cursor_param));
    BW_RETURN_IF_ERROR(Read(*pg, "next_field", w, &p.next_field));
    BW_RETURN_IF_ERROR(Read(*pg, "page_param", w, &p.page_param));
    BW_RETURN_IF_ERROR(Read(*pg, "first_page", w, &p.first_page));
    BW_RETURN_IF_ERROR(Read(*pg, "total_pages_field", w, &p.total_pages_field));
    BW_RETURN_IF_ERROR(Read(*pg, "offset_param", w, &p.offset_param));
    BW_RETURN_IF_ERROR(Read(*pg, "total_field", w, &p.total_field));
  }
  if (auto ms = rest->find("modified_since"); ms != rest->end() && ms->is_object()) {
    BW_RETURN_IF_ERROR(Read(*ms, "param", "rest.modified_since", &p.modified_since_param));
    BW_RETURN_IF_ERROR(Read(*ms, "format", "rest.modified_since", &p.modified_since_format));
  }
  if (auto sh = rest->find("shards"); sh != rest->end() && sh->is_object()) {
    BW_RETURN_IF_ERROR(Read(*sh, "partition_param", "rest.shards", &p.partition_param));
    BW_RETURN_IF_ERROR(Read(*sh, "partitions_param", "rest.shards", &p.partitions_param));
  }
  if (p.max_limit < 1) return InvalidArgument("profile rest.pagination.max_limit must be >= 1");

  std::string default_time_format = "iso8601";
  if (auto b = doc.find("bundle"); b != doc.end() && b->is_object()) {
    BW_RETURN_IF_ERROR(Read(*b, "datetime_format", "bundle", &default_time_format));
  }
  auto objects = doc.find("objects");
  if (objects == doc.end() || !objects->is_array()) {
    return InvalidArgument("profile " + p.kind + " has no objects");
  }
  for (const auto& o : *objects) {
    RestObject ro;
    std::string where = "objects[" + std::to_string(p.objects.size()) + "]";
    BW_RETURN_IF_ERROR(Read(o, "name", where, &ro.object.name));
    if (ro.object.name.empty()) return InvalidArgument("profile " + where + " has no name");
    where = "objects." + ro.object.name;
    BW_RETURN_IF_ERROR(Read(o, "label", where, &ro.object.label));
    BW_RETURN_IF_ERROR(Read(o, "primary_key", where, &ro.object.primary_key));
    if (ro.object.primary_key.empty()) {
      return InvalidArgument("profile " + where + " has no primary_key");
    }
    BW_RETURN_IF_ERROR(Read(o, "modified_at", where, &ro.object.modified_at_field));
    BW_RETURN_IF_ERROR(Read(o, "attachment_fields", where, &ro.object.attachment_fields));
    ro.endpoint = "/" + ro.object.name;
    BW_RETURN_IF_ERROR(Read(o, "endpoint", where, &ro.endpoint));
    if (auto refs = o.find("references"); refs != o.end() && refs->is_array()) {
      for (const auto& r : *refs) {
        ObjectReference ref;
        BW_RETURN_IF_ERROR(Read(r, "field", where + ".references", &ref.field));
        BW_RETURN_IF_ERROR(Read(r, "object", where + ".references", &ref.object));
        ro.object.references.push_back(std::move(ref));
      }
    }
    // The modified-at field's own format (a field entry's "format") wins over the bundle's.
    ro.modified_at_format = default_time_format;
    if (auto fields = o.find("fields"); fields != o.end() && fields->is_array()) {
      for (const auto& f : *fields) {
        if (f.is_object() && f.value("name", "") == ro.object.modified_at_field &&
            f.contains("format") && f["format"].is_string()) {
          ro.modified_at_format = f["format"].get<std::string>();
        }
      }
    }
    p.objects.push_back(std::move(ro));
  }
  return p;
}

StatusOr<RestProfile> LoadRestProfile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot open profile " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  Json doc = Json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return InvalidArgument("profile " + path + " is not valid JSON");
  StatusOr<RestProfile> profile = ParseRestProfile(doc);
  if (!profile.ok()) return profile.status().Annotate(path);
  return profile;
}

}  // namespace bridgework::connectors::rest
