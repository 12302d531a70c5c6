// Reads the YAML map file (docs/map-format.md) into a MapFile. Strict: an unknown key, a wrong
// type or a missing required key fails with its path ("objects[2].targets[0].fields[3].tooo"),
// so a typo never silently drops a field. yaml-cpp throws; everything is caught here.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "common/ids.h"
#include "mapping/mapper.h"

namespace bridgework::mapping {
namespace {

class Reader {
 public:
  Status error() const { return error_; }
  bool failed() const { return !error_.ok(); }

  void Fail(const std::string& path, const std::string& what) {
    if (error_.ok()) error_ = InvalidArgument("map file: " + path + ": " + what);
  }

  // Checks that `node` is a map whose keys are all in `allowed`.
  bool CheckMap(const YAML::Node& node, const std::string& path,
                const std::set<std::string>& allowed) {
    if (!node.IsMap()) {
      Fail(path, "expected a mapping");
      return false;
    }
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>();
      if (!allowed.count(key)) {
        Fail(path.empty() ? key : path + "." + key, "unknown key");
        return false;
      }
    }
    return true;
  }

  std::string Str(const YAML::Node& node, const std::string& key, const std::string& path,
                  bool required = false) {
    YAML::Node v = node[key];
    if (!v || v.IsNull()) {
      if (required) Fail(Join(path, key), "required key missing");
      return "";
    }
    if (!v.IsScalar()) {
      Fail(Join(path, key), "expected text");
      return "";
    }
    return v.as<std::string>();
  }

  bool Bool(const YAML::Node& node, const std::string& key, const std::string& path) {
    YAML::Node v = node[key];
    if (!v || v.IsNull()) return false;
    std::string s = v.IsScalar() ? v.as<std::string>() : "";
    if (s == "true" || s == "yes") return true;
    if (s == "false" || s == "no") return false;
    Fail(Join(path, key), "expected true or false");
    return false;
  }

  // A scalar or a list of scalars.
  std::vector<std::string> StrList(const YAML::Node& node, const std::string& key,
                                   const std::string& path) {
    std::vector<std::string> out;
    YAML::Node v = node[key];
    if (!v || v.IsNull()) return out;
    if (v.IsScalar()) {
      out.push_back(v.as<std::string>());
      return out;
    }
    if (!v.IsSequence()) {
      Fail(Join(path, key), "expected text or a list of text");
      return out;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      if (!v[i].IsScalar()) {
        Fail(Join(path, key) + "[" + std::to_string(i) + "]", "expected text");
        return out;
      }
      out.push_back(v[i].as<std::string>());
    }
    return out;
  }

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  static std::string Index(const std::string& path, size_t i) {
    return path + "[" + std::to_string(i) + "]";
  }

 private:
  Status error_;
};

// YAML -> JSON; plain scalars become booleans or numbers when they look like one, quoted
// scalars stay text.
Json ToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return Json();
    case YAML::NodeType::Scalar: {
      std::string s = node.as<std::string>();
      if (node.Tag() == "!") return Json(s);
      if (s == "true" || s == "True") return Json(true);
      if (s == "false" || s == "False") return Json(false);
      if (s == "null" || s == "~") return Json();
      if (!s.empty() && s.find_first_not_of("-0123456789") == std::string::npos && s != "-" &&
          s.size() < 18 && !(s.size() > 1 && s[0] == '0')) {
        return Json(std::stoll(s));
      }
      if (!s.empty() && s.find_first_not_of("-0123456789.") == std::string::npos &&
          std::count(s.begin(), s.end(), '.') == 1 && s != "." && s != "-.") {
        try {
          return Json(std::stod(s));
        } catch (...) {
          return Json(s);
        }
      }
      return Json(s);
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node) out.push_back(ToJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = ToJson(kv.second);
      return out;
    }
  }
  return Json();
}

