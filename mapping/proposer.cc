#include "mapping/proposer.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "mapping/proposer_synonyms.h"
#include "mapping/text_util.h"
#include "mapping/transforms.h"

namespace bridgework::mapping {
namespace {

// Source-side prefixes that group fields but do not change their meaning.
std::string StripPrefixes(std::string k) {
  for (const char* p : {"cp_", "intake_", "ozel_alanlar_", "properties_", "contact_",
                        "address_lines_", "adres_", "sigorta_", "insurance_", "name_"}) {
    std::string ps = p;
    if (k.size() > ps.size() && k.compare(0, ps.size(), ps) == 0 &&
        (ps == "cp_" || ps == "intake_" || ps == "ozel_alanlar_" || ps == "properties_" ||
         ps == "contact_")) {
      return k.substr(ps.size());
    }
  }
  return k;
}

// "dateOfBirth" -> "date_of_birth"; "x_date_of_birth" -> "date_of_birth".
std::string DestKey(const std::string& field) {
  std::string snake;
  for (size_t i = 0; i < field.size(); ++i) {
    char c = field[i];
    if (c >= 'A' && c <= 'Z') {
      // A new word where a capital follows a small letter ("dateOfBirth", not "DOB").
      if (i > 0 && field[i - 1] >= 'a' && field[i - 1] <= 'z') snake.push_back('_');
      snake.push_back(static_cast<char>(c + 32));
    } else {
      snake.push_back(c);
    }
  }
  std::string k = FoldKey(snake);
  if (k.rfind("x_", 0) == 0) k = k.substr(2);
  return k;
}

double Bigram(const std::string& a, const std::string& b) {
  if (a.size() < 2 || b.size() < 2) return a == b ? 1.0 : 0.0;
  std::multiset<std::string> x, y;
  for (size_t i = 0; i + 1 < a.size(); ++i) x.insert(a.substr(i, 2));
  for (size_t i = 0; i + 1 < b.size(); ++i) y.insert(b.substr(i, 2));
  size_t common = 0;
  for (const std::string& g : x) {
    auto it = y.find(g);
    if (it != y.end()) {
      ++common;
      y.erase(it);
    }
  }
  return 2.0 * static_cast<double>(common) / static_cast<double>(a.size() + b.size() - 2);
}

bool Parses(const std::vector<std::string>& samples, const char* format) {
  for (const std::string& s : samples) {
    if (!ParseDateTime(s, Json(format), "UTC").ok()) return false;
  }
  return !samples.empty();
}

// The first date format every sample parses with (day-first when a day > 12 shows it).
std::string DateFormatOf(const std::vector<std::string>& samples, bool with_time) {
  static const char* kDates[] = {"iso", "MM/DD/YYYY", "DD/MM/YYYY", "DD.MM.YYYY", "YYYY/MM/DD"};
  static const char* kTimes[] = {"iso",
                                 "MM/DD/YYYY HH:mm:ss",
                                 "MM/DD/YYYY HH:mm",
                                 "DD/MM/YYYY HH:mm:ss",
                                 "DD/MM/YYYY HH:mm",
                                 "DD.MM.YYYY HH:mm:ss",
                                 "DD.MM.YYYY HH:mm",
                                 "epoch_ms",
                                 "epoch"};
  if (with_time) {
    for (const char* f : kTimes) {
      if (Parses(samples, f)) return f;
    }
  } else {
    for (const char* f : kDates) {
      if (Parses(samples, f)) return f;
    }
  }
  return "";
}

std::string CamelCase(const std::string& folded) {
  std::string out;
  bool up = false;
  for (char c : folded) {
    if (c == '_') {
      up = !out.empty();
      continue;
    }
    out.push_back(up && c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
    up = false;
  }
  return out;
}

bool FieldExists(const connectors::DestinationSchema& schema, const std::string& model,
                 const std::string& field) {
  auto m = schema.models.find(model);
  if (m == schema.models.end()) return false;
  std::string root = field.substr(0, field.find('.'));
  return m->second.fields.count(field) > 0 || m->second.fields.count(root) > 0;
}

const connectors::FieldInfo* FindField(const connectors::DestinationSchema& schema,
                                       const std::string& model, const std::string& field) {
  auto m = schema.models.find(model);
  if (m == schema.models.end()) return nullptr;
  auto f = m->second.fields.find(field);
  return f == m->second.fields.end() ? nullptr : &f->second;
}

bool IsCustomName(const std::string& kind, const std::string& field) {
  if (kind == "odoo") return field.rfind("x_", 0) == 0;
  return field.find('.') == std::string::npos;  // Twenty custom fields are plain camelCase
}

std::vector<std::string> TransformsFor(const std::string& value_type, const std::string& kind,
                                       const SourceFieldInfo& f, std::string* note) {
  if (value_type == "email") return {"email"};
  if (value_type == "phone") return {"phone_e164"};
  if (value_type == "bool") return {"bool"};
  if (value_type == "money") return {"money"};
  if (value_type == "int") return {"int"};
  if (value_type == "date" || value_type == "datetime") {
    std::string fmt = DateFormatOf(f.samples, value_type == "datetime");
    *note = fmt.empty() ? "" : fmt;
    return {value_type == "datetime" ? "datetime" : "date"};
  }
  (void)kind;
  return {"trim"};
}

}  // namespace

std::string DetectValueType(const std::vector<std::string>& samples) {
  std::vector<std::string> s;
  for (const std::string& v : samples) {
    if (!TrimCopy(v).empty()) s.push_back(TrimCopy(v));
  }
  if (s.empty()) return "empty";
  auto share = [&](auto pred) {
    size_t n = std::count_if(s.begin(), s.end(), pred);
    return static_cast<double>(n) / static_cast<double>(s.size());
  };
  if (share([](const std::string& v) { return NormalizeEmail(v).ok(); }) >= 0.8) return "email";
  if (share([](const std::string& v) { return ParseBool(v).ok() && v.size() <= 5; }) >= 0.95 &&
      share([](const std::string& v) { return v == "0" || v == "1"; }) < 0.95) {
    return "bool";
  }
  if (!DateFormatOf(s, false).empty()) return "date";
  // Epoch numbers and amounts ("1234.50") parse as epochs: a datetime needs separators.
  if (!DateFormatOf(s, true).empty() && share([](const std::string& v) {
                                          return v.find_first_not_of("0123456789.,-") !=
                                                 std::string::npos;
                                        }) > 0.5) {
    return "datetime";
  }
  if (share([](const std::string& v) {
        bool ok = PhoneToE164(v, "US").ok() || PhoneToE164(v, "GB").ok() ||
                  PhoneToE164(v, "TR").ok() || PhoneToE164(v, "AU").ok();
        return ok && (v.find(' ') != std::string::npos || v.find('-') != std::string::npos ||
                      v[0] == '+' || v[0] == '(');
      }) >= 0.8) {
    return "phone";
  }
  if (share([](const std::string& v) {
        return v.find_first_not_of("0123456789.,-") == std::string::npos &&
               (v.find('.') != std::string::npos || v.find(',') != std::string::npos);
      }) >= 0.9) {
    return "money";
  }
  if (share([](const std::string& v) {
        return v.find_first_not_of("0123456789") == std::string::npos;
      }) >= 0.95) {
    return "int";
  }
  if (share([](const std::string& v) {
        return v.size() <= 16 && v.find(' ') == std::string::npos &&
               std::any_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); });
      }) >= 0.9) {
    return "code";
  }
  return "text";
}

