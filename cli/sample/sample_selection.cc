#include "cli/sample/sample_selection.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "common/ids.h"

namespace bridgework::cli::sample {
namespace {

// Source field names a `when` condition reads: the first word of each " and " clause.
std::vector<std::string> ConditionFields(const std::string& when) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < when.size()) {
    size_t end = when.find(" and ", pos);
    if (end == std::string::npos) end = when.size();
    std::string clause = when.substr(pos, end - pos);
    size_t b = clause.find_first_not_of(' ');
    if (b != std::string::npos) {
      size_t e = clause.find_first_of(" !=<>", b);
      out.push_back(clause.substr(b, e == std::string::npos ? std::string::npos : e - b));
    }
    pos = end + 5;
  }
  return out;
}

void AddTargets(const std::vector<mapping::TargetRule>& targets, const std::string& object,
                const connectors::SourceDescription& source, ObjectRules* r) {
  for (const auto& t : targets) {
    for (const auto& f : t.fields) {
      for (const auto& from : f.from) {
        r->text_fields.insert(from);
        if (!f.value_map.empty() || !f.lookup_model.empty()) r->categorical_fields.insert(from);
      }
      for (const auto& [k, v] : f.value_map) r->shown_values.insert(k);
    }
    for (const auto& field : ConditionFields(t.when)) r->categorical_fields.insert(field);
    for (const auto& ref : t.references) {
      if (ref.object.empty() || ref.object == object || ref.from.empty()) continue;
      if (source.Find(ref.object) == nullptr) {
        r->categorical_fields.insert(ref.from);  // an owner named as text ("provider")
        continue;
      }
      bool known = false;
      for (const auto& p : r->parents) known = known || (p.field == ref.from);
      if (!known) r->parents.push_back({ref.from, ref.object});
    }
  }
}

std::string Shown(const std::string& value, const ObjectRules& rules) {
  if (rules.shown_values.count(value)) return value;
  return "#" + Sha256Hex(value).substr(0, 10);
}

}  // namespace

const ObjectRules* SelectionRules::Find(const std::string& object) const {
  for (const auto& o : objects) {
    if (o.object == object) return &o;
  }
  return nullptr;
}

SelectionRules RulesFrom(const mapping::MapFile* map, const connectors::SourceDescription& source) {
  std::vector<ObjectRules> unordered;
  for (const auto& so : source.objects) {
    ObjectRules r;
    r.object = so.name;
    r.attachment_fields.insert(so.attachment_fields.begin(), so.attachment_fields.end());
    const mapping::ObjectMap* om = map != nullptr ? map->Find(so.name) : nullptr;
    if (om != nullptr) {
      AddTargets(om->targets, so.name, source, &r);
      for (const auto& fb : om->fallbacks) AddTargets(fb.targets, so.name, source, &r);
    }
    if (om == nullptr || r.parents.empty()) {
      // Not moved by the map (or no reference in it): the source's own edges keep links whole.
      for (const auto& ref : so.references) {
        if (ref.object == so.name || source.Find(ref.object) == nullptr) continue;
        bool known = false;
        for (const auto& p : r.parents) known = known || (p.field == ref.field);
        if (!known) r.parents.push_back(ref);
      }
    }
    if (map == nullptr) {
      // No map: nothing says which values matter; every child object is still covered.
    }
    unordered.push_back(std::move(r));
  }
  // Parents before children (a cycle, which the planner refuses anyway, keeps source order).
  SelectionRules out;
  std::set<std::string> placed;
  while (out.objects.size() < unordered.size()) {
    bool progress = false;
    for (auto& r : unordered) {
      if (placed.count(r.object)) continue;
      bool ready = true;
      for (const auto& p : r.parents) {
        ready = ready && (placed.count(p.object) || p.object == r.object);
      }
      if (!ready) continue;
      placed.insert(r.object);
      out.objects.push_back(r);
      progress = true;
    }
    if (!progress) {
      for (auto& r : unordered) {
        if (placed.insert(r.object).second) out.objects.push_back(r);
      }
    }
  }
  return out;
}

