#include "tests/mapping/proposer_scoring.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "connectors/sources/bundle/bundle_source.h"
#include "connectors/sources/profiles/profile.h"
#include "mapping/mapper.h"
#include "mapping/proposer.h"
#include "mapping/text_util.h"

namespace bridgework::mapping::eval {
namespace {

// Other names real exports give a field, keyed by the folded names the four vendor profiles use.
// Written from how practice-management and CRM exports name their columns (English, Spanish,
// German, Turkish); the i-th column of an object takes alternative i modulo their number.
struct Alias {
  std::vector<const char*> names;  // folded source names (after prefix groups are dropped)
  std::vector<const char*> other;  // other real-world names
};

const std::vector<Alias>& Aliases() {
  static const std::vector<Alias> kAliases = {
      {{"first_name", "given_name", "name_first", "ad"},
       {"Nombre", "Vorname", "Adı", "Forename", "Given Names"}},
      {{"last_name", "family_name", "name_last", "soyad"},
       {"Apellidos", "Nachname", "Soyadı", "Surname", "Family Name"}},
      {{"date_of_birth", "dateofbirth", "dogum_tarihi"},
       {"Fecha de nacimiento", "Geburtsdatum", "Doğum Tarihi", "Birth Date", "DOB"}},
      {{"gender", "sex", "cinsiyet"}, {"Sexo", "Geschlecht", "Cinsiyeti", "Gender", "Sex"}},
      {{"email", "email_address", "contact_email", "eposta"},
       {"Correo electrónico", "E-Mail-Adresse", "E-posta Adresi", "Email Addr", "Mail"}},
      {{"home_phone", "contact_phone", "telefon"},
       {"Teléfono", "Telefonnummer", "Ev Telefonu", "Phone Number", "Tel."}},
      {{"mobile_phone", "mobile", "contact_mobile", "cep_telefonu"},
       {"Teléfono móvil", "Handynummer", "Cep Tel", "Cell Phone", "Mobile No"}},
      {{"address_city", "adres_il", "city"}, {"Ciudad", "Stadt", "Şehir", "Town", "City/Town"}},
      {{"address_postal_code", "address_postalcode", "adres_posta_kodu"},
       {"Código postal", "PLZ", "Posta Kodu", "Postcode", "ZIP Code"}},
      {{"country", "address_country", "adres_ulke"}, {"País", "Land", "Ülke", "Country Name"}},
      {{"adres_satir1", "address_lines_0"},
       {"Dirección", "Straße", "Adres Satırı 1", "Address Line 1", "Street Address"}},
      {{"adres_satir2", "address_lines_1"},
       {"Dirección 2", "Adresszusatz", "Adres Satırı 2", "Address Line 2", "Apartment"}},
      {{"preferred_name"}, {"Nombre preferido", "Rufname", "Tercih Edilen Ad", "Nickname"}},
      {{"created_at", "created", "kayit_zamani", "createdat"},
       {"Fecha de creación", "Erstellt am", "Kayıt Tarihi", "Date Created", "Created On"}},
      {{"updated_at", "last_modified", "guncelleme_zamani", "modifiedat", "updatedepoch"},
       {"Fecha de modificación", "Geändert am", "Güncellenme Tarihi", "Last Updated",
        "Modified On"}},
      {{"policy_number", "fund_member_number", "insurance_member_number", "sigorta_police_no"},
       {"Número de póliza", "Versichertennummer", "Poliçe Numarası", "Member ID", "Policy No"}},
      {{"group_number", "sigorta_grup_no"},
       {"Número de grupo", "Gruppennummer", "Grup Numarası", "Group No"}},
      {{"consent_sms", "ozel_alanlar_sms_izni", "properties_sms_reminders"},
       {"Acepta SMS", "SMS-Einwilligung", "SMS Onayı", "SMS Opt-In", "Text Reminders"}},
      {{"consent_email"}, {"Acepta correo", "E-Mail-Einwilligung", "E-posta Onayı", "Email OK"}},
      {{"consent_postal"}, {"Acepta correo postal", "Post-Einwilligung", "Posta Onayı", "Mail OK"}},
      {{"title", "name_title"}, {"Tratamiento", "Anrede", "Unvan", "Salutation", "Prefix"}},
      {{"tc_kimlik_no", "properties_nhs_number", "properties_nhsnumber"},
       {"DNI", "Sozialversicherungsnummer", "Kimlik No", "National ID", "NHS No"}},
      {{"start_time", "start", "baslangic"},
       {"Fecha y hora", "Beginn", "Başlangıç Zamanı", "Appointment Start", "Start Date/Time"}},
      {{"duration_minutes", "duration_min", "koltuk_suresi_dk", "durationminutes"},
       {"Duración (min)", "Dauer (Min.)", "Süre (dk)", "Length (minutes)"}},
      {{"appointment_note", "aciklama", "note_text", "note"},
       {"Notas", "Bemerkung", "Açıklama", "Comments", "Remarks"}},
      {{"provider_name", "provider", "hekim_adi", "primary_provider", "practitioner_name",
        "primary_practitioner_name", "author", "author_name"},
       {"Odontólogo", "Behandler", "Hekim", "Dentist", "Clinician"}},
      {{"procedure_code", "item_code", "islem_kodu", "code"},
       {"Código de procedimiento", "Leistungsziffer", "İşlem Kodu", "CDT Code", "Treatment Code"}},
      {{"tooth", "dis_no"}, {"Diente", "Zahn", "Diş Numarası", "Tooth Number", "Tooth #"}},
      {{"estimated_fee", "ucret", "standard_fee", "tahmini_ucret"},
       {"Honorarios", "Gebühr", "Ücreti", "Fee", "Charge"}},
      {{"amount", "total", "tutar", "billed_amount"},
       {"Importe", "Betrag", "Toplam Tutar", "Amount Due", "Sum"}},
      {{"file_name", "dosya_adi"}, {"Nombre de archivo", "Dateiname", "Dosya İsmi", "Filename"}},
      {{"file_path", "dosya_yolu"}, {"Ruta del archivo", "Dateipfad", "Dosya Konumu", "Path"}},
      {{"mime_type", "mime_turu", "file_content_type"},
       {"Tipo MIME", "MIME-Typ", "Dosya Tipi", "Content Type", "Media Type"}},
      {{"invoice_date", "fatura_tarihi", "issue_date"},
       {"Fecha de factura", "Rechnungsdatum", "Fatura Tarihi", "Date Issued", "Bill Date"}},
      {{"invoice_number", "fatura_no", "invoice_no"},
       {"Número de factura", "Rechnungsnummer", "Fatura Numarası", "Invoice #"}},
      {{"payment_status", "odeme_durumu"},
       {"Estado del pago", "Zahlungsstatus", "Ödeme Durumu", "Paid Status"}},
      {{"office_name", "location_name", "sube_adi", "clinic_name"},
       {"Nombre de la clínica", "Praxisname", "Şube", "Office", "Clinic"}},
      {{"carrier_name", "fund_name", "kurum_adi"},
       {"Aseguradora", "Krankenkasse", "Sigorta Şirketi", "Insurance Company", "Payer Name"}},
      {{"ozel_alanlar_kan_grubu"}, {"Grupo sanguíneo", "Blutgruppe", "Kan Grubu", "Blood Group"}},
      {{"intake_allergies", "ozel_alanlar_alerjiler"},
       {"Alergias", "Allergien", "Alerji", "Allergy List"}},
      {{"intake_medications"}, {"Medicamentos", "Medikamente", "Kullandığı İlaçlar", "Meds"}},
      {{"intake_medical_history"},
       {"Antecedentes médicos", "Anamnese", "Tıbbi Geçmiş", "Medical Hx"}},
      {{"son_ziyaret", "last_visit"},
       {"Última visita", "Letzter Besuch", "Son Ziyaret Tarihi", "Last Seen"}},
      {{"sonraki_kontrol", "due_date"},
       {"Próxima revisión", "Nächster Termin", "Kontrol Tarihi", "Next Recall"}},
      {{"bakiye", "kalan_bakiye", "running_balance"},
       {"Saldo", "Offener Betrag", "Kalan Borç", "Balance Due"}},
      {{"properties_occupation"}, {"Ocupación", "Beruf", "Meslek", "Job"}},
      {{"status", "durum"}, {"Estado", "Zustand", "Durumu", "State"}},
  };
  return kAliases;
}

// The words of a column name: split on separators and at camelCase boundaries.
std::vector<std::string> Words(const std::string& name) {
  std::vector<std::string> words;
  std::string cur;
  for (size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    bool alnum = std::isalnum(c) || c >= 0x80;
    bool boundary =
        std::isupper(c) && i > 0 && std::islower(static_cast<unsigned char>(name[i - 1]));
    if (!alnum || boundary) {
      if (!cur.empty()) words.push_back(cur);
      cur.clear();
      if (!alnum) continue;
    }
    cur.push_back(static_cast<char>(c));
  }
  if (!cur.empty()) words.push_back(cur);
  return words;
}

std::string Capitalised(const std::string& w) {
  std::string lower = ToLowerUtf8(w);
  if (lower.empty()) return lower;
  std::string first = lower.substr(0, 1);
  if (static_cast<unsigned char>(first[0]) >= 0x80) return lower;  // leave non-ASCII starts
  return ToUpperUtf8(first) + lower.substr(1);
}

// One of six spellings of the same words.
std::string Restyle(const std::vector<std::string>& words, size_t style) {
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    switch (style % 6) {
      case 0:  // "Date Of Birth"
        out += (i ? " " : "") + Capitalised(w);
        break;
      case 1:  // "DATE_OF_BIRTH"
        out += (i ? "_" : "") + ToUpperUtf8(w);
        break;
      case 2:  // "dateOfBirth"
        out += i ? Capitalised(w) : ToLowerUtf8(w);
        break;
      case 3:  // "date of birth"
        out += (i ? " " : "") + ToLowerUtf8(w);
        break;
      case 4:  // "date-of-birth"
        out += (i ? "-" : "") + ToLowerUtf8(w);
        break;
      default:  // "  Date  of  Birth "
        out += (i ? "  " : "  ") + (i ? ToLowerUtf8(w) : Capitalised(w));
        if (i + 1 == words.size()) out += " ";
        break;
    }
  }
  return out;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

const char* RenamingName(Renaming r) {
  switch (r) {
    case Renaming::kNone:
      return "plain";
    case Renaming::kRestyled:
      return "restyled";
    case Renaming::kTranslated:
      return "translated";
  }
  return "?";
}

std::string RenameColumn(const std::string& name, size_t index, Renaming mode) {
  if (mode == Renaming::kNone) return name;
  std::vector<std::string> words = Words(name);
  if (mode == Renaming::kTranslated) {
    std::string key = FoldKey(name);
    for (const Alias& a : Aliases()) {
      for (const char* n : a.names) {
        if (key == n) return Restyle(Words(a.other[index % a.other.size()]), index / 2);
      }
    }
  }
  return Restyle(words, index);
}

void Counts::Add(const Counts& o) {
  truth += o.truth;
  proposed += o.proposed;
  right += o.right;
  confident_proposed += o.confident_proposed;
  confident_right += o.confident_right;
  new_field_agree += o.new_field_agree;
}
double Counts::Precision() const { return proposed ? double(right) / proposed : 0.0; }
double Counts::Recall() const { return truth ? double(right) / truth : 0.0; }
double Counts::ConfidentPrecision() const {
  return confident_proposed ? double(confident_right) / confident_proposed : 0.0;
}

StatusOr<Counts> ScorePair(const PairSpec& pair, Renaming renaming, double confident_at,
                           std::vector<Mistake>* mistakes) {
  BW_ASSIGN_OR_RETURN(sources::Profile profile, sources::BuiltinProfile(pair.kind));
  BW_ASSIGN_OR_RETURN(MapFile map, LoadMapFile(pair.map_path));
  Json schema_json = Json::parse(Slurp(pair.schema_path), nullptr, false);
  if (schema_json.is_discarded()) return InvalidArgument("cannot read " + pair.schema_path);
  BW_ASSIGN_OR_RETURN(connectors::DestinationSchema schema, SchemaFromJson(schema_json));
  if (schema.kind.empty()) schema.kind = map.destination;
  LearnedPairs learned;
  if (!pair.learned_path.empty()) {
    BW_ASSIGN_OR_RETURN(learned, LoadLearnedPairs(pair.learned_path));
  }
  Proposer proposer(schema, learned, ProposerOptions{});
  sources::BundleSourceOptions bo;
  bo.dir = pair.bundle_dir;
  auto source = sources::NewBundleSource(profile, bo);
  BW_ASSIGN_OR_RETURN(connectors::SourceDescription desc, source->Describe());

  Counts counts;
  for (const ObjectMap& om : map.objects) {
    const connectors::SourceObject* so = desc.Find(om.object);
    if (om.targets.empty() || so == nullptr) continue;
    // Truth per model; every source field the object's rules read anywhere.
    std::map<std::string, std::map<std::string, std::set<std::string>>> truth;
    std::map<std::string, std::set<std::string>> custom_targets;  // model -> custom fields
    std::set<std::string> used;
    std::vector<std::string> models;
    for (const TargetRule& t : om.targets) {
      if (std::find(models.begin(), models.end(), t.model) == models.end()) {
        models.push_back(t.model);
      }
      for (const FieldRule& f : t.fields) {
        for (const std::string& from : f.from) used.insert(from);
        if (f.from.size() == 1 && !f.constant) truth[t.model][f.from[0]].insert(f.to);
      }
      for (const ReferenceRule& r : t.references) used.insert(r.from);
    }
    // Sample values: the first 40 records, as `map propose` reads them.
    std::map<std::string, SourceFieldInfo> info;
    std::vector<std::string> order;
    BW_ASSIGN_OR_RETURN(auto shards, source->PlanShards(om.object, 1));
    if (shards.empty()) continue;
    BW_ASSIGN_OR_RETURN(auto cursor, source->Open(shards.front(), {}));
    for (int n = 0; n < 40;) {
      connectors::SourceRow row;
      StatusOr<bool> more = cursor->Next(&row);
      if (!more.ok() || !*more) break;
      if (!row.record) continue;
      ++n;
      for (const auto& f : row.record->fields) {
        if (!info.count(f.name)) order.push_back(f.name);
        info[f.name].name = f.name;
        if (f.value && !f.value->empty() && info[f.name].samples.size() < 20) {
          info[f.name].samples.push_back(*f.value);
        }
      }
    }
    std::vector<SourceFieldInfo> fields;
    std::map<std::string, std::string> original_of;
    for (size_t i = 0; i < order.size(); ++i) {
      SourceFieldInfo fi = info[order[i]];
      for (const auto& r : so->references) fi.reference |= r.field == order[i];
      fi.primary_key = order[i] == so->primary_key;
      fi.modified_at = order[i] == so->modified_at_field;
      fi.name = RenameColumn(order[i], i, renaming);
      while (original_of.count(fi.name)) fi.name += " 2";  // two columns never share a name
      original_of[fi.name] = order[i];
      fields.push_back(fi);
    }
    for (const std::string& model : models) {
      auto schema_model = schema.models.find(model);
      auto is_custom = [&](const std::string& field) {
        if (schema_model == schema.models.end()) return true;
        const auto& mf = schema_model->second.fields;
        return mf.count(field) == 0 && mf.count(field.substr(0, field.find('.'))) == 0;
      };
      const auto& model_truth = truth[model];
      for (const Proposal& p : proposer.Propose(model, fields, om.object)) {
        const std::string& orig = original_of[p.field];
        auto t = model_truth.find(orig);
        bool in_truth = t != model_truth.end();
        if (in_truth) ++counts.truth;
        if (p.target_field.empty()) {
          if (in_truth && mistakes) {
            mistakes->push_back(Mistake{om.object, model, orig, p.field, "", *t->second.begin(),
                                        p.reason, p.confidence});
          }
          continue;
        }
        if (!in_truth && used.count(orig)) continue;  // placed elsewhere: not scored here
        bool sure = p.confidence >= confident_at;
        bool right = in_truth && t->second.count(p.target_field) > 0;
        ++counts.proposed;
        counts.confident_proposed += sure;
        counts.right += right;
        counts.confident_right += sure && right;
        if (right) continue;
        if (in_truth && p.custom && is_custom(*t->second.begin())) ++counts.new_field_agree;
        if (mistakes) {
          mistakes->push_back(Mistake{om.object, model, orig, p.field, p.target_field,
                                      in_truth ? *t->second.begin() : "(left out)", p.reason,
                                      p.confidence});
        }
      }
    }
  }
  return counts;
}

}  // namespace bridgework::mapping::eval