StatusOr<LearnedPairs> LoadLearnedPairs(const std::string& path) {
  LearnedPairs out;
  std::ifstream in(path);
  if (!in) return out;
  std::stringstream ss;
  ss << in.rdbuf();
  Json j = Json::parse(ss.str(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return DataLoss("learned pairs file " + path + " is unreadable");
  const Json pairs = j.value("pairs", Json::object());  // a named value: items() refers to it
  for (const auto& [k, v] : pairs.items()) {
    if (v.is_string()) out.pairs[k] = v.get<std::string>();
  }
  return out;
}

Status LearnFromMap(const MapFile& map, const std::string& path) {
  BW_ASSIGN_OR_RETURN(LearnedPairs learned, LoadLearnedPairs(path));
  for (const ObjectMap& o : map.objects) {
    for (const TargetRule& t : o.targets) {
      for (const FieldRule& f : t.fields) {
        if (f.from.size() != 1 || f.constant) continue;
        // Keyed like the proposer reads names (camelCase split, folded), per model and plain.
        std::string key = DestKey(f.from[0]);
        learned.pairs[key + "@" + o.object + "/" + t.model] = t.model + "." + f.to;
        learned.pairs[key + "@" + t.model] = t.model + "." + f.to;
      }
    }
  }
  Json j = {{"pairs", learned.pairs}};
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Unavailable("cannot write " + tmp);
    out << j.dump(2) << "\n";
  }
  ::chmod(tmp.c_str(), 0600);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Unavailable("cannot write " + path);
  return Status::Ok();
}

Proposer::Proposer(connectors::DestinationSchema schema, LearnedPairs learned,
                   ProposerOptions options)
    : schema_(std::move(schema)), learned_(std::move(learned)), options_(options) {}

std::vector<Proposal> Proposer::Propose(const std::string& model,
                                        const std::vector<SourceFieldInfo>& fields,
                                        const std::string& object) const {
  std::vector<Proposal> out;
  const std::string& kind = schema_.kind;
  // The destination fields a concept stands for on this model, in the table's order; fields
  // the destination lacks only when they are custom-field names.
  auto targets_of = [&](const Concept& c) {
    std::vector<std::string> found;
    for (const char* cand : kind == "twenty" ? c.twenty : c.odoo) {
      std::string s = cand;
      std::string m = s.substr(0, s.find(':')), field = s.substr(s.find(':') + 1);
      if (m != "*" && m != model) continue;
      if (!FieldExists(schema_, model, field) && !IsCustomName(kind, field)) continue;
      found.push_back(field);
    }
    return found;
  };
  const Concept* source_id = nullptr;
  for (const Concept& c : ProposerConcepts()) {
    if (std::string(c.key) == "source id") source_id = &c;
  }
  for (const SourceFieldInfo& f : fields) {
    Proposal p;
    p.field = f.name;
    std::string key = DestKey(f.name);  // camelCase split, folded
    std::string core = StripPrefixes(key);
    std::string vtype = DetectValueType(f.samples);
    auto finish = [&](const std::string& target, double conf, std::string reason,
                      const std::string& want_type, const char* custom_type,
                      const char* transform) {
      std::string fmt;
      p.target_field = target;
      p.custom = !FieldExists(schema_, model, target);
      p.custom_type = custom_type ? custom_type : "char";
      std::string tv = !want_type.empty() ? want_type : vtype;
      if (tv == "date" && vtype == "datetime") tv = "datetime";
      p.transforms = TransformsFor(tv, kind, f, &fmt);
      if (transform != nullptr && *transform) p.transforms = {transform};
      if (!fmt.empty()) reason += "; values read as " + fmt;
      if (!want_type.empty() && vtype != "empty" && vtype != want_type &&
          !(want_type == "date" && vtype == "datetime") &&
          !(want_type == "datetime" && vtype == "date") &&
          !(want_type == "money" && vtype == "int") && !(want_type == "bool" && vtype == "int")) {
        conf -= 0.3;
        reason += "; but the values look like " + vtype;
      }
      if (p.custom) reason += "; custom field " + target + " to create";
      // A link to another record takes its id, not the text: only a concept that knows how to
      // look it up (country, state) is trusted with one.
      if (!p.custom && (transform == nullptr || !*transform)) {
        const connectors::FieldInfo* fi = FindField(schema_, model, target);
        if (fi != nullptr &&
            (fi->type == "many2one" || fi->type == "many2many" || fi->type == "one2many") &&
            want_type.empty() && custom_type == nullptr) {
          conf = std::min(conf, 0.7);
          reason += "; " + target + " links to " +
                    (fi->relation.empty() ? "another model" : fi->relation) + ": needs a lookup";
        }
      }
      p.confidence = conf;
      p.reason = reason;
    };
    // 1. What a person confirmed before comes first, whatever else the field looks like.
    auto learned_for = [&](const std::string& k) -> std::string {
      auto learned = learned_.pairs.find(k);
      if (learned == learned_.pairs.end() || learned->second.rfind(model + ".", 0) != 0) return "";
      return learned->second.substr(model.size() + 1);
    };
    if (std::string same = object.empty() ? "" : learned_for(key + "@" + object + "/" + model);
        !same.empty()) {
      finish(same, 0.97, "confirmed in an earlier map", "", nullptr, nullptr);
      out.push_back(p);
      continue;
    }
    std::string other = learned_for(key + "@" + model);
    if (other.empty()) other = learned_for(key);  // files written by older versions
    if (other.empty()) other = learned_for(FoldKey(f.name));
    if (!other.empty()) {
      finish(other, 0.75, "unsure: confirmed in an earlier map for another object", "", nullptr,
             nullptr);
      out.push_back(p);
      continue;
    }
    if (f.reference) {
      p.reason = "reference to another object: goes under references, not fields";
      out.push_back(p);
      continue;
    }
    bool person_model = model == "res.partner" || model == "crm.lead" || model == "people";
    if (f.primary_key) {
      // The record's own id is the idempotency key; a map often also keeps it readable in the
      // destination (Odoo's `ref`, or a source-id field), which a person decides.
      std::string home;
      if (FieldExists(schema_, model, "ref")) {
        home = "ref";
      } else if ((person_model || kind == "twenty") && source_id != nullptr) {
        std::vector<std::string> t = targets_of(*source_id);
        if (!t.empty()) home = t.front();
      }
      if (home.empty()) {
        p.reason = "the record's own id: it becomes the idempotency key (external id)";
        out.push_back(p);
        continue;
      }
      finish(home, 0.75, "the record's own id (also the idempotency key), kept as " + home, "",
             nullptr, nullptr);
    }
    if (f.modified_at && !person_model && p.target_field.empty()) {
      p.reason = "modification time: used as the delta watermark";
      out.push_back(p);
      continue;
    }
    // 2. Synonyms. A concept whose home here is a field the destination does not have yet is
    // proposed as a custom field, but not with confidence: its name is a convention to check.
    if (p.target_field.empty()) {
      for (const Concept& c : ProposerConcepts()) {
        bool hit = false;
        for (const char* syn : c.synonyms) hit |= (core == syn || key == syn);
        if (!hit) continue;
        std::vector<std::string> homes = targets_of(c);
        if (!homes.empty()) {
          const std::string& field = homes.front();
          bool exists = FieldExists(schema_, model, field);
          finish(field, exists ? c.confidence : std::min(c.confidence, 0.78),
                 std::string("synonym of '") + c.key + "'" +
                     (exists ? "" : "; the new field's name is a suggestion"),
                 c.value_type, c.custom_type, c.transform);
          if (std::string(c.transform) == "address") {
            p.reason +=
                "; a whole address: map its other parts (street2, city, zip, state) "
                "from the same field with the address transform";
          }
        } else {
          p.reason = std::string("means '") + c.key + "', which " + model + " has no field for";
        }
        break;
      }
    }
    // 3. Same name (normalised) as a destination field.
    auto m = schema_.models.find(model);
    if (p.target_field.empty() && m != schema_.models.end()) {
      for (const auto& [name, info] : m->second.fields) {
        if (DestKey(name) == core || DestKey(name) == key) {
          // Only after dropping a group prefix ("contact_name" -> "name"): less sure.
          finish(name, DestKey(name) == key ? 0.95 : 0.85, "same name as " + model + "." + name, "",
                 nullptr, nullptr);
          break;
        }
      }
      // 4. Similar name.
      if (p.target_field.empty() && core.size() >= 4) {
        double best = 0;
        std::string best_name;
        for (const auto& [name, info] : m->second.fields) {
          double sim = Bigram(DestKey(name), core);
          if (sim > best) {
            best = sim;
            best_name = name;
          }
        }
        if (best >= 0.8) {
          finish(best_name, 0.55 + 0.4 * (best - 0.8) / 0.2,
                 "name similar to " + model + "." + best_name, "", nullptr, nullptr);
        }
      }
    }
    // 5. Value profile alone.
    if (p.target_field.empty() && vtype == "email" &&
        FieldExists(schema_, model, kind == "twenty" ? "emails" : "email")) {
      finish(
          kind == "twenty" ? "emails.primaryEmail" : (model == "crm.lead" ? "email_from" : "email"),
          0.7, "values are email addresses", "email", "char", nullptr);
    }
    // 6. A custom field of the source's own name (prefix groups kept: "cp_", "intake_").
    if (p.target_field.empty()) {
      if (vtype == "empty") {
        p.reason = p.reason.empty() ? "no values and no matching field: unmapped" : p.reason;
        p.confidence = 0.2;
      } else {
        std::string name = kind == "twenty" ? CamelCase(key) : "x_" + key;
        if (name.size() > 60) name = name.substr(0, 60);
        const char* type = vtype == "date"       ? "date"
                           : vtype == "datetime" ? "datetime"
                           : vtype == "bool"     ? "boolean"
                           : vtype == "money"    ? "float"
                           : vtype == "int"      ? "integer"
                                                 : "char";
        finish(name, 0.62,
               (p.reason.empty() ? std::string("no standard field") : p.reason) +
                   "; keeps the source's own name",
               vtype == "text" || vtype == "code" ? "" : vtype, type, nullptr);
        p.custom = true;
        p.custom_type = type;
      }
    }
    out.push_back(p);
  }
  // One source field per destination field: the most confident proposal keeps it (the first
  // on a tie); the others are demoted below the threshold with the reason.
  std::map<std::string, size_t> best;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].target_field.empty()) continue;
    auto it = best.find(out[i].target_field);
    if (it == best.end() || out[i].confidence > out[it->second].confidence) {
      best[out[i].target_field] = i;
    }
  }
  for (size_t i = 0; i < out.size(); ++i) {
    Proposal& p = out[i];
    if (!p.target_field.empty() && best[p.target_field] != i && p.confidence < 0.97) {
      p.reason += "; " + p.target_field + " already taken by " + out[best[p.target_field]].field;
      p.confidence = std::min(p.confidence, 0.4);
    }
  }
  for (Proposal& p : out) {
    if (p.confidence < options_.min_confidence) {
      if (!p.target_field.empty()) {
        p.reason = "unsure (" + std::to_string(static_cast<int>(p.confidence * 100)) + "%) about " +
                   p.target_field + ": " + p.reason;
      }
      p.target_field.clear();
      p.transforms.clear();
      p.custom = false;
    } else if (p.confidence < options_.confident_at) {
      p.reason = "unsure: " + p.reason;
    }
  }
  return out;
}