RecordFacts FactsOf(const SourceRecord& record, const ObjectRules& rules) {
  RecordFacts f;
  f.id = record.id;
  f.features.push_back(rules.object + ":present");
  for (const auto& p : rules.parents) {
    const std::string* v = record.Get(p.field);
    if (v != nullptr && !v->empty()) f.parents.push_back({p.field, p.object, *v});
  }
  for (const auto& field : rules.categorical_fields) {
    const std::string* v = record.Get(field);
    f.features.push_back(rules.object + "." + field + "=" +
                         (v == nullptr ? std::string("(empty)") : Shown(*v, rules)));
  }
  for (const auto& field : rules.text_fields) {
    const std::string* v = record.Get(field);
    if (v == nullptr || v->empty()) continue;
    f.features.push_back(rules.object + "." + field +
                         (v->size() > kLongTextChars ? ":long" : ":short"));
  }
  for (const auto& field : rules.attachment_fields) {
    const std::string* v = record.Get(field);
    if (v != nullptr && !v->empty())
      f.features.push_back(rules.object + "." + field + ":attachment");
  }
  return f;
}

int64_t Selection::Count(const std::string& object) const {
  auto it = ids.find(object);
  return it == ids.end() ? 0 : static_cast<int64_t>(it->second.size());
}

Json Selection::ToJson() const {
  Json j;
  j["root_object"] = root_object;
  j["roots_available"] = roots_available;
  j["features"] = features;
  j["roots"] = Json::array();
  for (const auto& r : roots) {
    j["roots"].push_back({{"id", r.id}, {"why", r.fill ? Json("fill") : Json(r.covers)}});
  }
  j["ids"] = Json::object();
  j["counts"] = Json::object();
  for (const auto& [object, set] : ids) {
    j["ids"][object] = Json(std::vector<std::string>(set.begin(), set.end()));
    j["counts"][object] = set.size();
  }
  return j;
}

