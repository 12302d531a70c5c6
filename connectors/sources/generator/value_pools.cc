#include "connectors/sources/generator/value_pools.h"

#include <map>

namespace bridgework::sources::gen {
namespace {

const std::map<std::string_view, Pool>& Pools() {
  static const auto* kPools = new std::map<std::string_view, Pool>{
      {"first_intl",
       {"James",    "Maria",   "Robert",      "Linda",  "Michael",   "Jennifer", "David",
        "Emily",    "José",    "Sofía",       "Zoë",    "Chloé",     "Björn",    "Siobhán",
        "Renée",    "Łukasz",  "Mohammed",    "Aisha",  "Wei",       "Mei",      "Hiroshi",
        "Yuki",     "Priya",   "Arjun",       "Olga",   "Dmitri",    "Nguyễn",   "Thảo",
        "Kwame",    "Amara",   "张伟",        "王芳",   "Александр", "Наталья",  "Γιώργος",
        "Ελένη",    "محمد",    "فاطمة",       "Aoife",  "Seán",      "Matthew",  "Sarah",
        "Daniel",   "Jessica", "Christopher", "Ashley", "Joshua",    "Amanda",   "Andrew",
        "Stephanie"}},
      {"last_intl",
       {"Smith",    "Johnson",   "Williams", "Brown",       "Jones",     "Garcia",       "Miller",
        "Davis",    "Rodríguez", "Martínez", "Hernández",   "López",     "González",     "Wilson",
        "Anderson", "Thomas",    "Müller",   "Schröder",    "O'Brien",   "MacDonald",    "Nguyen",
        "Tran",     "Kim",       "Park",     "Patel",       "Singh",     "Chen",         "Wang",
        "Yamamoto", "Kowalski",  "Novák",    "Søndergaard", "Ivanov",    "Popescu",      "Okafor",
        "Mensah",   "李",        "刘",       "Смирнов",     "Кузнецова", "Παπαδόπουλος", "حداد",
        "Taylor",   "Moore",     "Jackson",  "White",       "Harris",    "Martin",       "Thompson",
        "Lee"}},
      {"first_latin",
       {"James",  "Olivia",  "William", "Charlotte", "Jack",     "Amelia", "Noah",   "Isla",
        "Thomas", "Mia",     "Oliver",  "Grace",     "Lucas",    "Chloé",  "Zoë",    "José",
        "Renée",  "Siobhán", "Björn",   "Søren",     "François", "Inês",   "Jürgen", "Ana",
        "Liam",   "Ruby",    "Henry",   "Ella",      "Ethan",    "Sophie"}},
      {"last_latin",
       {"Smith",  "Jones",   "Williams",  "Brown",  "Wilson",   "Taylor",  "Nguyen",   "Johnson",
        "Martin", "White",   "Anderson",  "Walker", "Thompson", "Müller",  "O'Connor", "García",
        "Ørsted", "Lefèvre", "Gonçalves", "Núñez",  "Kelly",    "Ryan",    "Harris",   "Lee",
        "King",   "Clarke",  "Robinson",  "Wright", "Mitchell", "Campbell"}},
      {"first_tr", {"Ayşe",   "Mehmet",  "Fatma", "Mustafa", "Emine", "Ahmet",   "Hatice", "Ali",
                    "Zeynep", "Hüseyin", "Elif",  "Hasan",   "Özge",  "İbrahim", "Şule",   "Çağla",
                    "Gökhan", "Ömer",    "Büşra", "Yusuf",   "Merve", "Emre",    "Ebru",   "Burak",
                    "Derya",  "Oğuz",    "Irmak", "Kerem",   "Анна",  "John"}},
      {"last_tr",
       {"Yılmaz", "Kaya",    "Demir",  "Şahin",  "Çelik",   "Yıldız",  "Yıldırım", "Öztürk",
        "Aydın",  "Özdemir", "Arslan", "Doğan",  "Kılıç",   "Aslan",   "Çetin",    "Kara",
        "Koç",    "Kurt",    "Özkan",  "Şimşek", "Polat",   "Erdoğan", "Güneş",    "Aksoy",
        "Tekin",  "Ünal",    "Bulut",  "Keskin", "Иванова", "Smith"}},
      {"streets_us",
       {"Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Elm St", "Pine Rd", "Washington Blvd",
        "Lake View Dr", "Sunset Ave", "Park Pl", "Highland Ave", "River Rd", "Church St",
        "Mill Creek Way", "Forest Hills Dr"}},
      {"cities_us",
       {"Springfield, IL 62704", "Austin, TX 78701", "Portland, OR 97205", "Denver, CO 80202",
        "Columbus, OH 43215", "Raleigh, NC 27601", "Madison, WI 53703", "Tampa, FL 33602",
        "Boise, ID 83702", "Albany, NY 12207", "Fresno, CA 93721", "Tucson, AZ 85701"}},
      {"streets_au",
       {"George St", "Pitt St", "Victoria Rd", "Queen St", "Bourke St", "Anzac Pde", "Pacific Hwy",
        "Military Rd", "Oxford St", "Bay St"}},
      {"suburbs_au",
       {"PARRAMATTA NSW 2150", "BONDI NSW 2026", "FITZROY VIC 3065", "SOUTHBANK VIC 3006",
        "NEW FARM QLD 4005", "FREMANTLE WA 6160", "GLENELG SA 5045", "BRADDON ACT 2612",
        "SANDY BAY TAS 7005", "DARWIN CITY NT 0800"}},
      {"streets_uk",
       {"High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane", "Manor Road",
        "Park Avenue", "Kings Road", "Queensway", "Mill Lane"}},
      {"cities_uk",
       {"London", "Manchester", "Bristol", "Leeds", "Edinburgh", "Cardiff", "Belfast", "Brighton",
        "York", "Norwich"}},
      {"streets_tr",
       {"Atatürk Cad. No:12", "İstiklal Cad. No:45", "Cumhuriyet Mah. 1203 Sok. No:7",
        "Bağdat Cad. No:210", "Gazi Mustafa Kemal Blv. No:88", "Kızılay Mah. Ziya Gökalp Cad.",
        "Alsancak Kıbrıs Şehitleri Cad. No:5", "Barbaros Blv. No:33"}},
      {"districts_tr",
       {"Kadıköy", "Beşiktaş", "Çankaya", "Konak", "Nilüfer", "Üsküdar", "Şişli", "Muratpaşa",
        "Seyhan", "Karşıyaka"}},
      {"cities_tr",
       {"İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Adana", "Konya", "Eskişehir"}},
      {"carriers",
       {"Delta Dental",
        "MetLife Dental",
        "Cigna Dental",
        "Aetna Dental",
        "Guardian",
        "United Concordia",
        "Humana Dental",
        "Ameritas",
        "Principal Financial",
        "Sun Life",
        "Blue Cross Blue Shield",
        "Medibank",
        "Bupa",
        "HCF",
        "nib",
        "AXA PPP",
        "Simplyhealth",
        "Denplan",
        "Vitality",
        "Aviva"}},
      {"carriers_tr",
       {"SGK", "Allianz Sigorta", "Axa Sigorta", "Anadolu Sigorta", "Acıbadem Sigorta",
        "Mapfre Sigorta", "Groupama", "Türkiye Sigorta", "Unico Sigorta", "Zurich Sigorta"}},
      {"labs",
       {"Precision Dental Lab", "Glidewell", "National Dentex", "Smile Arts Lab",
        "Keystone Ceramics", "Pacific Crown & Bridge", "Apex Dental Studio"}},
      {"practice_words",
       {"Family", "Bright", "Gentle", "Riverside", "Downtown", "Northside", "Parkview", "Lakeside",
        "Summit", "Harbor", "Oakwood", "Central"}},
      {"practice_kinds",
       {"Dental", "Dentistry", "Dental Care", "Smiles", "Oral Surgery", "Orthodontics",
        "Family Practice", "Medical Centre"}},
      {"location_names",
       {"Main Office", "North Clinic", "South Clinic", "Downtown", "Westside", "Eastgate",
        "Airport Road", "University", "Harbourside", "Hillcrest"}},
      {"location_names_tr",
       {"Merkez Şube", "Kadıköy Şubesi", "Çankaya Şubesi", "Alsancak Şubesi", "Nilüfer Şubesi",
        "Ataşehir Şubesi"}},
      {"referral_names",
       {"Dr. Referral Network", "Patient Referral", "Google Ads", "Facebook Campaign",
        "Yellow Pages", "School Screening", "Insurance Directory", "Walk-in", "Website Form",
        "Community Health Fair", "Radio Spot", "Employer Program"}},
      {"ada_codes", {"011", "012", "013", "022", "037", "111", "114", "121", "311", "314",
                     "411", "415", "521", "522", "531", "532", "613", "615", "711", "831"}},
      {"tr_codes",
       {"401010", "401020", "402010", "403010", "404010", "405010", "406010", "407010", "408010",
        "409010", "410010", "411010"}},
      {"service_codes",
       {"CONS-STD", "CONS-LONG", "FU-15", "PROC-MINOR", "VACC-FLU", "TELE-20", "LAB-BLOOD",
        "PHYSIO-45", "DENT-EXAM", "DENT-HYG"}},
      {"short_texts",
       {"Patient reports sensitivity on the upper left.", "Routine visit, no concerns.",
        "Follow-up in two weeks.", "Discussed treatment options and costs.",
        "Needs pre-authorisation from insurer.", "Prefers morning appointments.",
        "Reviewed home care; flossing daily.", "Referred to specialist for evaluation.",
        "Hasta kontrol randevusuna geldi.", "Tedavi planı hasta ile görüşüldü.",
        "Pain 3/10, improving.", "Temporary crown placed; permanent due in 2 weeks."}},
      {"note_sentences",
       {"Patient presents for periodic examination.",
        "Medical history reviewed and updated; no changes reported.",
        "Bitewing radiographs taken and reviewed.",
        "Moderate plaque and calculus noted in the lower anterior region.",
        "Gingival inflammation localised to the upper molars.",
        "Probing depths 2-3 mm generally, 5 mm at the distal of #3.",
        "Caries detected on the occlusal surface of #30; composite restoration recommended.",
        "Oral hygiene instructions given, including interdental cleaning.",
        "Local anaesthetic administered: 2% lidocaine with 1:100,000 epinephrine, 1.8 ml.",
        "Tooth isolated with rubber dam; decay removed; bonded composite placed and polished.",
        "Occlusion checked and adjusted.",
        "Patient tolerated the procedure well and left in good condition.",
        "Post-operative instructions given verbally and in writing.",
        "Discussed the risks, benefits and alternatives; patient consented.",
        "Next visit: scale and polish in six months."}},
      {"workflow_names",
       {"Randevu hatırlatma (24 saat)", "Randevu hatırlatma (2 saat)", "Kontrol zamanı",
        "Fatura vadesi hatırlatma", "Doğum günü kutlama", "Tedavi sonrası takip",
        "Gelmeyen hasta takibi", "Memnuniyet anketi"}},
      {"alerts",
       {"Penicillin allergy", "Latex allergy", "Diabetic", "Anticoagulants", "Pacemaker"}},
      {"relations", {"Parent", "Spouse", "Guardian", "Self", "Child", "Other"}},
  };
  return *kPools;
}

struct Fold {
  std::string_view from;
  char to;
};
// Latin letters with diacritics (UTF-8) and the base letter they fold to.
const Fold kFolds[] = {
    {"á", 'a'}, {"à", 'a'}, {"â", 'a'}, {"ä", 'a'}, {"ã", 'a'}, {"å", 'a'}, {"ç", 'c'}, {"é", 'e'},
    {"è", 'e'}, {"ê", 'e'}, {"ë", 'e'}, {"í", 'i'}, {"ì", 'i'}, {"î", 'i'}, {"ï", 'i'}, {"ı", 'i'},
    {"ñ", 'n'}, {"ó", 'o'}, {"ò", 'o'}, {"ô", 'o'}, {"ö", 'o'}, {"õ", 'o'}, {"ø", 'o'}, {"ú", 'u'},
    {"ù", 'u'}, {"û", 'u'}, {"ü", 'u'}, {"ş", 's'}, {"ğ", 'g'}, {"ł", 'l'}, {"ý", 'y'}, {"ž", 'z'},
    {"š", 's'}, {"č", 'c'}, {"ř", 'r'}, {"Á", 'A'}, {"À", 'A'}, {"Â", 'A'}, {"Ä", 'A'}, {"Å", 'A'},
    {"Ç", 'C'}, {"É", 'E'}, {"È", 'E'}, {"Í", 'I'}, {"İ", 'I'}, {"Ñ", 'N'}, {"Ó", 'O'}, {"Ö", 'O'},
    {"Ø", 'O'}, {"Ú", 'U'}, {"Ü", 'U'}, {"Ş", 'S'}, {"Ğ", 'G'}, {"Ł", 'L'}, {"Ž", 'Z'}, {"Š", 'S'},
    {"Č", 'C'}, {"ễ", 'e'}, {"ả", 'a'}, {"ã", 'a'},
};

std::string FoldImpl(std::string_view s, bool lower) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    bool folded = false;
    if (static_cast<unsigned char>(s[i]) >= 0x80) {
      for (const auto& f : kFolds) {
        if (s.substr(i).starts_with(f.from)) {
          char c = f.to;
          if (lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
          out.push_back(c);
          i += f.from.size();
          folded = true;
          break;
        }
      }
    }
    if (folded) continue;
    char c = s[i++];
    if (lower && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    out.push_back(c);
  }
  return out;
}

}  // namespace

const Pool& GetPool(std::string_view name) {
  static const Pool kEmpty;
  auto it = Pools().find(name);
  return it == Pools().end() ? kEmpty : it->second;
}

const std::vector<ProcedureCode>& CdtCodes() {
  static const auto* kCodes = new std::vector<ProcedureCode>{
      {"D0120", "Periodic oral evaluation", "Diagnostic"},
      {"D0150", "Comprehensive oral evaluation", "Diagnostic"},
      {"D0210", "Intraoral complete series of radiographic images", "Diagnostic"},
      {"D0274", "Bitewings - four radiographic images", "Diagnostic"},
      {"D0330", "Panoramic radiographic image", "Diagnostic"},
      {"D1110", "Prophylaxis - adult", "Preventive"},
      {"D1120", "Prophylaxis - child", "Preventive"},
      {"D1206", "Topical application of fluoride varnish", "Preventive"},
      {"D1351", "Sealant - per tooth", "Preventive"},
      {"D2140", "Amalgam - one surface, primary or permanent", "Restorative"},
      {"D2330", "Resin-based composite - one surface, anterior", "Restorative"},
      {"D2391", "Resin-based composite - one surface, posterior", "Restorative"},
      {"D2740", "Crown - porcelain/ceramic", "Restorative"},
      {"D2750", "Crown - porcelain fused to high noble metal", "Restorative"},
      {"D2950", "Core buildup, including any pins when required", "Restorative"},
      {"D3310", "Endodontic therapy, anterior tooth", "Endodontics"},
      {"D3330", "Endodontic therapy, molar tooth", "Endodontics"},
      {"D4341", "Periodontal scaling and root planing - four or more teeth per quadrant",
       "Periodontics"},
      {"D4910", "Periodontal maintenance", "Periodontics"},
      {"D5110", "Complete denture - maxillary", "Prosthodontics"},
      {"D6010", "Surgical placement of implant body: endosteal implant", "Implant Services"},
      {"D7140", "Extraction, erupted tooth or exposed root", "Oral Surgery"},
      {"D7210", "Extraction, erupted tooth requiring removal of bone", "Oral Surgery"},
      {"D8080", "Comprehensive orthodontic treatment of the adolescent dentition", "Orthodontics"},
      {"D9110", "Palliative treatment of dental pain - per visit", "Adjunctive"},
      {"D9230", "Inhalation of nitrous oxide/analgesia, anxiolysis", "Adjunctive"},
  };
  return *kCodes;
}

const std::vector<CustomProperty>& CustomProperties() {
  static const auto* kProps = new std::vector<CustomProperty>{
      {"preferred_language", "Preferred Language", "enum", "English|Spanish|Vietnamese|Mandarin"},
      {"anxiety_level", "Dental Anxiety Level", "enum", "None|Mild|Moderate|Severe"},
      {"ortho_candidate", "Ortho Candidate", "boolean", ""},
      {"last_xray_date", "Last X-ray Date", "date", ""},
      {"school_or_employer", "School or Employer", "text", ""},
      {"medical_history", "Medical History", "text", ""},
      {"allergies", "Allergies", "text", ""},
      {"medications", "Medications", "text", ""},
      {"consent_signed", "Consent Signed", "boolean", ""},
      {"special_notes", "Special Notes", "text", ""},
      {"blood_type", "Kan Grubu", "enum", "A Rh+|A Rh-|B Rh+|B Rh-|AB Rh+|0 Rh+|0 Rh-"},
      {"referral_text", "Referans", "text", ""},
      {"consent_sms", "SMS Consent", "boolean", ""},
      {"occupation", "Occupation", "text", ""},
      {"preferred_contact", "Preferred Contact", "enum", "Phone|SMS|Email|Post"},
      {"nhs_number", "NHS Number", "text", ""},
  };
  return *kProps;
}

const CustomProperty* FindCustomProperty(std::string_view key) {
  for (const auto& p : CustomProperties()) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

std::string FoldName(std::string_view utf8) { return FoldImpl(utf8, true); }
std::string StripAccents(std::string_view utf8) { return FoldImpl(utf8, false); }

}  // namespace bridgework::sources::gen