StatusOr<connectors::DestinationSchema> SchemaFromJson(const Json& j) {
  if (!j.is_object() || !j.contains("models")) return InvalidArgument("schema JSON needs models");
  connectors::DestinationSchema s;
  s.kind = j.value("kind", "");
  s.version = j.value("version", "");
  for (const auto& [model, fields] : j["models"].items()) {
    connectors::ModelInfo& mi = s.models[model];
    mi.name = model;
    for (const auto& [name, info] : fields.items()) {
      connectors::FieldInfo fi;
      fi.name = name;
      if (info.is_string()) {
        fi.type = info.get<std::string>();
      } else {
        fi.type = info.value("type", "");
        fi.label = info.value("label", "");
        fi.relation = info.value("relation", "");
        fi.required = info.value("required", false);
      }
      mi.fields[name] = fi;
    }
  }
  for (const Json& m : j.value("modules", Json::array())) s.modules.insert(m.get<std::string>());
  return s;
}

std::string ProposalYaml(const std::string& object, const std::string& model,
                         const std::vector<Proposal>& proposals) {
  auto q = [](const std::string& s) { return Json(s).dump(); };
  std::string out = "  - object: " + q(object) + "\n    targets:\n      - tag: " +
                    q(model == "res.partner" ? "partner" : "record") +
                    "\n        model: " + q(model) + "\n        fields:\n";
  std::string unmapped;
  for (const Proposal& p : proposals) {
    if (p.target_field.empty()) {
      unmapped += "      - {field: " + q(p.field) + ", reason: " + q(p.reason) + "}\n";
      continue;
    }
    std::string t;
    for (const std::string& x : p.transforms) t += (t.empty() ? "" : ", ") + x;
    char conf[16];
    std::snprintf(conf, sizeof(conf), "%.2f", p.confidence);
    out += "          - {to: " + q(p.target_field) + ", from: " + q(p.field) + ", transforms: [" +
           t + "], confidence: " + conf + ", reason: " + q(p.reason) + "}\n";
  }
  if (!unmapped.empty()) out += "    unmapped:\n" + unmapped;
  return out;
}

Json ProposalJson(const std::string& object, const std::string& model,
                  const std::vector<Proposal>& proposals) {
  Json fields = Json::array();
  for (const Proposal& p : proposals) {
    fields.push_back(Json{{"field", p.field},
                          {"target", p.target_field},
                          {"transforms", p.transforms},
                          {"confidence", p.confidence},
                          {"reason", p.reason},
                          {"custom", p.custom},
                          {"custom_type", p.custom ? p.custom_type : ""}});
  }
  return Json{{"object", object}, {"model", model}, {"fields", fields}};
}

}  // namespace bridgework::mapping
