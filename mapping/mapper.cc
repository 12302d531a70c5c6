// Applies a map to source records: per target, the `when` condition, then each field's sources,
// transforms, value map, default and required check, then the references (left unresolved).
#include "mapping/mapper.h"

#include <algorithm>
#include <chrono>

#include "mapping/condition.h"
#include "mapping/text_util.h"
#include "mapping/transform_registry.h"

namespace bridgework::mapping {

struct Mapper::Compiled {
  struct Target {
    const TargetRule* rule;
    Condition condition;
    std::vector<std::vector<const TransformInfo*>> transforms;  // per field
  };
  struct Object {
    std::vector<TargetRule> rules;    // effective targets after fallbacks
    std::vector<Target> targets;      // pointers into `rules`
    Json date_args = Json::object();  // source field -> date/datetime options (for conditions)
    bool export_csv = false;
  };
  std::map<std::string, Object> objects;
  std::set<std::string> passive;  // no_home and rebuild_only objects: no targets, no error
  int64_t as_of = 0;
};

namespace {

const std::vector<TargetRule> kNoTargets;

std::string FieldName(const FieldRule& f) {
  std::string out;
  for (const std::string& s : f.from) out += (out.empty() ? "" : "+") + s;
  return out.empty() ? f.to : out;
}

bool IsEmpty(const Json& v) {
  if (v.is_null()) return true;
  if (v.is_string()) return v.get<std::string>().empty();
  if (v.is_array()) {
    for (const Json& e : v) {
      if (!IsEmpty(e)) return false;
    }
    return true;
  }
  return false;
}

// Value map lookup: exact, then case/space-insensitive, then "*" (anything else).
std::optional<std::string> LookupValueMap(const std::map<std::string, std::string>& vm,
                                          const std::string& key) {
  auto it = vm.find(key);
  if (it != vm.end()) return it->second;
  std::string folded = FoldKey(key);
  for (const auto& [k, v] : vm) {
    if (FoldKey(k) == folded) return v;
  }
  it = vm.find("*");
  if (it != vm.end()) return it->second;
  return std::nullopt;
}

Json MappedValue(const std::string& s) {
  if (s.empty()) return Json();
  if (s == "true") return Json(true);
  if (s == "false") return Json(false);
  return Json(s);
}

}  // namespace

Mapper::Mapper(MapFile map, std::shared_ptr<const Compiled> compiled,
               std::vector<std::string> applied_fallbacks)
    : map_(std::move(map)),
      compiled_(std::move(compiled)),
      applied_fallbacks_(std::move(applied_fallbacks)) {}

StatusOr<std::unique_ptr<Mapper>> Mapper::Create(MapFile map) {
  return Create(std::move(map), MapperOptions{});
}

StatusOr<std::unique_ptr<Mapper>> Mapper::Create(MapFile map, MapperOptions options) {
  auto compiled = std::make_shared<Compiled>();
  std::vector<std::string> applied;
  if (options.as_of.empty()) {
    compiled->as_of = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  } else {
    BW_ASSIGN_OR_RETURN(compiled->as_of, IsoToEpochSeconds(options.as_of));
  }
  const TransformRegistry& registry = TransformRegistry::Builtin();
  for (const NoHome& h : map.no_home) compiled->passive.insert(h.object);
  for (const RebuildOnly& r : map.rebuild_only) compiled->passive.insert(r.object);
  for (const RebuildOnly& r : map.schema_only) compiled->passive.insert(r.object);

  for (const ObjectMap& o : map.objects) {
    Compiled::Object& co = compiled->objects[o.object];
    std::set<std::string> missing_handled;
    for (const TargetRule& t : o.targets) {
      bool installed = t.module.empty() || !options.modules || options.modules->count(t.module);
      if (installed) {
        co.rules.push_back(t);
        continue;
      }
      if (missing_handled.count(t.module)) continue;
      missing_handled.insert(t.module);
      const Fallback* fb = nullptr;
      for (const Fallback& f : o.fallbacks) {
        if (f.module == t.module) fb = &f;
      }
      if (fb == nullptr) {
        return FailedPrecondition("map: object " + o.object + " target " + t.tag +
                                  " needs module '" + t.module +
                                  "', which is not installed, and the map has no fallback for it");
      }
      applied.push_back(o.object + ": module " + t.module + " missing -> " + fb->action +
                        (fb->reason.empty() ? "" : " (" + fb->reason + ")"));
      if (fb->action == "custom_fields") {
        for (const TargetRule& ft : fb->targets) co.rules.push_back(ft);
      } else if (fb->action == "export_csv") {
        co.export_csv = true;
      }
    }
    if (co.export_csv) co.rules.clear();
    // How the map reads each date field, from every target (a fallback target's condition may
    // read a field only the replaced target transforms).
    auto collect_dates = [&co](const std::vector<TargetRule>& targets) {
      for (const TargetRule& t : targets) {
        for (const FieldRule& f : t.fields) {
          for (const std::string& name : f.transforms) {
            if ((name == "date" || name == "datetime") && f.from.size() == 1 &&
                f.transform_args.contains(name) && !co.date_args.contains(f.from[0])) {
              co.date_args[f.from[0]] = f.transform_args[name];
            }
          }
        }
      }
    };
    collect_dates(o.targets);
    for (const Fallback& f : o.fallbacks) collect_dates(f.targets);
    for (const TargetRule& t : co.rules) {
      Compiled::Target ct{&t, Condition(), {}};
      if (t.fields.empty() && t.references.empty()) {
        return InvalidArgument("map: object " + o.object + " target " + t.tag + " has no fields");
      }
      StatusOr<Condition> cond = Condition::Parse(t.when);
      if (!cond.ok()) {
        return cond.status().Annotate("map: object " + o.object + " target " + t.tag);
      }
      ct.condition = std::move(*cond);
      for (const FieldRule& f : t.fields) {
        std::vector<const TransformInfo*> chain;
        for (const std::string& name : f.transforms) {
          const TransformInfo* info = registry.Find(name);
          if (info == nullptr) {
            return InvalidArgument("map: object " + o.object + " target " + t.tag + " field " +
                                   f.to + ": unknown transform '" + name + "'");
          }
          chain.push_back(info);
        }
        ct.transforms.push_back(std::move(chain));
      }
      co.targets.push_back(std::move(ct));
    }
  }
  return std::unique_ptr<Mapper>(new Mapper(std::move(map), std::move(compiled), applied));
}

const std::vector<TargetRule>& Mapper::EffectiveTargets(const std::string& object) const {
  auto it = compiled_->objects.find(object);
  return it == compiled_->objects.end() ? kNoTargets : it->second.rules;
}

bool Mapper::ExportedAsCsv(const std::string& object) const {
  for (const NoHome& h : map_.no_home) {
    if (h.object == object) return true;
  }
  auto it = compiled_->objects.find(object);
  return it != compiled_->objects.end() && it->second.export_csv;
}

MapResult Mapper::Apply(const SourceRecord& record) const {
  MapResult result;
  auto error = [&](const std::string& field, const std::string& reason,
                   const std::optional<std::string>& value) {
    RowError e;
    e.object = record.object;
    e.record_id = record.id;
    e.file = record.file;
    e.line = record.line;
    e.field = field;
    e.reason = reason;
    e.value_kind = DescribeValueKind(value);
    result.errors.push_back(std::move(e));
  };
  auto it = compiled_->objects.find(record.object);
  if (it == compiled_->objects.end()) {
    if (!compiled_->passive.count(record.object)) {
      error("", "object '" + record.object + "' is not in the map", std::nullopt);
    }
    return result;
  }
  const Compiled::Object& co = it->second;
  for (const Compiled::Target& ct : co.targets) {
    const TargetRule& rule = *ct.rule;
    StatusOr<bool> match = ct.condition.Matches(record, compiled_->as_of, co.date_args);
    if (!match.ok()) {
      std::string field = ct.condition.Fields().empty() ? "" : ct.condition.Fields()[0];
      const std::string* v = record.Get(field);
      error(field, "condition of target " + rule.tag + ": " + match.status().message(),
            v ? std::optional<std::string>(*v) : std::nullopt);
      continue;
    }
    if (!*match) continue;
    TargetRecord out;
    out.model = rule.model;
    out.object = record.object;
    out.source_id = record.id;
    out.target = rule.tag;
    for (size_t i = 0; i < rule.fields.size(); ++i) {
      const FieldRule& f = rule.fields[i];
      Json value;
      std::optional<std::string> first_raw;
      if (f.constant) {
        value = *f.constant;
      } else if (f.from.size() == 1) {
        if (const std::string* v = record.Get(f.from[0])) {
          value = *v;
          first_raw = *v;
        }
      } else if (f.from.size() > 1) {
        value = Json::array();
        for (const std::string& name : f.from) {
          const std::string* v = record.Get(name);
          if (v && !first_raw) first_raw = *v;
          value.push_back(v ? Json(*v) : Json());
        }
      }
      bool failed = false;
      for (const TransformInfo* info : ct.transforms[i]) {
        Json args =
            f.transform_args.contains(info->name) ? f.transform_args[info->name] : Json::object();
        StatusOr<Json> next = TransformRegistry::Apply(*info, value, args);
        if (!next.ok()) {
          error(FieldName(f), rule.model + "." + f.to + ": " + next.status().message(), first_raw);
          failed = true;
          break;
        }
        value = std::move(*next);
      }
      if (failed) continue;
      const bool lines = value.is_array() &&
                         std::any_of(value.begin(), value.end(),
                                     [](const Json& v) { return v.is_object() || v.is_array(); });
      if (value.is_array() && !lines) {
        // Several sources and no joining transform: keep the first non-empty. A list of
        // objects is a transform's output (one2many lines from `lines`) and is kept whole.
        Json first;
        for (const Json& v : value) {
          if (!IsEmpty(v)) {
            first = v;
            break;
          }
        }
        value = first;
      }
      if (!f.value_map.empty() && !IsEmpty(value)) {
        std::optional<std::string> key = ScalarText(value);
        std::optional<std::string> mapped = LookupValueMap(f.value_map, *key);
        if (!mapped) {
          error(FieldName(f), rule.model + "." + f.to + ": value not in the value map", first_raw);
          continue;
        }
        value = MappedValue(*mapped);
      }
      if (IsEmpty(value) && f.default_value) {
        value = *f.default_value;
        if (value.is_string() && value.get<std::string>().empty()) {
          out.values[f.to] = "";  // an explicit empty default is written as "" (Twenty)
          continue;
        }
      }
      if (IsEmpty(value)) {
        if (f.required) {
          error(FieldName(f), rule.model + "." + f.to + ": required value is empty", first_raw);
        }
        continue;  // an empty value is not written: the destination keeps its default
      }
      if (!f.lookup_model.empty()) {
        // Resolved by the writer (ResolveLookups): the destination's own record, by field.
        value = Json{{"$lookup",
                      {{"model", f.lookup_model},
                       {"field", f.lookup_field},
                       {"value", value},
                       {"many", f.lookup_many}}}};
      }
      out.values[f.to] = std::move(value);
    }
    for (const ReferenceRule& r : rule.references) {
      Reference ref;
      ref.field = r.to;
      ref.required = r.required;
      ref.target = r.target;
      if (r.object.empty()) {
        ref.object = record.object;
        ref.source_id = record.id;
      } else {
        ref.object = r.object;
        if (r.from.empty()) {
          ref.source_id = record.id;
        } else if (const std::string* v = record.Get(r.from)) {
          ref.source_id = TrimCopy(*v);
        }
      }
      out.references.push_back(std::move(ref));
    }
    result.targets.push_back(std::move(out));
  }
  if (!result.errors.empty()) result.targets.clear();
  return result;
}

}  // namespace bridgework::mapping