void ParseField(Reader& r, const YAML::Node& n, const std::string& path, FieldRule* f) {
  if (!r.CheckMap(n, path,
                  {"to", "from", "transforms", "args", "value_map", "default", "constant",
                   "required", "confidence", "reason", "lookup"})) {
    return;
  }
  f->to = r.Str(n, "to", path, true);
  f->from = r.StrList(n, "from", path);
  YAML::Node t = n["transforms"];
  if (t && !t.IsNull()) {
    // "trim", ["trim", "lower"], or [{phone_e164: {region: US}}, trim].
    YAML::Node list = t;
    if (t.IsScalar()) {
      f->transforms.push_back(t.as<std::string>());
    } else if (!t.IsSequence()) {
      r.Fail(Reader::Join(path, "transforms"), "expected a list");
      return;
    } else {
      for (size_t i = 0; i < t.size(); ++i) {
        std::string ipath = Reader::Index(Reader::Join(path, "transforms"), i);
        if (t[i].IsScalar()) {
          f->transforms.push_back(t[i].as<std::string>());
        } else if (t[i].IsMap() && t[i].size() == 1) {
          auto kv = *t[i].begin();
          std::string name = kv.first.as<std::string>();
          f->transforms.push_back(name);
          f->transform_args[name] = ToJson(kv.second);
        } else {
          r.Fail(ipath, "expected a transform name or {name: {options}}");
          return;
        }
      }
    }
  }
  if (YAML::Node a = n["args"]; a && !a.IsNull()) {
    if (!a.IsMap()) {
      r.Fail(Reader::Join(path, "args"), "expected a mapping of transform -> options");
      return;
    }
    for (const auto& kv : a) f->transform_args[kv.first.as<std::string>()] = ToJson(kv.second);
  }
  if (YAML::Node vm = n["value_map"]; vm && !vm.IsNull()) {
    if (!vm.IsMap()) {
      r.Fail(Reader::Join(path, "value_map"), "expected a mapping");
      return;
    }
    for (const auto& kv : vm) {
      if (!kv.second.IsScalar() && !kv.second.IsNull()) {
        r.Fail(Reader::Join(Reader::Join(path, "value_map"), kv.first.as<std::string>()),
               "expected text");
        return;
      }
      f->value_map[kv.first.as<std::string>()] =
          kv.second.IsNull() ? std::string() : kv.second.as<std::string>();
    }
  }
  if (YAML::Node d = n["default"]; d) f->default_value = ToJson(d);
  if (YAML::Node c = n["constant"]; c) f->constant = ToJson(c);
  f->required = r.Bool(n, "required", path);
  if (YAML::Node c = n["confidence"]; c && c.IsScalar()) {
    Json v = ToJson(c);
    if (!v.is_number()) {
      r.Fail(Reader::Join(path, "confidence"), "expected a number");
      return;
    }
    f->confidence = v.get<double>();
  }
  f->reason = r.Str(n, "reason", path);
  if (YAML::Node lk = n["lookup"]; lk && !lk.IsNull()) {
    std::string lpath = Reader::Join(path, "lookup");
    if (!r.CheckMap(lk, lpath, {"model", "field", "many"})) return;
    f->lookup_model = r.Str(lk, "model", lpath, true);
    f->lookup_field = r.Str(lk, "field", lpath, true);
    f->lookup_many = r.Bool(lk, "many", lpath);
  }
  if (f->from.empty() && !f->constant && !f->default_value) {
    r.Fail(path, "field '" + f->to + "' needs `from`, `constant` or `default`");
  }
}

void ParseReference(Reader& r, const YAML::Node& n, const std::string& path, ReferenceRule* ref) {
  if (!r.CheckMap(n, path, {"to", "from", "object", "target", "required"})) return;
  ref->to = r.Str(n, "to", path, true);
  ref->from = r.Str(n, "from", path);
  ref->object = r.Str(n, "object", path);
  ref->target = r.Str(n, "target", path);
  ref->required = r.Bool(n, "required", path);
}

void ParseTarget(Reader& r, const YAML::Node& n, const std::string& path, TargetRule* t) {
  if (!r.CheckMap(n, path, {"tag", "model", "fields", "references", "when", "module"})) return;
  t->tag = r.Str(n, "tag", path);
  t->model = r.Str(n, "model", path, true);
  t->when = r.Str(n, "when", path);
  t->module = r.Str(n, "module", path);
  if (t->tag.empty()) t->tag = t->model;
  YAML::Node fields = n["fields"];
  if (fields && !fields.IsNull()) {
    if (!fields.IsSequence()) return r.Fail(Reader::Join(path, "fields"), "expected a list");
    for (size_t i = 0; i < fields.size() && !r.failed(); ++i) {
      FieldRule f;
      ParseField(r, fields[i], Reader::Index(Reader::Join(path, "fields"), i), &f);
      t->fields.push_back(std::move(f));
    }
  }
  YAML::Node refs = n["references"];
  if (refs && !refs.IsNull()) {
    if (!refs.IsSequence()) return r.Fail(Reader::Join(path, "references"), "expected a list");
    for (size_t i = 0; i < refs.size() && !r.failed(); ++i) {
      ReferenceRule ref;
      ParseReference(r, refs[i], Reader::Index(Reader::Join(path, "references"), i), &ref);
      t->references.push_back(std::move(ref));
    }
  }
}