Selection SelectSample(const SelectionRules& rules,
                       const std::map<std::string, std::vector<RecordFacts>>& records,
                       int64_t size) {
  Selection sel;
  auto records_of = [&](const std::string& object) -> const std::vector<RecordFacts>& {
    static const std::vector<RecordFacts> kNone;
    auto it = records.find(object);
    return it == records.end() ? kNone : it->second;
  };
  // 1. The root object: the one most other objects hang from (the patients: appointments,
  // notes, plans, invoices...), then the most records. It may itself reference others (a
  // patient's carrier, provider, location): those are features, not its tree.
  std::map<std::string, std::set<std::string>> child_objects;
  for (const auto& o : rules.objects) {
    for (const auto& p : o.parents) {
      if (p.object != o.object) child_objects[p.object].insert(o.object);
    }
  }
  size_t best_children = 0, best = 0;
  for (const auto& o : rules.objects) {
    auto c = child_objects.find(o.object);
    if (c == child_objects.end()) continue;
    const size_t n = c->second.size(), records = records_of(o.object).size();
    if (sel.root_object.empty() || n > best_children || (n == best_children && records > best)) {
      sel.root_object = o.object;
      best_children = n;
      best = records;
    }
  }
  if (sel.root_object.empty() && !rules.objects.empty()) sel.root_object = rules.objects[0].object;
  if (sel.root_object.empty()) return sel;
  const std::string& root = sel.root_object;

  // 2. Which root each record of the root's descendants belongs to (parents come first).
  std::set<std::string> descendants = {root};
  std::map<std::string, std::unordered_map<std::string, std::string>> owner;  // object->id->root
  for (const auto& r : records_of(root)) owner[root][r.id] = r.id;
  for (const auto& o : rules.objects) {
    if (o.object == root) continue;
    bool child = false;
    for (const auto& p : o.parents) child = child || descendants.count(p.object) > 0;
    if (!child) continue;
    descendants.insert(o.object);
    for (const auto& r : records_of(o.object)) {
      for (const auto& link : r.parents) {
        auto oit = owner.find(link.object);
        if (oit == owner.end()) continue;
        auto it = oit->second.find(link.id);
        if (it != oit->second.end()) {
          owner[o.object][r.id] = it->second;
          break;
        }
      }
    }
  }

  // 3. Features per root: its own, its descendants', and its references to other objects;
  // not the values of a field that is categorical in name only (kMaxCategoryValues).
  std::set<std::string> too_many_values;  // "object.field=" prefixes
  {
    std::map<std::string, std::set<std::string>> values;  // prefix -> distinct features
    std::map<std::string, size_t> records_per_object;
    for (const auto& [object, list] : records) {
      records_per_object[object] = list.size();
      for (const auto& r : list) {
        for (const auto& f : r.features) {
          const size_t eq = f.find('=');
          if (eq != std::string::npos) values[f.substr(0, eq + 1)].insert(f);
        }
      }
    }
    for (const auto& [prefix, distinct] : values) {
      const size_t n = records_per_object[prefix.substr(0, prefix.find('.'))];
      if (distinct.size() > kMaxCategoryValues && distinct.size() * 10 > n) {
        too_many_values.insert(prefix);
      }
    }
  }
  auto counts_for_coverage = [&](const std::string& f) {
    const size_t eq = f.find('=');
    return eq == std::string::npos || !too_many_values.count(f.substr(0, eq + 1));
  };
  std::unordered_map<std::string, std::set<std::string>> feats;
  std::set<std::string> long_fields;
  for (const auto& object : descendants) {
    auto oit = owner.find(object);
    for (const auto& r : records_of(object)) {
      if (oit == owner.end()) break;
      auto it = oit->second.find(r.id);
      if (it == oit->second.end()) continue;
      auto& fs = feats[it->second];
      for (const auto& f : r.features) {
        if (!counts_for_coverage(f)) continue;
        fs.insert(f);
        if (f.size() > 5 && f.compare(f.size() - 5, 5, ":long") == 0) {
          long_fields.insert(f.substr(0, f.size() - 5));
        }
      }
      for (const auto& link : r.parents) {
        if (!descendants.count(link.object)) {
          fs.insert(object + "." + link.field + "->" + link.object + "/" + link.id);
        }
      }
    }
  }
  // A short value matters only where the same field also has long ones (notes).
  std::set<std::string> all;
  for (auto& [id, fs] : feats) {
    for (auto it = fs.begin(); it != fs.end();) {
      const std::string& f = *it;
      if (f.size() > 6 && f.compare(f.size() - 6, 6, ":short") == 0 &&
          !long_fields.count(f.substr(0, f.size() - 6))) {
        it = fs.erase(it);
      } else {
        all.insert(f);
        ++it;
      }
    }
  }
  sel.features = static_cast<int64_t>(all.size());

  // 4. Greedy cover in source order (ties go to the earlier root), then fill up to `size`.
  const auto& roots = records_of(root);
  sel.roots_available = static_cast<int64_t>(roots.size());
  std::vector<bool> chosen(roots.size(), false);
  std::set<std::string> uncovered = all;
  while (!uncovered.empty()) {
    size_t pick = roots.size();
    size_t gain = 0;
    for (size_t i = 0; i < roots.size(); ++i) {
      if (chosen[i]) continue;
      auto it = feats.find(roots[i].id);
      if (it == feats.end()) continue;
      size_t g = 0;
      for (const auto& f : it->second) g += uncovered.count(f);
      if (g > gain) {
        gain = g;
        pick = i;
      }
    }
    if (pick == roots.size()) break;
    chosen[pick] = true;
    ChosenRoot c{roots[pick].id, {}, false};
    for (const auto& f : feats[roots[pick].id]) {
      if (uncovered.erase(f)) c.covers.push_back(f);
    }
    sel.roots.push_back(std::move(c));
  }
  for (size_t i = 0; i < roots.size() && static_cast<int64_t>(sel.roots.size()) < size; ++i) {
    if (chosen[i]) continue;
    chosen[i] = true;
    sel.roots.push_back({roots[i].id, {}, true});
  }

  // 5. Every descendant of a chosen root, then every parent they reference (transitively).
  std::set<std::string> chosen_ids;
  for (const auto& c : sel.roots) chosen_ids.insert(c.id);
  for (const auto& object : descendants) {
    auto oit = owner.find(object);
    if (oit == owner.end()) continue;
    for (const auto& [id, r] : oit->second) {
      if (chosen_ids.count(r)) sel.ids[object].insert(id);
    }
  }
  std::map<std::string, std::unordered_map<std::string, const RecordFacts*>> index;
  for (const auto& [object, list] : records) {
    for (const auto& r : list) index[object][r.id] = &r;
  }
  std::vector<std::pair<std::string, std::string>> work;
  for (const auto& [object, set] : sel.ids) {
    for (const auto& id : set) work.push_back({object, id});
  }
  while (!work.empty()) {
    auto [object, id] = work.back();
    work.pop_back();
    auto it = index[object].find(id);
    if (it == index[object].end()) continue;
    for (const auto& link : it->second->parents) {
      if (!index[link.object].count(link.id)) continue;  // a dangling link stays unlinked
      if (sel.ids[link.object].insert(link.id).second) work.push_back({link.object, link.id});
    }
  }
  return sel;
}

}  // namespace bridgework::cli::sample
