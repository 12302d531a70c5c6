#include "mapping/proposer.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "mapping/text_util.h"
#include "mapping/transforms.h"

namespace bridgework::mapping {
namespace {

// A concept a source field may express: its names in several languages, the destination
// fields that hold it ("model:field", '*' for any model; x_/camelCase fields are custom), the
// value profile it expects and the custom type when a custom field is proposed.
struct Concept {
  const char* key;
  std::vector<const char*> synonyms;  // folded forms (FoldKey) are compared
  std::vector<const char*> odoo;
  std::vector<const char*> twenty;
  const char* value_type;  // "" any
  const char* custom_type;
};

const std::vector<Concept>& Concepts() {
  static const std::vector<Concept> kConcepts = {
      {"date of birth",
       {"dob", "birthdate", "birth_date", "date_of_birth", "birthday", "born", "geburtsdatum",
        "fecha_de_nacimiento", "fecha_nacimiento", "dogum_tarihi", "date_de_naissance",
        "data_di_nascita", "geboortedatum", "data_de_nascimento", "dateofbirth", "d_o_b"},
       {"*:x_date_of_birth"},
       {"people:dateOfBirth"},
       "date",
       "date"},
      {"email",
       {"email", "e_mail", "email_address", "mail", "eposta", "e_posta", "correo",
        "correo_electronico", "courriel", "contact_email", "emailaddress", "adresse_email",
        "e_mail_adresse", "primary_email"},
       {"crm.lead:email_from", "*:email"},
       {"people:emails.primaryEmail"},
       "email",
       "char"},
      {"phone",
       {"phone", "home_phone", "telephone", "tel", "telefon", "telefono", "phone_number",
        "landline", "work_phone", "contact_phone", "telefonnummer", "numero_de_telephone",
        "ev_telefonu", "primary_phone", "claim_phone"},
       {"*:phone"},
       {"people:phones.primaryPhoneNumber", "companies:phone"},
       "phone",
       "char"},
      {"mobile",
       {"mobile", "mobile_phone", "cell", "cell_phone", "cellphone", "cep", "cep_telefonu", "handy",
        "handynummer", "movil", "telefono_movil", "portable", "mobile_number", "gsm"},
       {"*:mobile"},
       {"people:phones.additionalPhones"},
       "phone",
       "char"},
      {"first name",
       {"first_name", "firstname", "given_name", "forename", "fname", "ad", "adi", "nombre",
        "vorname", "prenom", "nome", "voornaam", "name_first", "first"},
       {},
       {"people:name.firstName"},
       "",
       "char"},
      {"last name",
       {"last_name", "lastname", "surname", "family_name", "lname", "soyad", "soyadi", "apellido",
        "apellidos", "nachname", "nom", "nom_de_famille", "cognome", "achternaam", "name_last",
        "last"},
       {},
       {"people:name.lastName"},
       "",
       "char"},
      {"gender",
       {"gender", "sex", "cinsiyet", "geschlecht", "sexo", "sexe", "genre"},
       {"*:x_gender"},
       {"people:gender"},
       "",
       "selection"},
      {"preferred name",
       {"preferred_name", "nickname", "known_as", "rufname", "tercih_edilen_ad"},
       {"*:x_preferred_name"},
       {"people:preferredName"},
       "",
       "char"},
      {"city",
       {"city", "town", "il", "sehir", "stadt", "ort", "ciudad", "ville", "citta", "address_city",
        "adres_il", "suburb"},
       {"*:city"},
       {"people:city", "companies:address.addressCity"},
       "",
       "char"},
      {"zip",
       {"zip", "zip_code", "zipcode", "postal_code", "postcode", "posta_kodu", "plz",
        "postleitzahl", "codigo_postal", "code_postal", "cap", "address_postalcode",
        "adres_posta_kodu", "address_postal_code"},
       {"*:zip"},
       {"people:address.addressPostcode", "companies:address.addressPostcode"},
       "",
       "char"},
      {"street",
       {"street", "street_address", "address_line_1", "address1", "addr1", "adres_satir1",
        "strasse", "calle", "rue", "address_lines_0", "line1"},
       {"*:street"},
       {"people:address.addressStreet1", "companies:address.addressStreet1"},
       "",
       "char"},
      {"street2",
       {"street2", "address_line_2", "address2", "addr2", "adres_satir2", "address_lines_1",
        "line2", "apartment", "suite"},
       {"*:street2"},
       {"people:address.addressStreet2", "companies:address.addressStreet2"},
       "",
       "char"},
      {"country",
       {"country", "ulke", "land", "pais", "pays", "paese", "address_country", "adres_ulke",
        "country_code"},
       {"*:country_id"},
       {"people:address.addressCountry", "companies:address.addressCountry"},
       "",
       "char"},
      {"state",
       {"state", "province", "region", "county", "bundesland", "provincia", "eyalet"},
       {"*:state_id"},
       {"people:address.addressState", "companies:address.addressState"},
       "",
       "char"},
      {"source id",
       {"patient_id", "patientid", "patient_number", "patient_no", "hasta_id", "hasta_no",
        "chart_number", "record_number", "patienten_id", "id_paciente", "numero_patient",
        "source_id", "legacy_id", "external_id"},
       {"*:x_source_patient_id"},
       {"people:sourcePatientId", "companies:sourceId"},
       "",
       "char"},
      {"policy number",
       {"policy_number", "policy_no", "policy", "police_no", "police_numarasi", "member_number",
        "fund_member_number", "insurance_member_number", "membership_number", "subscriber_id",
        "versichertennummer", "policennummer", "numero_de_poliza", "numero_poliza",
        "insurance_policy_number", "sigorta_police_no", "insurance_membernumber"},
       {"*:x_insurance_policy_number"},
       {"people:insurancePolicyNumber"},
       "",
       "char"},
      {"group number",
       {"group_number", "group_no", "grup_no", "group_id", "gruppennummer", "numero_de_grupo",
        "sigorta_grup_no", "insurance_group_number"},
       {"*:x_insurance_group_number"},
       {"people:insuranceGroupNumber", "companies:groupNumber"},
       "",
       "char"},
      {"created",
       {"created", "created_at", "created_on", "date_created", "creation_date", "kayit_zamani",
        "kayit_tarihi", "erstellt", "erstellt_am", "fecha_de_creacion", "createdat"},
       {"*:x_legacy_create_date"},
       {"people:legacyCreatedAt"},
       "",
       "datetime"},
      {"modified",
       {"updated_at", "last_modified", "modified", "modified_at", "modifiedat", "updated_on",
        "guncelleme_zamani", "geaendert", "geandert_am", "fecha_de_modificacion", "updatedat"},
       {"*:x_legacy_write_date"},
       {"people:legacyUpdatedAt"},
       "",
       "datetime"},
      {"consent sms",
       {"consent_sms", "sms_consent", "sms_opt_in", "sms_izni", "sms_reminders", "sms_ok",
        "sms_einwilligung"},
       {"*:x_consent_sms"},
       {"people:consentSms"},
       "bool",
       "boolean"},
      {"consent email",
       {"consent_email", "email_consent", "email_opt_in", "eposta_izni", "email_ok"},
       {"*:x_consent_email"},
       {"people:consentEmail"},
       "bool",
       "boolean"},
      {"consent postal",
       {"consent_postal", "postal_consent", "mail_opt_in", "post_izni"},
       {"*:x_consent_postal"},
       {"people:consentPostal"},
       "bool",
       "boolean"},
      {"treatment case status",
       {"treatment_case_status", "case_status", "treatment_status", "tedavi_durumu"},
       {"crm.lead:x_treatment_case_status"},
       {"people:treatmentCaseStatus"},
       "",
       "selection"},
      {"organisation name",
       {"company", "company_name", "practice_name", "organisation", "organization", "clinic_name",
        "carrier_name", "fund_name", "kurum_adi", "lab_name", "office_name", "location_name",
        "sube_adi", "firma", "empresa", "payer_name"},
       {"res.partner:name", "crm.team:name", "res.company:name"},
       {"companies:name"},
       "",
       "char"},
      {"national id",
       {"tc_kimlik_no", "national_id", "ssn", "social_security_number", "nhs_number",
        "properties_nhsnumber", "dni", "personalausweis"},
       {"*:x_national_id"},
       {"people:nationalId"},
       "",
       "char"},
  };
  return kConcepts;
}

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
  if (!DateFormatOf(s, true).empty() && share([](const std::string& v) {
                                          return v.find_first_not_of("0123456789") !=
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
        learned.pairs[FoldKey(f.from[0])] = t.model + "." + f.to;
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
                                        const std::vector<SourceFieldInfo>& fields) const {
  std::vector<Proposal> out;
  const std::string& kind = schema_.kind;
  std::set<std::string> taken;  // one source field per destination field
  for (const SourceFieldInfo& f : fields) {
    Proposal p;
    p.field = f.name;
    std::string key = DestKey(f.name);  // camelCase split, folded
    std::string core = StripPrefixes(key);
    std::string vtype = DetectValueType(f.samples);
    auto finish = [&](const std::string& target, double conf, std::string reason,
                      const std::string& want_type, const char* custom_type) {
      std::string fmt;
      p.target_field = target;
      p.custom = !FieldExists(schema_, model, target);
      p.custom_type = custom_type ? custom_type : "char";
      std::string tv = !want_type.empty() ? want_type : vtype;
      if (tv == "date" && vtype == "datetime") tv = "datetime";
      p.transforms = TransformsFor(tv, kind, f, &fmt);
      if (!fmt.empty()) reason += "; values read as " + fmt;
      if (!want_type.empty() && vtype != "empty" && vtype != want_type &&
          !(want_type == "date" && vtype == "datetime") &&
          !(want_type == "bool" && vtype == "int")) {
        conf -= 0.3;
        reason += "; but the values look like " + vtype;
      }
      if (p.custom) reason += "; custom field " + target + " to create";
      p.confidence = conf;
      p.reason = reason;
    };
    if (f.reference) {
      p.reason = "reference to another object: goes under references, not fields";
      out.push_back(p);
      continue;
    }
    bool person_model = model == "res.partner" || model == "crm.lead" || model == "people";
    if (f.primary_key && !person_model) {
      p.reason = "the record's own id: it becomes the idempotency key (external id)";
      out.push_back(p);
      continue;
    }
    if (f.modified_at && !person_model) {
      p.reason = "modification time: used as the delta watermark";
      out.push_back(p);
      continue;
    }
    // 1. Learned pairs.
    auto learned = learned_.pairs.find(key);
    if (learned != learned_.pairs.end() && learned->second.rfind(model + ".", 0) == 0) {
      finish(learned->second.substr(model.size() + 1), 0.97, "confirmed in an earlier map", "",
             nullptr);
    }
    // 2. Synonyms.
    if (p.target_field.empty()) {
      for (const Concept& c : Concepts()) {
        bool hit = false;
        for (const char* syn : c.synonyms) hit |= (core == syn || key == syn);
        if (!hit) continue;
        const auto& cands = kind == "twenty" ? c.twenty : c.odoo;
        for (const char* cand : cands) {
          std::string s = cand;
          std::string m = s.substr(0, s.find(':')), field = s.substr(s.find(':') + 1);
          if (m != "*" && m != model) continue;
          if (!FieldExists(schema_, model, field) && !IsCustomName(kind, field)) continue;
          finish(field, 0.9, std::string("synonym of '") + c.key + "'", c.value_type,
                 c.custom_type);
          break;
        }
        if (p.target_field.empty()) {
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
          finish(name, 0.95, "same name as " + model + "." + name, "", nullptr);
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
                 "name similar to " + model + "." + best_name, "", nullptr);
        }
      }
    }
    // 5. Value profile alone.
    if (p.target_field.empty() && vtype == "email" &&
        FieldExists(schema_, model, kind == "twenty" ? "emails" : "email")) {
      finish(
          kind == "twenty" ? "emails.primaryEmail" : (model == "crm.lead" ? "email_from" : "email"),
          0.7, "values are email addresses", "email", "char");
    }
    // 6. A custom field of the source's own name.
    if (p.target_field.empty()) {
      if (vtype == "empty") {
        p.reason = p.reason.empty() ? "no values and no matching field: unmapped" : p.reason;
        p.confidence = 0.2;
      } else {
        std::string name = kind == "twenty" ? CamelCase(core) : "x_" + core;
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
               vtype == "text" || vtype == "code" ? "" : vtype, type);
        p.custom = true;
        p.custom_type = type;
      }
    }
    if (!p.target_field.empty() && taken.count(p.target_field) && p.confidence < 0.97) {
      p.reason += "; " + p.target_field + " already taken by another field";
      p.confidence = std::min(p.confidence, 0.4);
    }
    if (p.confidence < options_.min_confidence) {
      if (!p.target_field.empty()) {
        p.reason = "unsure (" + std::to_string(static_cast<int>(p.confidence * 100)) + "%) about " +
                   p.target_field + ": " + p.reason;
      }
      p.target_field.clear();
      p.transforms.clear();
      p.custom = false;
    } else {
      taken.insert(p.target_field);
    }
    out.push_back(p);
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