void ParseTargets(Reader& r, const YAML::Node& n, const std::string& path,
                  std::vector<TargetRule>* out) {
  if (!n || n.IsNull()) return;
  if (!n.IsSequence()) return r.Fail(path, "expected a list");
  for (size_t i = 0; i < n.size() && !r.failed(); ++i) {
    TargetRule t;
    ParseTarget(r, n[i], Reader::Index(path, i), &t);
    out->push_back(std::move(t));
  }
}

void ParseObject(Reader& r, const YAML::Node& n, const std::string& path, ObjectMap* o) {
  if (!r.CheckMap(n, path,
                  {"object", "label", "targets", "fallbacks", "note", "unmapped", "match"})) {
    return;
  }
  o->object = r.Str(n, "object", path, true);
  o->label = r.Str(n, "label", path);
  o->note = r.Str(n, "note", path);
  ParseTargets(r, n["targets"], Reader::Join(path, "targets"), &o->targets);
  if (YAML::Node m = n["match"]; m && !m.IsNull()) {
    std::string mpath = Reader::Join(path, "match");
    if (!r.CheckMap(m, mpath, {"model", "field", "from", "by_name_from"})) return;
    MatchRule rule;
    rule.model = r.Str(m, "model", mpath, true);
    rule.field = r.Str(m, "field", mpath, true);
    rule.from = r.StrList(m, "from", mpath);
    rule.by_name_from = r.Str(m, "by_name_from", mpath);
    o->match = rule;
  }
  YAML::Node fbs = n["fallbacks"];
  if (fbs && !fbs.IsNull()) {
    if (!fbs.IsSequence()) return r.Fail(Reader::Join(path, "fallbacks"), "expected a list");
    for (size_t i = 0; i < fbs.size() && !r.failed(); ++i) {
      std::string fpath = Reader::Index(Reader::Join(path, "fallbacks"), i);
      if (!r.CheckMap(fbs[i], fpath, {"module", "action", "targets", "reason"})) return;
      Fallback fb;
      fb.module = r.Str(fbs[i], "module", fpath, true);
      fb.action = r.Str(fbs[i], "action", fpath, true);
      fb.reason = r.Str(fbs[i], "reason", fpath);
      if (fb.action != "custom_fields" && fb.action != "export_csv" && fb.action != "skip") {
        return r.Fail(Reader::Join(fpath, "action"), "expected custom_fields, export_csv or skip");
      }
      ParseTargets(r, fbs[i]["targets"], Reader::Join(fpath, "targets"), &fb.targets);
      o->fallbacks.push_back(std::move(fb));
    }
  }
  YAML::Node um = n["unmapped"];
  if (um && !um.IsNull()) {
    if (!um.IsSequence()) return r.Fail(Reader::Join(path, "unmapped"), "expected a list");
    for (size_t i = 0; i < um.size() && !r.failed(); ++i) {
      std::string upath = Reader::Index(Reader::Join(path, "unmapped"), i);
      if (!r.CheckMap(um[i], upath, {"field", "reason"})) return;
      o->unmapped.push_back({r.Str(um[i], "field", upath, true), r.Str(um[i], "reason", upath)});
    }
  }
}

