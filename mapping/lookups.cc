#include "mapping/lookups.h"

#include <map>
#include <set>

#include "mapping/text_util.h"

namespace bridgework::mapping {

bool IsLookup(const Json& value) {
  return value.is_object() && value.size() == 1 && value.contains("$lookup");
}

namespace {

std::vector<std::string> Names(const Json& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const Json& e : v) {
      if (std::optional<std::string> s = ScalarText(e)) out.push_back(*s);
    }
  } else if (std::optional<std::string> s = ScalarText(v)) {
    // A many2many written as "A, B" in one cell.
    for (const std::string& part : Split(*s, ',')) {
      std::string t = TrimCopy(part);
      if (!t.empty()) out.push_back(t);
    }
  }
  return out;
}

Json IdValue(const std::string& id) {
  if (!id.empty() && id.find_first_not_of("0123456789") == std::string::npos && id.size() < 18) {
    return Json(std::stoll(id));
  }
  return Json(id);
}

}  // namespace

StatusOr<std::vector<UnresolvedLookup>> ResolveLookups(connectors::DestinationConnector& dest,
                                                       std::vector<TargetRecord>* records) {
  std::map<std::pair<std::string, std::string>, std::set<std::string>> wanted;
  for (const TargetRecord& r : *records) {
    for (const auto& [field, v] : r.values.items()) {
      if (!IsLookup(v)) continue;
      const Json& l = v["$lookup"];
      auto& set = wanted[{l.value("model", ""), l.value("field", "")}];
      if (l.value("many", false)) {
        for (const std::string& n : Names(l["value"])) set.insert(n);
      } else if (std::optional<std::string> s = ScalarText(l["value"])) {
        set.insert(*s);
      }
    }
  }
  std::map<std::pair<std::string, std::string>, std::map<std::string, std::string>> found;
  for (const auto& [key, values] : wanted) {
    BW_ASSIGN_OR_RETURN(found[key],
                        dest.LookupByField(key.first, key.second,
                                           std::vector<std::string>(values.begin(), values.end())));
  }
  std::vector<UnresolvedLookup> unresolved;
  for (TargetRecord& r : *records) {
    std::vector<std::string> drop;
    for (auto& [field, v] : r.values.items()) {
      if (!IsLookup(v)) continue;
      Json l = v["$lookup"];
      std::pair<std::string, std::string> key{l.value("model", ""), l.value("field", "")};
      const auto& ids = found[key];
      if (l.value("many", false)) {
        Json list = Json::array();
        for (const std::string& n : Names(l["value"])) {
          auto it = ids.find(n);
          if (it == ids.end()) {
            unresolved.push_back({r.Key(), field, key.first, n});
          } else {
            list.push_back(IdValue(it->second));
          }
        }
        if (list.empty()) {
          drop.push_back(field);
        } else {
          v = list;
        }
        continue;
      }
      std::string name = ScalarText(l["value"]).value_or("");
      auto it = ids.find(name);
      if (it == ids.end()) {
        unresolved.push_back({r.Key(), field, key.first, name});
        drop.push_back(field);
      } else {
        v = IdValue(it->second);
      }
    }
    for (const std::string& f : drop) r.values.erase(f);
  }
  return unresolved;
}

}  // namespace bridgework::mapping