void ParseCustomField(Reader& r, const YAML::Node& n, const std::string& path,
                      connectors::CustomFieldSpec* c) {
  if (!r.CheckMap(n, path, {"model", "name", "type", "label", "relation", "options"})) return;
  c->model = r.Str(n, "model", path, true);
  c->name = r.Str(n, "name", path, true);
  c->type = r.Str(n, "type", path, true);
  c->label = r.Str(n, "label", path);
  c->relation = r.Str(n, "relation", path);
  static const std::set<std::string> kTypes = {
      "char",    "text",     "html",      "boolean",  "integer",     "float",  "monetary",
      "date",    "datetime", "selection", "many2one", "links",       "emails", "phones",
      "address", "currency", "number",    "rating",   "multi_select"};
  if (!r.failed() && !kTypes.count(c->type)) r.Fail(Reader::Join(path, "type"), "unknown type");
  YAML::Node opts = n["options"];
  if (opts && !opts.IsNull()) {
    if (!opts.IsSequence()) return r.Fail(Reader::Join(path, "options"), "expected a list");
    for (size_t i = 0; i < opts.size(); ++i) {
      std::string opath = Reader::Index(Reader::Join(path, "options"), i);
      const YAML::Node& o = opts[i];
      if (o.IsScalar()) {
        c->options.emplace_back(o.as<std::string>(), o.as<std::string>());
      } else if (o.IsSequence() && o.size() == 2) {
        c->options.emplace_back(o[0].as<std::string>(), o[1].as<std::string>());
      } else if (o.IsMap()) {
        if (!r.CheckMap(o, opath, {"value", "label"})) return;
        std::string v = r.Str(o, "value", opath, true);
        std::string l = r.Str(o, "label", opath);
        c->options.emplace_back(v, l.empty() ? v : l);
      } else {
        return r.Fail(opath, "expected value, [value, label] or {value, label}");
      }
    }
  }
  if (c->type == "selection" && c->options.empty() && !r.failed()) {
    r.Fail(path, "selection field '" + c->name + "' has no options");
  }
}

StatusOr<MapFile> Parse(const YAML::Node& root) {
  Reader r;
  MapFile map;
  if (!r.CheckMap(root, "",
                  {"pair", "source", "destination", "objects", "custom_fields", "records",
                   "no_home", "rebuild_only", "schema_only", "notes", "owners"})) {
    return r.error();
  }
  map.pair = r.Str(root, "pair", "");
  map.source = r.Str(root, "source", "", true);
  map.destination = r.Str(root, "destination", "", true);
  YAML::Node objs = root["objects"];
  if (objs && !objs.IsNull()) {
    if (!objs.IsSequence()) return InvalidArgument("map file: objects: expected a list");
    for (size_t i = 0; i < objs.size() && !r.failed(); ++i) {
      ObjectMap o;
      ParseObject(r, objs[i], Reader::Index("objects", i), &o);
      map.objects.push_back(std::move(o));
    }
  }
  YAML::Node cfs = root["custom_fields"];
  if (cfs && !cfs.IsNull()) {
    if (!cfs.IsSequence()) return InvalidArgument("map file: custom_fields: expected a list");
    for (size_t i = 0; i < cfs.size() && !r.failed(); ++i) {
      connectors::CustomFieldSpec c;
      ParseCustomField(r, cfs[i], Reader::Index("custom_fields", i), &c);
      map.custom_fields.push_back(std::move(c));
    }
  }
  YAML::Node recs = root["records"];
  if (recs && !recs.IsNull()) {
    if (!recs.IsSequence()) return InvalidArgument("map file: records: expected a list");
    for (size_t i = 0; i < recs.size() && !r.failed(); ++i) {
      std::string path = Reader::Index("records", i);
      if (!r.CheckMap(recs[i], path, {"model", "name", "values"})) break;
      connectors::NamedRecordSpec spec;
      spec.model = r.Str(recs[i], "model", path, true);
      spec.name = r.Str(recs[i], "name", path, true);
      if (recs[i]["values"]) spec.values = ToJson(recs[i]["values"]);
      if (!spec.values.is_object()) r.Fail(Reader::Join(path, "values"), "expected a mapping");
      map.records.push_back(std::move(spec));
    }
  }
  YAML::Node nh = root["no_home"];
  if (nh && !nh.IsNull()) {
    if (!nh.IsSequence()) return InvalidArgument("map file: no_home: expected a list");
    for (size_t i = 0; i < nh.size() && !r.failed(); ++i) {
      std::string path = Reader::Index("no_home", i);
      if (!r.CheckMap(nh[i], path, {"object", "label", "columns", "reason"})) break;
      NoHome h;
      h.object = r.Str(nh[i], "object", path, true);
      h.label = r.Str(nh[i], "label", path);
      h.columns = r.StrList(nh[i], "columns", path);
      h.reason = r.Str(nh[i], "reason", path, true);
      map.no_home.push_back(std::move(h));
    }
  }
  YAML::Node ro = root["rebuild_only"];
  if (ro && !ro.IsNull()) {
    if (!ro.IsSequence()) return InvalidArgument("map file: rebuild_only: expected a list");
    for (size_t i = 0; i < ro.size() && !r.failed(); ++i) {
      std::string path = Reader::Index("rebuild_only", i);
      if (!r.CheckMap(ro[i], path, {"object", "label", "reason"})) break;
      RebuildOnly b;
      b.object = r.Str(ro[i], "object", path, true);
      b.label = r.Str(ro[i], "label", path);
      b.reason = r.Str(ro[i], "reason", path, true);
      map.rebuild_only.push_back(std::move(b));
    }
  }
  YAML::Node so = root["schema_only"];
  if (so && !so.IsNull()) {
    if (!so.IsSequence()) return InvalidArgument("map file: schema_only: expected a list");
    for (size_t i = 0; i < so.size() && !r.failed(); ++i) {
      std::string path = Reader::Index("schema_only", i);
      if (!r.CheckMap(so[i], path, {"object", "label", "reason"})) break;
      RebuildOnly b;
      b.object = r.Str(so[i], "object", path, true);
      b.label = r.Str(so[i], "label", path);
      b.reason = r.Str(so[i], "reason", path, true);
      map.schema_only.push_back(std::move(b));
    }
  }
  YAML::Node ow = root["owners"];
  if (ow && !ow.IsNull()) {
    if (!ow.IsSequence()) return InvalidArgument("map file: owners: expected a list");
    for (size_t i = 0; i < ow.size() && !r.failed(); ++i) {
      std::string path = Reader::Index("owners", i);
      if (!r.CheckMap(ow[i], path, {"object", "id", "email", "name", "text", "as"})) break;
      OwnerSource o;
      o.object = r.Str(ow[i], "object", path, true);
      o.id = r.Str(ow[i], "id", path);
      o.email = r.StrList(ow[i], "email", path);
      o.name = r.StrList(ow[i], "name", path);
      o.text = r.Str(ow[i], "text", path);
      o.as = r.Str(ow[i], "as", path);
      if (o.text.empty() && o.email.empty() && o.name.empty()) {
        r.Fail(path, "expected `text`, or `email` and/or `name`");
      } else if (!o.text.empty() && (!o.email.empty() || !o.name.empty())) {
        r.Fail(path, "`text` and `email`/`name` exclude each other");
      }
      map.owners.push_back(std::move(o));
    }
  }
  if (r.failed()) return r.error();
  // Structural checks that need the whole file.
  std::set<std::string> objects;
  for (size_t i = 0; i < map.objects.size(); ++i) {
    const ObjectMap& o = map.objects[i];
    if (!objects.insert(o.object).second) {
      return InvalidArgument("map file: " + Reader::Index("objects", i) + ": object '" + o.object +
                             "' appears twice");
    }
    std::set<std::string> tags;
    for (size_t j = 0; j < o.targets.size(); ++j) {
      if (!tags.insert(o.targets[j].tag).second) {
        return InvalidArgument("map file: " + Reader::Index("objects", i) + ".targets[" +
                               std::to_string(j) + "]: tag '" + o.targets[j].tag +
                               "' appears twice");
      }
    }
  }
  return map;
}

}  // namespace

StatusOr<MapFile> ParseMapFile(const std::string& yaml_text) {
  try {
    YAML::Node root = YAML::Load(yaml_text);
    if (!root || root.IsNull()) return InvalidArgument("map file is empty");
    BW_ASSIGN_OR_RETURN(MapFile map, Parse(root));
    map.content_hash = Sha256Hex(yaml_text);
    return map;
  } catch (const YAML::Exception& e) {
    return InvalidArgument("map file is not valid YAML: line " + std::to_string(e.mark.line + 1) +
                           ": " + e.msg);
  }
}

StatusOr<MapFile> LoadMapFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read map file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  StatusOr<MapFile> map = ParseMapFile(ss.str());
  if (!map.ok()) return map.status().Annotate(path);
  return map;
}

}  // namespace bridgework::mapping
