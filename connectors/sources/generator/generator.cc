#include "connectors/sources/generator/generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>

#include "connectors/sources/generator/bundle_writer.h"
#include "connectors/sources/generator/value_pools.h"
#include "connectors/sources/profiles/date_format.h"

namespace bridgework::sources {
namespace {

namespace fs = std::filesystem;
using gen::Cell;
using gen::Corruption;
using gen::GetPool;
using gen::Pick;
using gen::RecordWriter;

constexpr const char* kRecordField = "(record)";
constexpr int64_t kTruthListCap = 10000;  // longest example list in truth.json

uint64_t Mix(uint64_t z) {
  z += 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t HashStr(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

uint64_t H(uint64_t a, uint64_t b, uint64_t c = 0, uint64_t d = 0) {
  return Mix(a ^ Mix(b ^ Mix(c ^ Mix(d))));
}

int64_t Epoch(int y, int m, int d) { return ToEpochSeconds(CivilTime{y, m, d, 0, 0, 0}); }

const int64_t kCreatedFrom = Epoch(2012, 1, 1);
const int64_t kNow = Epoch(2025, 6, 30);
const int64_t kFutureTo = Epoch(2026, 12, 31);

std::string AsciiLocal(std::string_view name) {
  std::string out;
  for (char c : gen::FoldName(name)) {
    if (c >= 'a' && c <= 'z') out.push_back(c);
  }
  return out;
}

std::string UpperAscii(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

struct Instance {
  int64_t index = 0;
  std::string id;
  std::string parent_id;
  std::string patient_id;
};

// Per-record choices that several fields share (a provider id and its free-text name).
struct RecordState {
  std::map<std::string, int64_t> chosen;
  std::set<std::string> text_only;
  std::vector<std::string> invalid_fields;
};

struct BadRow {
  std::string object, file, field, reason, id;
  int64_t line = 0;
};

class Generator {
 public:
  Generator(const Profile& profile, const GenerateOptions& options) : p_(profile), o_(options) {
    for (const auto& obj : p_.objects) {
      if (!patient_ && (obj.entity == "patient" || obj.name == "patients")) patient_ = &obj;
    }
    for (const auto& obj : p_.objects) {
      for (const auto& f : obj.fields) {
        if (!notes_ && f.gen == "note") notes_ = &obj;
        if (f.gen.starts_with("custom:")) {
          std::string key = f.gen.substr(7);
          if (std::find(custom_keys_.begin(), custom_keys_.end(), key) == custom_keys_.end()) {
            custom_keys_.push_back(key);
          }
        }
      }
      if (!obj.attachment_fields.empty() && !attach_) attach_ = &obj;
    }
    for (const auto& obj : p_.objects) {
      if (patient_ && &obj != notes_ && obj.attachment_fields.empty() &&
          obj.generate.value("per", "") == patient_->name && !structural_) {
        structural_ = &obj;
      }
    }
  }

  StatusOr<Json> Run();

 private:
  uint64_t Oh(const ObjectSpec& o) const { return HashStr(o.name); }
  uint64_t R(const ObjectSpec& o, int64_t index, std::string_view attr, int item = 0) const {
    return H(o_.seed, Oh(o), static_cast<uint64_t>(index), HashStr(attr) + item);
  }

  // ---- structure ----
  int64_t TopCount(const ObjectSpec& o) const {
    const Json c = o.generate.value("count", Json::object());
    if (c.value("patients", false)) return o_.patients;
    if (c.contains("fixed")) return c["fixed"].get<int64_t>();
    if (c.value("custom_properties", false)) return static_cast<int64_t>(custom_keys_.size());
    if (c.value("procedure_codes", false)) return static_cast<int64_t>(gen::CdtCodes().size());
    if (c.contains("per_patients")) {
      int64_t v = o_.patients / std::max<int64_t>(1, c["per_patients"].get<int64_t>());
      return std::clamp(v, c.value("min", int64_t{1}), c.value("max", int64_t{1000000}));
    }
    return 1;
  }

  const ObjectSpec* ParentOf(const ObjectSpec& o) const {
    std::string per = o.generate.value("per", "");
    return per.empty() ? nullptr : p_.Find(per);
  }

  bool RowIsBad(const ObjectSpec& o, int64_t index) const {
    int field = -1;
    return BadKind(o, index, &field) != Corruption::kNone || MissingAttachment(o, index);
  }

  int64_t ChildCount(const ObjectSpec& o, const ObjectSpec& parent, int64_t parent_index) const {
    if (RowIsBad(parent, parent_index)) return 0;
    const Json& g = o.generate;
    uint64_t r = R(o, parent_index, "children");
    if (g.contains("percent")) return static_cast<int64_t>(r % 100) < g["percent"].get<int>();
    int64_t lo = g.value("min", int64_t{0}), hi = g.value("max", int64_t{1});
    return lo + static_cast<int64_t>(r % static_cast<uint64_t>(hi - lo + 1));
  }

  std::string MakeId(const ObjectSpec& o, int64_t index) const {
    const FieldSpec* pk = o.FindField(o.primary_key);
    if (pk && pk->gen == "cdt_code") return std::string(gen::CdtCodes()[index].code);
    if (pk && pk->gen == "custom_key") return custom_keys_[index];
    int64_t n = o.id_start + index;
    if (o.id_width > 0) return fmt::format("{}{:0{}d}", o.id_prefix, n, o.id_width);
    return fmt::format("{}{}", o.id_prefix, n);
  }

  void Visit(const ObjectSpec& o, const std::function<void(const Instance&)>& fn) const {
    const ObjectSpec* parent = ParentOf(o);
    if (!parent) {
      int64_t n = TopCount(o);
      for (int64_t i = 0; i < n; ++i) {
        Instance inst;
        inst.index = i;
        inst.id = MakeId(o, i);
        if (&o == patient_) inst.patient_id = inst.id;
        fn(inst);
      }
      return;
    }
    int64_t next = 0;
    Visit(*parent, [&](const Instance& pi) {
      int64_t k = ChildCount(o, *parent, pi.index);
      for (int64_t j = 0; j < k; ++j) {
        Instance inst;
        inst.index = next++;
        inst.id = MakeId(o, inst.index);
        inst.parent_id = pi.id;
        inst.patient_id = pi.patient_id;
        fn(inst);
      }
    });
  }

  // ---- planted bad rows ----
  Corruption Structural(const ObjectSpec& o, bool patient) const {
    switch (o.format.format) {
      case FileFormat::kCsv:
        return Corruption::kExtraField;
      case FileFormat::kNdjson:
        return Corruption::kTruncated;
      case FileFormat::kJson:
        return patient ? Corruption::kMissingComma : Corruption::kNotObject;
    }
    return Corruption::kNone;
  }

  int FieldIndexByGen(const ObjectSpec& o, std::string_view prefix) const {
    for (size_t i = 0; i < o.fields.size(); ++i) {
      if (o.fields[i].gen.starts_with(prefix) && !o.fields[i].IsPattern()) {
        return static_cast<int>(i);
      }
    }
    return -1;
  }

  // The kind of bad row planted at `index` of `o`; *field is the profile field index for
  // kBadBytes.
  Corruption BadKind(const ObjectSpec& o, int64_t index, int* field) const {
    uint64_t h = R(o, index, "bad") % 20000;
    if (&o == patient_) {
      if (index == 7 || h == 1) return Structural(o, true);
      if (index == 13 || h == 2) {
        *field = FieldIndexByGen(o, "last_name");
        if (*field >= 0) return Corruption::kBadBytes;
      }
    } else if (&o == notes_) {
      if (index == 5 || h == 2) {
        *field = FieldIndexByGen(o, "note");
        if (*field >= 0) return Corruption::kBadBytes;
      }
    } else if (&o == structural_) {
      if (index == 11 || h == 1) return Structural(o, false);
    }
    return Corruption::kNone;
  }

  bool MissingAttachment(const ObjectSpec& o, int64_t index) const {
    return &o == attach_ && (index == 3 || R(o, index, "missing") % 5000 == 4);
  }

  bool Dangling(const ObjectSpec& o, int64_t index) const {
    if (ParentOf(o) != patient_ || patient_ == nullptr) return false;
    return (&o == structural_ && index == 5) || R(o, index, "dangling") % 5000 == 3;
  }

  // ---- people ----
  static bool DupCandidate(int64_t i, uint64_t seed) {
    return i >= 20 && (i == 50 || H(seed, HashStr("dup"), static_cast<uint64_t>(i)) % 100 == 0);
  }

  // The patient whose person this record repeats (legacy-conversion duplicate), or -1.
  int64_t DupRoot(int64_t i) const {
    if (!patient_ || !DupCandidate(i, o_.seed)) return -1;
    int64_t span = std::min<int64_t>(i - 1, 1000);
    int64_t j = i - 1 - static_cast<int64_t>(H(o_.seed, HashStr("dupj"), i) % span);
    if (DupCandidate(j, o_.seed) || RowIsBad(*patient_, j) || RowIsBad(*patient_, i)) return -1;
    if (DobKind(j) != 0) return -1;
    return j;
  }

  // 0 valid, 1 blank, 2 impossible.
  int DobKind(int64_t person) const {
    uint64_t r = R(*patient_, person, "dob-kind") % 200;
    if (r < 2) return 1;
    if (r == 2) return 2;
    return 0;
  }

  std::string PoolSuffix(const ObjectSpec& o, std::string_view base) const {
    for (const auto& f : o.fields) {
      if (f.gen.starts_with(base)) return f.gen.substr(base.size());
    }
    return "";
  }

  std::pair<std::string, std::string> PersonName(const ObjectSpec& o, int64_t person) const {
    std::string suffix = PoolSuffix(o, "first_name");
    if (suffix.empty()) suffix = PoolSuffix(o, "full_name");
    std::string first_pool = suffix == "_latin" ? "first_latin"
                             : suffix == "_tr"  ? "first_tr"
                                                : "first_intl";
    std::string last_pool = suffix == "_latin" ? "last_latin"
                            : suffix == "_tr"  ? "last_tr"
                                               : "last_intl";
    return {std::string(Pick(GetPool(first_pool), R(o, person, "first"))),
            std::string(Pick(GetPool(last_pool), R(o, person, "last")))};
  }

  // The name as the record spells it: duplicates vary case, accents, a doubled letter, spaces.
  std::pair<std::string, std::string> SpelledName(const ObjectSpec& o, int64_t index) const {
    if (&o != patient_) return PersonName(o, index);
    int64_t root = DupRoot(index);
    if (root < 0) return PersonName(o, index);
    auto [first, last] = PersonName(o, root);
    switch (R(o, index, "variant") % 4) {
      case 0:
        last = UpperAscii(last);
        break;
      case 1:
        first = gen::StripAccents(first);
        last = gen::StripAccents(last);
        if (first == PersonName(o, root).first && last == PersonName(o, root).second) {
          last = UpperAscii(last);
        }
        break;
      case 2:
        if (first.size() > 2 && static_cast<unsigned char>(first[1]) < 0x80) {
          first.insert(1, 1, first[1]);
        } else {
          last = UpperAscii(last);
        }
        break;
      default:
        last += " ";
        first = gen::FoldName(first.substr(0, 1)) + first.substr(1);
        break;
    }
    return {first, last};
  }

  std::optional<std::string> Date(const ObjectSpec& o, const FieldSpec& f, int64_t epoch) const {
    return FormatTime(FromEpochSeconds(epoch), o.DateFormatOf(f));
  }

  std::string Bool(const ObjectSpec& o, bool v) const {
    const auto& vals = v ? o.format.true_values : o.format.false_values;
    if (o.format.format != FileFormat::kCsv) return v ? "true" : "false";
    return vals.empty() ? (v ? "true" : "false") : vals[0];
  }

  std::string Amount(const ObjectSpec& o, double lo, double hi, uint64_t r) const {
    double v = lo + static_cast<double>(r % 1000000) / 1000000.0 * (hi - lo);
    std::string s = fmt::format("{:.2f}", v);
    if (o.format.format == FileFormat::kCsv && o.format.decimal_separator != '.') {
      std::replace(s.begin(), s.end(), '.', o.format.decimal_separator);
    }
    return s;
  }

  std::string Phone(std::string_view kind, uint64_t r) const {
    auto d = [&](int n, int salt) {
      return fmt::format(
          "{:0{}d}", H(r, static_cast<uint64_t>(salt)) % static_cast<uint64_t>(std::pow(10, n)), n);
    };
    if (kind == "phone_au") return "0" + std::to_string(2 + r % 7) + " " + d(4, 1) + " " + d(4, 2);
    if (kind == "mobile_au") return "04" + d(2, 1) + " " + d(3, 2) + " " + d(3, 3);
    if (kind == "phone_tr")
      return "+90 " + std::to_string(212 + r % 300) + " " + d(3, 1) + " " + d(2, 2) + " " + d(2, 3);
    if (kind == "mobile_tr") return "05" + d(2, 1) + " " + d(3, 2) + " " + d(2, 3) + " " + d(2, 4);
    if (kind == "phone_uk") return "020 7" + d(3, 1) + " " + d(4, 2);
    if (kind == "mobile_uk") return "07" + d(3, 1) + " " + d(6, 2);
    switch (r % 3) {
      case 0:
        return "(" + std::to_string(200 + r % 700) + ") 555-" + d(4, 1);
      case 1:
        return std::to_string(200 + r % 700) + "-555-" + d(4, 1);
      default:
        return "+1 " + std::to_string(200 + r % 700) + " 555 " + d(4, 1);
    }
  }

  std::string Email(std::string_view first, std::string_view last, uint64_t r,
                    std::string_view domain = "") const {
    std::string a = AsciiLocal(first), b = AsciiLocal(last);
    std::string local = (a.empty() || b.empty()) ? fmt::format("patient{}", r % 100000)
                                                 : fmt::format("{}.{}{}", a, b, r % 100);
    static const gen::Pool kDomains = {"example.com", "example.net", "example.org", "mail.example"};
    return local + "@" + std::string(domain.empty() ? Pick(kDomains, r >> 8) : domain);
  }

  std::string Note(uint64_t r) const {
    const auto& s = GetPool("note_sentences");
    int64_t n = 1 + static_cast<int64_t>(r % 5);
    if (r % 500 == 7) n = 200 + static_cast<int64_t>((r >> 8) % 800);  // very long notes
    std::string out;
    for (int64_t i = 0; i < n; ++i) {
      if (i) out += (i % 6 == 0) ? "\n\n" : ((i % 3 == 0) ? "\n" : " ");
      out += Pick(s, H(r, static_cast<uint64_t>(i)));
    }
    return out;
  }

  // ---- attachments ----
  int64_t PoolFileOf(int64_t doc_index) const {
    return doc_index % std::max<int64_t>(1, o_.attachment_files);
  }
  int64_t FileSize(int64_t f) const {
    if (f == 0) return o_.max_attachment_bytes + 1;
    if (f <= o_.large_files) return o_.large_file_bytes;
    return 1000 + static_cast<int64_t>(H(o_.seed, HashStr("fsize"), f) % 40000);
  }
  std::string FileExt(int64_t f) const {
    uint64_t r = H(o_.seed, HashStr("mime"), f) % 20;
    return r < 10 ? ".pdf" : r < 15 ? ".jpg" : r < 18 ? ".png" : ".dcm";
  }
  std::string FilePath(int64_t f) const {
    std::string dir = p_.attachments_dir.empty() ? "attachments" : p_.attachments_dir;
    return fmt::format("{}/{:02x}/f{:07d}{}", dir, f % 256, f, FileExt(f));
  }
  Status WriteAttachmentFiles(int64_t documents);

  std::optional<std::string> Value(const ObjectSpec& o, const FieldSpec& f, const Instance& inst,
                                   int item, RecordState* st);

  Status WriteObject(const ObjectSpec& o);
  Status WriteTruth();

  const Profile& p_;
  const GenerateOptions& o_;
  const ObjectSpec* patient_ = nullptr;
  const ObjectSpec* notes_ = nullptr;
  const ObjectSpec* structural_ = nullptr;
  const ObjectSpec* attach_ = nullptr;
  std::vector<std::string> custom_keys_;
  std::map<std::string, int64_t> counts_;

  // Truth, gathered while writing.
  std::map<std::string, int64_t> written_, valid_;
  std::vector<BadRow> bad_rows_;
  std::map<std::string, std::vector<std::string>> dup_groups_;  // root id -> duplicate ids
  Json dangling_ = Json::array();
  int64_t dangling_count_ = 0;
  Json text_only_ = Json::object();
  Json invalid_ = Json::object();
  Json checks_ = Json::array();
  int checks_names_ = 0, checks_addresses_ = 0, checks_notes_ = 0;
  Json attachment_files_ = Json::array();
  int64_t attachment_refs_ = 0, attachment_bytes_ = 0, over_limit_count_ = 0;
  Json over_limit_ = Json::array();
  int64_t files_written_ = 0, bytes_written_ = 0;
};

std::optional<std::string> Generator::Value(const ObjectSpec& o, const FieldSpec& f,
                                            const Instance& inst, int item, RecordState* st) {
  const std::string& g = f.gen;
  size_t colon = g.find(':');
  std::string kind = g.substr(0, colon);
  std::string arg = colon == std::string::npos ? "" : g.substr(colon + 1);
  const int64_t i = inst.index;
  const uint64_t r = R(o, i, f.name, item);
  const bool is_patient = &o == patient_;
  const int64_t person = is_patient && DupRoot(i) >= 0 ? DupRoot(i) : i;

  if (kind == "id") return inst.id;
  if (kind == "const") return arg;
  if (kind == "enum") {
    std::vector<std::string> opts;
    size_t start = 0;
    for (;;) {
      size_t bar = arg.find('|', start);
      opts.push_back(arg.substr(start, bar - start));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    std::string v = opts[r % opts.size()];
    if (v.empty()) return std::nullopt;
    return v;
  }
  if (kind == "bool") return Bool(o, static_cast<int>(r % 100) < std::stoi(arg));
  if (kind == "int") {
    int lo = 0, hi = 0;
    std::sscanf(arg.c_str(), "%d-%d", &lo, &hi);
    return std::to_string(lo + static_cast<int>(r % static_cast<uint64_t>(hi - lo + 1)));
  }
  if (kind == "digits") {
    int n = std::stoi(arg);
    std::string s;
    for (int k = 0; k < n; ++k)
      s.push_back(static_cast<char>('0' + (k == 0 ? 1 + H(r, k) % 9 : H(r, k) % 10)));
    return s;
  }
  if (kind == "code") return fmt::format("{}-{:06d}", arg, r % 1000000);
  if (kind == "amount") {
    double lo = 0, hi = 0;
    std::sscanf(arg.c_str(), "%lf-%lf", &lo, &hi);
    return Amount(o, lo, hi, r);
  }

  // People.
  if (kind.starts_with("first_name") || kind.starts_with("last_name") ||
      kind.starts_with("full_name")) {
    auto [first, last] = SpelledName(o, i);
    if (kind.starts_with("first_name")) return first;
    if (kind.starts_with("last_name")) return last;
    return first + " " + last;
  }
  if (kind == "preferred_name") {
    if (r % 100 >= 15) return std::nullopt;
    std::string first = PersonName(o, person).first;
    bool ascii = std::none_of(first.begin(), first.end(), [](char ch) { return ch & 0x80; });
    return ascii && first.size() > 4 ? first.substr(0, 3) : first;
  }
  if (kind == "dob") {
    int k = DobKind(person);
    uint64_t pr = R(o, person, "dob");
    CivilTime t{1935 + static_cast<int>(pr % 85), 1 + static_cast<int>((pr >> 8) % 12),
                1 + static_cast<int>((pr >> 16) % 28)};
    if (k == 1) return std::nullopt;
    std::string format = o.DateFormatOf(f);
    if (k == 2 && format != "epoch" && format != "epoch_ms") {
      t.month = 2;
      t.day = 30 + static_cast<int>(pr % 2);
      if (is_patient) st->invalid_fields.push_back(f.name);
    }
    return FormatTime(t, format);
  }
  if (kind == "email" || kind == "staff_email") {
    auto [first, last] = PersonName(o, person);
    if (kind == "staff_email") {
      std::string a = AsciiLocal(first), b = AsciiLocal(last);
      std::string domain = p_.kind + ".practice.example";
      if (a.empty() || b.empty()) return fmt::format("staff{}@{}", i, domain);
      return fmt::format("{}.{}{}@{}", a, b, i, domain);
    }
    uint64_t k = R(o, i, "email-kind") % 100;
    if (k < 3) return std::nullopt;
    if (k < 5 && is_patient) {
      st->invalid_fields.push_back(f.name);
      static const gen::Pool kBad = {"n/a", "none", "@example.com", "no email"};
      if (r % 5 == 4) return AsciiLocal(last) + "@";
      return std::string(Pick(kBad, r));
    }
    return Email(first, last, r);
  }
  if (kind.starts_with("phone") || kind.starts_with("mobile")) {
    uint64_t k = R(o, i, f.name + "-kind") % 100;
    if (k < 3) return std::nullopt;
    if (k < 5 && is_patient) {
      st->invalid_fields.push_back(f.name);
      static const gen::Pool kBad = {"123", "n/a", "call mobile", "0", "555"};
      return std::string(Pick(kBad, r));
    }
    return Phone(kind, r);
  }
  if (kind.starts_with("rp_")) {
    if (R(o, i, "rp") % 100 >= 30) return std::nullopt;
    auto [first, last] = PersonName(o, i + 7919);
    if (kind == "rp_name") return first + " " + last;
    if (kind == "rp_relation") return std::string(Pick(GetPool("relations"), r));
    if (kind == "rp_phone") return Phone("phone", r);
    return Email(first, last, r);
  }

  // Addresses.
  if (kind.starts_with("address_multiline")) {
    if (r % 100 < 2) return std::nullopt;
    std::string number = std::to_string(1 + r % 9999);
    if (kind == "address_multiline_au") {
      std::string s = number + " " + std::string(Pick(GetPool("streets_au"), r >> 4));
      if ((r >> 12) % 10 < 4) s += "\nUnit " + std::to_string(1 + (r >> 16) % 40);
      return s + "\n" + std::string(Pick(GetPool("suburbs_au"), r >> 20));
    }
    if (kind == "address_multiline_uk") {
      std::string s = number + " " + std::string(Pick(GetPool("streets_uk"), r >> 4));
      return s + "\n" + std::string(Pick(GetPool("cities_uk"), r >> 20)) + "\n" +
             fmt::format("SW{} {}AB", 1 + r % 20, r % 10);
    }
    std::string s = number + " " + std::string(Pick(GetPool("streets_us"), r >> 4));
    if ((r >> 12) % 10 < 4) s += "\nApt " + std::to_string(1 + (r >> 16) % 40) + "B";
    return s + "\n" + std::string(Pick(GetPool("cities_us"), r >> 20));
  }
  if (kind == "address_line") {
    if (item == 0) {
      return std::to_string(1 + r % 300) + " " + std::string(Pick(GetPool("streets_uk"), r >> 4));
    }
    if (item == 1) return "Flat " + std::to_string(1 + r % 30);
    return "Westminster";
  }
  if (kind == "street_tr") return std::string(Pick(GetPool("streets_tr"), r));
  if (kind == "street2") {
    if (r % 10 >= 4) return std::nullopt;
    return fmt::format("Kat {} Daire {}", 1 + r % 9, 1 + (r >> 8) % 30);
  }
  if (kind == "district_tr") return std::string(Pick(GetPool("districts_tr"), r));
  if (kind == "city_tr") return std::string(Pick(GetPool("cities_tr"), r));
  if (kind == "city_uk") return std::string(Pick(GetPool("cities_uk"), r));
  if (kind == "postcode_uk") {
    static const char* kAreas[] = {"SW1A", "EC1V", "M1", "BS8", "LS2", "EH1", "CF10"};
    return fmt::format("{} {}{}{}", kAreas[r % 7], 1 + (r >> 4) % 9,
                       static_cast<char>('A' + (r >> 8) % 26),
                       static_cast<char>('A' + (r >> 12) % 26));
  }

  // References.
  if (kind == "ref" || kind == "ref_name") {
    std::string target = arg;
    int pct = 100;
    if (size_t c2 = arg.find(':'); c2 != std::string::npos) {
      target = arg.substr(0, c2);
      pct = std::stoi(arg.substr(c2 + 1));
    }
    const ObjectSpec* t = p_.Find(target);
    if (!t) return std::nullopt;
    if (kind == "ref") {
      if (t == ParentOf(o)) return inst.parent_id;
      if (t == patient_ && !inst.patient_id.empty()) return inst.patient_id;
      if (static_cast<int>(R(o, i, f.name + "-present") % 100) >= pct) return std::nullopt;
      int64_t n = counts_[t->name];
      if (n <= 0) return std::nullopt;
      int64_t pick = static_cast<int64_t>(r % static_cast<uint64_t>(n));
      st->chosen[target] = pick;
      // Providers kept as free text: the id is empty and only the name says who it was.
      bool has_name = false;
      for (const auto& other : o.fields) has_name |= other.gen == "ref_name:" + target;
      if (has_name && R(o, i, "text-only-" + target) % 100 < 6) {
        st->text_only.insert(target);
        return std::nullopt;
      }
      return MakeId(*t, pick);
    }
    auto it = st->chosen.find(target);
    if (it == st->chosen.end()) return std::nullopt;
    bool only = st->text_only.count(target) > 0;
    if (!only && R(o, i, "name-too-" + target) % 2 == 0) return std::nullopt;
    auto [first, last] = PersonName(*t, it->second);
    switch (R(o, i, "name-style") % 3) {
      case 0:
        return "Dr. " + first + " " + last;
      case 1:
        return last + ", " + first;
      default:
        return first + " " + last;
    }
  }
  if (kind == "parent_patient") return inst.patient_id;
  if (kind == "name_list") {
    std::string out;
    int n = 1 + static_cast<int>(r % 3);
    for (int k = 0; k < n; ++k) {
      auto [first, last] = PersonName(o, i * 3 + k + 100000);
      if (k) out += "; ";
      out += "Dr. " + first + " " + last;
    }
    return out;
  }

  // Names of things.
  if (kind == "location_name" || kind == "location_name_tr") {
    const auto& pool = GetPool(kind == "location_name" ? "location_names" : "location_names_tr");
    std::string s(Pick(pool, static_cast<uint64_t>(i)));
    if (i >= static_cast<int64_t>(pool.size())) s += " " + std::to_string(i / pool.size() + 1);
    return s;
  }
  if (kind == "carrier_name" || kind == "carrier_name_tr" || kind == "lab_name" ||
      kind == "referral_name" || kind == "workflow_name") {
    const auto& pool = GetPool(kind == "carrier_name"      ? "carriers"
                               : kind == "carrier_name_tr" ? "carriers_tr"
                               : kind == "lab_name"        ? "labs"
                               : kind == "referral_name"   ? "referral_names"
                                                           : "workflow_names");
    std::string s(Pick(pool, static_cast<uint64_t>(i)));
    if (i >= static_cast<int64_t>(pool.size())) s += " " + std::to_string(i / pool.size() + 1);
    return s;
  }
  if (kind == "practice_name") {
    return std::string(Pick(GetPool("practice_words"), r)) + " " +
           std::string(Pick(GetPool("practice_kinds"), r >> 8));
  }
  if (kind == "cdt_code") return std::string(gen::CdtCodes()[i].code);
  if (kind == "cdt_description") return std::string(gen::CdtCodes()[i].description);
  if (kind == "cdt_category") return std::string(gen::CdtCodes()[i].category);
  if (kind == "ada_code") return std::string(Pick(GetPool("ada_codes"), r));
  if (kind == "ada_code_list") {
    return std::string(Pick(GetPool("ada_codes"), r)) + "," +
           std::string(Pick(GetPool("ada_codes"), r >> 8));
  }
  if (kind == "tr_procedure_code") return std::string(Pick(GetPool("tr_codes"), r));
  if (kind == "service_code") return std::string(Pick(GetPool("service_codes"), r));
  if (kind.starts_with("custom_")) {
    const gen::CustomProperty* cp = i < static_cast<int64_t>(custom_keys_.size())
                                        ? gen::FindCustomProperty(custom_keys_[i])
                                        : nullptr;
    if (!cp) return std::nullopt;
    if (kind == "custom_key") return std::string(cp->key);
    if (kind == "custom_label") return std::string(cp->label);
    if (kind == "custom_type") return std::string(cp->type);
    if (kind == "custom_options") {
      if (cp->options.empty()) return std::nullopt;
      return std::string(cp->options);
    }
    return std::nullopt;
  }
  if (kind == "custom") {
    const gen::CustomProperty* cp = gen::FindCustomProperty(arg);
    if (!cp || r % 100 >= 55) return std::nullopt;
    if (cp->type == "boolean") return Bool(o, (r >> 8) % 2 == 0);
    if (cp->type == "date")
      return Date(o, f, kCreatedFrom + static_cast<int64_t>((r >> 8) % (kNow - kCreatedFrom)));
    if (cp->type == "enum") {
      std::string opts(cp->options);
      std::vector<std::string> list;
      size_t s = 0;
      for (;;) {
        size_t b = opts.find('|', s);
        list.push_back(opts.substr(s, b - s));
        if (b == std::string::npos) break;
        s = b + 1;
      }
      return list[(r >> 8) % list.size()];
    }
    static const std::map<std::string_view, gen::Pool> kText = {
        {"allergies", {"None", "Penicillin", "Latex", "Ibuprofen", "Peanuts", "Codeine"}},
        {"medications", {"None", "Metformin", "Warfarin", "Lisinopril", "Atorvastatin"}},
        {"occupation", {"Teacher", "Engineer", "Nurse", "Student", "Retired", "Accountant"}},
        {"school_or_employer", {"Lincoln High", "Acme Corp", "City Hospital", "State University"}},
    };
    if (cp->key == "nhs_number") return fmt::format("{:010d}", (r >> 8) % 10000000000ULL);
    if (auto it = kText.find(cp->key); it != kText.end())
      return std::string(Pick(it->second, r >> 8));
    return std::string(Pick(GetPool("short_texts"), r >> 8));
  }

  // Dates and times.
  if (kind == "created" || kind == "modified") {
    int64_t created =
        kCreatedFrom + static_cast<int64_t>(R(o, i, "created") %
                                            static_cast<uint64_t>(kNow - kCreatedFrom - 86400));
    if (kind == "created") return Date(o, f, created);
    return Date(o, f,
                created + static_cast<int64_t>(R(o, i, "modified") %
                                               static_cast<uint64_t>(kNow - created)));
  }
  if (kind == "datetime_past" || kind == "date_past") {
    return Date(o, f,
                Epoch(2015, 1, 1) +
                    static_cast<int64_t>(r % static_cast<uint64_t>(kNow - Epoch(2015, 1, 1))));
  }
  if (kind == "date_future") {
    return Date(o, f,
                kNow + 86400 + static_cast<int64_t>(r % static_cast<uint64_t>(kFutureTo - kNow)));
  }
  if (kind == "appointment_start" || kind == "appointment_status") {
    uint64_t s = R(o, i, "start");
    int64_t day =
        Epoch(2016, 1, 1) +
        static_cast<int64_t>(s % static_cast<uint64_t>(Epoch(2026, 3, 31) - Epoch(2016, 1, 1))) /
            86400 * 86400;
    int64_t start = day + (8 + static_cast<int64_t>((s >> 20) % 10)) * 3600 +
                    static_cast<int64_t>((s >> 28) % 4) * 900;
    if (kind == "appointment_start") return Date(o, f, start);
    if (start > kNow) return std::string("Scheduled");
    uint64_t w = r % 100;
    return std::string(w < 80 ? "Completed" : w < 92 ? "Cancelled" : "No Show");
  }

  // Clinical text.
  if (kind == "short_text") {
    if (r % 100 < 20) return std::nullopt;
    return std::string(Pick(GetPool("short_texts"), r >> 8));
  }
  if (kind == "note") return Note(r);
  if (kind == "tooth") return std::to_string(1 + r % 32);
  if (kind == "tooth_fdi") return std::to_string(1 + r % 4) + std::to_string(1 + (r >> 4) % 8);
  if (kind == "surface") {
    static const gen::Pool kSurfaces = {"O", "M", "D", "MO", "DO", "MOD", "B", "L", "DL"};
    return std::string(Pick(kSurfaces, r));
  }
  if (kind == "tooth_chart") {
    static const gen::Pool kSurfaces = {"O", "MO", "DO", "MOD", "B", "L", "X", "C"};
    int n = static_cast<int>(r % 4);
    if (n == 0) return std::nullopt;
    std::string out;
    for (int k = 0; k < n; ++k) {
      if (k) out += ";";
      out += std::to_string(1 + H(r, k) % 32) + ":" + std::string(Pick(kSurfaces, H(r, k + 9)));
    }
    return out;
  }

  // Attachments.
  if (kind == "file_path") {
    if (MissingAttachment(o, i)) {
      return (p_.attachments_dir.empty() ? "attachments" : p_.attachments_dir) + "/missing/" +
             inst.id + ".pdf";
    }
    return FilePath(PoolFileOf(i));
  }
  if (kind == "file_name") {
    int64_t fidx = PoolFileOf(i);
    std::string ext = FileExt(fidx);
    if (r % 20 == 0) return "Röntgen görüntüsü " + std::to_string(i) + ext;
    static const gen::Pool kPdf = {"consent_form", "insurance_card", "referral_letter",
                                   "treatment_plan", "lab_slip"};
    static const gen::Pool kImg = {"intraoral_photo", "insurance_card_scan", "smile_photo"};
    static const gen::Pool kDcm = {"pano", "cbct", "bitewing"};
    const gen::Pool& pool = ext == ".pdf" ? kPdf : ext == ".dcm" ? kDcm : kImg;
    return fmt::format("{}_{}{}", Pick(pool, r >> 4), 1000 + i, ext);
  }
  if (kind == "mime_type") {
    std::string ext = FileExt(PoolFileOf(i));
    return std::string(ext == ".pdf"   ? "application/pdf"
                       : ext == ".jpg" ? "image/jpeg"
                       : ext == ".png" ? "image/png"
                                       : "application/dicom");
  }
  if (kind == "file_size") return std::to_string(FileSize(PoolFileOf(i)));
  if (kind == "logo_url")
    return fmt::format("https://cdn.clinicplace.example/logos/{}.png", inst.id);
  if (kind == "series_id") {
    if (r % 10 != 0) return std::nullopt;
    return fmt::format("SER-{:05d}", (r >> 8) % 100000);
  }
  return std::nullopt;
}

Status Generator::WriteAttachmentFiles(int64_t documents) {
  int64_t n = std::min<int64_t>(documents, std::max<int64_t>(1, o_.attachment_files));
  std::string chunk(64 * 1024, '\0');
  for (int64_t f = 0; f < n; ++f) {
    std::string rel = FilePath(f);
    fs::path path = fs::path(o_.out_dir) / rel;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::FILE* out = std::fopen(path.c_str(), "wb");
    if (!out) return Unavailable("cannot create an attachment file in " + o_.out_dir);
    int64_t size = FileSize(f);
    std::string ext = FileExt(f);
    std::string head = ext == ".pdf"   ? "%PDF-1.4\n"
                       : ext == ".jpg" ? "\xFF\xD8\xFF\xE0"
                       : ext == ".png" ? "\x89PNG\r\n\x1A\n"
                                       : std::string(128, '\0') + "DICM";
    int64_t left = size;
    uint64_t state = H(o_.seed, HashStr("filebytes"), f);
    bool first = true;
    while (left > 0) {
      for (size_t k = 0; k < chunk.size(); k += 8) {
        state = Mix(state);
        std::memcpy(&chunk[k], &state, 8);
      }
      if (first) {
        std::memcpy(&chunk[0], head.data(), std::min(head.size(), chunk.size()));
        first = false;
      }
      size_t part =
          static_cast<size_t>(std::min<int64_t>(left, static_cast<int64_t>(chunk.size())));
      std::fwrite(chunk.data(), 1, part, out);
      left -= static_cast<int64_t>(part);
    }
    bool bad = std::fclose(out) != 0;
    if (bad) return Unavailable("cannot write an attachment file in " + o_.out_dir);
    ++files_written_;
    bytes_written_ += size;
    attachment_files_.push_back(Json{{"path", rel}, {"bytes", size}});
  }
  return Status::Ok();
}

Status Generator::WriteObject(const ObjectSpec& o) {
  fs::path path = fs::path(o_.out_dir) / o.file;
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  BW_ASSIGN_OR_RETURN(auto writer, RecordWriter::Open(path.string(), o));
  std::string ids_path = (fs::path(o_.out_dir) / (".truth_ids." + o.name)).string();
  std::FILE* ids = std::fopen(ids_path.c_str(), "wb");
  if (!ids) return Unavailable("cannot write in " + o_.out_dir);
  std::setvbuf(ids, nullptr, _IOFBF, 1 << 20);

  const ObjectSpec* parent = ParentOf(o);
  int patient_ref_field = -1;
  if (parent == patient_ && patient_) {
    for (size_t k = 0; k < o.fields.size(); ++k) {
      if (o.fields[k].gen == "ref:" + patient_->name) patient_ref_field = static_cast<int>(k);
    }
  }
  std::vector<Cell> cells;
  std::vector<int> field_cell(o.fields.size(), -1);
  Json& text_only = text_only_[o.name];
  Json& invalid = invalid_[o.name];
  std::string last_field;
  for (const auto& f : o.fields) {
    if (f.gen.starts_with("last_name")) last_field = f.name;
  }

  Visit(o, [&](const Instance& inst) {
    RecordState st;
    cells.clear();
    std::fill(field_cell.begin(), field_cell.end(), -1);
    // Fields of one list group ("Lines.*.x") are written item by item.
    std::map<std::string, int> group_items;
    for (size_t k = 0; k < o.fields.size(); ++k) {
      const FieldSpec& f = o.fields[k];
      if (!f.IsPattern()) {
        field_cell[k] = static_cast<int>(cells.size());
        cells.push_back(Cell{f.name, Value(o, f, inst, 0, &st), &f});
        continue;
      }
      std::string prefix = f.name.substr(0, f.name.find('*'));
      if (group_items.count(prefix)) continue;
      int lo = f.min_items, hi = std::max(f.min_items, f.max_items);
      int n = lo + static_cast<int>(R(o, inst.index, prefix) % static_cast<uint64_t>(hi - lo + 1));
      group_items[prefix] = n;
      for (int item = 0; item < n; ++item) {
        for (const auto& g : o.fields) {
          if (!g.IsPattern() || g.name.substr(0, g.name.find('*')) != prefix) continue;
          std::string name = g.name;
          name.replace(name.find('*'), 1, std::to_string(item));
          cells.push_back(Cell{name, Value(o, g, inst, item, &st), &g});
        }
      }
    }
    int bad_field = -1;
    Corruption c = BadKind(o, inst.index, &bad_field);
    bool missing = MissingAttachment(o, inst.index);
    bool dangling =
        c == Corruption::kNone && !missing && patient_ref_field >= 0 && Dangling(o, inst.index);
    std::string dangling_value;
    if (dangling) {
      dangling_value = MakeId(*patient_, o_.patients + 1000000 + inst.index);
      cells[field_cell[patient_ref_field]].value = dangling_value;
    }
    int bad_cell = bad_field >= 0 ? field_cell[bad_field] : -1;
    int64_t line = writer->Write(cells, c, bad_cell);
    ++written_[o.name];
    if (c != Corruption::kNone || missing) {
      BadRow b{o.name, o.file, kRecordField, "", inst.id, line};
      switch (c) {
        case Corruption::kExtraField:
          b.reason = "wrong field count";
          break;
        case Corruption::kTruncated:
        case Corruption::kMissingComma:
          b.reason = "malformed JSON";
          break;
        case Corruption::kNotObject:
          b.reason = "not a JSON object";
          break;
        case Corruption::kBadBytes:
          b.reason = "invalid encoding";
          b.field = o.fields[bad_field].name;
          break;
        case Corruption::kNone:
          b.reason = "missing attachment file";
          b.field = o.attachment_fields.front();
          break;
      }
      bad_rows_.push_back(std::move(b));
      return;
    }
    ++valid_[o.name];
    std::fputs(inst.id.c_str(), ids);
    std::fputc('\n', ids);
    if (dangling) {
      ++dangling_count_;
      if (static_cast<int64_t>(dangling_.size()) < kTruthListCap) {
        dangling_.push_back(Json{{"object", o.name},
                                 {"id", inst.id},
                                 {"field", o.fields[patient_ref_field].name},
                                 {"target", patient_->name},
                                 {"value", dangling_value}});
      }
    }
    for (const auto& target : st.text_only) {
      Json& t = text_only[target];
      if (t.is_null()) t = Json{{"count", 0}, {"ids", Json::array()}};
      t["count"] = t["count"].get<int64_t>() + 1;
      if (t["ids"].size() < 1000) t["ids"].push_back(inst.id);
    }
    for (const auto& field : st.invalid_fields) {
      Json& t = invalid[field];
      if (t.is_null()) t = Json{{"count", 0}, {"ids", Json::array()}};
      t["count"] = t["count"].get<int64_t>() + 1;
      if (t["ids"].size() < 1000) t["ids"].push_back(inst.id);
    }
    if (&o == patient_) {
      int64_t root = DupRoot(inst.index);
      if (root >= 0) dup_groups_[MakeId(o, root)].push_back(inst.id);
    }
    // Values a read must return exactly: non-Latin names, multi-line addresses, long notes.
    for (const auto& cell : cells) {
      if (!cell.value) continue;
      const std::string& v = *cell.value;
      bool non_ascii = std::any_of(v.begin(), v.end(), [](char ch) { return ch & 0x80; });
      if (cell.name == last_field && non_ascii && checks_names_ < 12) {
        ++checks_names_;
        checks_.push_back(
            Json{{"object", o.name}, {"id", inst.id}, {"field", cell.name}, {"value", v}});
      } else if (cell.spec && cell.spec->gen.starts_with("address_multiline") &&
                 v.find('\n') != std::string::npos && checks_addresses_ < 6) {
        ++checks_addresses_;
        checks_.push_back(
            Json{{"object", o.name}, {"id", inst.id}, {"field", cell.name}, {"value", v}});
      } else if (cell.spec && cell.spec->gen == "note" && v.size() > 10000 && checks_notes_ < 3) {
        ++checks_notes_;
        checks_.push_back(
            Json{{"object", o.name}, {"id", inst.id}, {"field", cell.name}, {"length", v.size()}});
      }
    }
    if (&o == attach_) {
      int64_t f = PoolFileOf(inst.index);
      int64_t size = FileSize(f);
      ++attachment_refs_;
      attachment_bytes_ += size;
      if (size > o_.max_attachment_bytes) {
        ++over_limit_count_;
        if (static_cast<int64_t>(over_limit_.size()) < kTruthListCap) {
          over_limit_.push_back(
              Json{{"object", o.name}, {"id", inst.id}, {"path", FilePath(f)}, {"bytes", size}});
        }
      }
    }
  });
  bool bad = std::fclose(ids) != 0;
  if (bad) return Unavailable("cannot write in " + o_.out_dir);
  return writer->Close();
}

Status Generator::WriteTruth() {
  std::string path = (fs::path(o_.out_dir) / "truth.json").string();
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (!out) return Unavailable("cannot write truth.json");
  auto put = [&](const std::string& s) { std::fwrite(s.data(), 1, s.size(), out); };
  Json gen_info = {{"kind", p_.kind},
                   {"patients", o_.patients},
                   {"seed", o_.seed},
                   {"large_file_bytes", o_.large_file_bytes},
                   {"max_attachment_bytes", o_.max_attachment_bytes},
                   {"attachment_files", o_.attachment_files}};
  put("{\n\"generator\": " + gen_info.dump() + ",\n\"objects\": {\n");
  bool first_obj = true;
  for (const auto& o : p_.objects) {
    if (!first_obj) put(",\n");
    first_obj = false;
    int64_t valid = valid_[o.name];
    Json head = {{"file", o.file}, {"written", written_[o.name]}, {"valid", valid}};
    std::string h = head.dump();
    h.pop_back();  // reopen the object to stream the ids
    put(Json(o.name).dump() + ": " + h);
    std::string ids_path = (fs::path(o_.out_dir) / (".truth_ids." + o.name)).string();
    if (valid <= o_.truth_id_limit) {
      put(", \"ids\": [");
      std::ifstream in(ids_path);
      std::string id;
      bool first = true;
      while (std::getline(in, id)) {
        put((first ? "" : ",") + Json(id).dump());
        first = false;
      }
      put("]}");
    } else {
      put(", \"ids\": null, \"ids_omitted\": true}");
    }
    std::error_code ec;
    fs::remove(ids_path, ec);
  }
  put("\n},\n");
  Json bad = Json::array();
  for (const auto& b : bad_rows_) {
    bad.push_back(Json{{"object", b.object},
                       {"file", b.file},
                       {"line", b.line},
                       {"field", b.field},
                       {"reason", b.reason},
                       {"id", b.id}});
  }
  Json dups = Json::array();
  for (const auto& [root, others] : dup_groups_) {
    Json ids = Json::array({root});
    for (const auto& x : others) ids.push_back(x);
    dups.push_back(Json{{"object", patient_ ? patient_->name : ""}, {"ids", ids}});
  }
  Json rest = {
      {"bad_rows", bad},
      {"duplicates", dups},
      {"dangling_references", Json{{"count", dangling_count_}, {"items", dangling_}}},
      {"provider_text_only", text_only_},
      {"invalid_values", invalid_},
      {"attachments", Json{{"files", attachment_files_},
                           {"references", attachment_refs_},
                           {"referenced_bytes", attachment_bytes_},
                           {"limit_bytes", o_.max_attachment_bytes},
                           {"over_limit_count", over_limit_count_},
                           {"over_limit", over_limit_}}},
      {"checks", checks_},
  };
  std::string r = rest.dump(1);
  put(r.substr(1));  // drop the '{': it continues the object opened above
  put("\n");
  bool failed = std::ferror(out) != 0;
  failed = std::fclose(out) != 0 || failed;
  if (failed) return Unavailable("cannot write truth.json");
  return Status::Ok();
}

StatusOr<Json> Generator::Run() {
  if (o_.patients < 1) return InvalidArgument("gen-sample: --patients must be at least 1");
  std::error_code ec;
  fs::create_directories(o_.out_dir, ec);
  if (ec) return Unavailable("gen-sample: cannot create " + o_.out_dir);
  for (const auto& o : p_.objects) {
    int64_t n = 0;
    Visit(o, [&](const Instance&) { ++n; });
    counts_[o.name] = n;
  }
  for (const auto& o : p_.objects) {
    if (&o == attach_) BW_RETURN_IF_ERROR(WriteAttachmentFiles(counts_[o.name]));
    BW_RETURN_IF_ERROR(WriteObject(o));
  }
  BW_RETURN_IF_ERROR(WriteTruth());
  Json objects = Json::object();
  for (const auto& o : p_.objects) objects[o.name] = written_[o.name];
  return Json{{"objects", objects},
              {"bad_rows", bad_rows_.size()},
              {"attachment_files", files_written_},
              {"attachment_bytes", bytes_written_}};
}

}  // namespace

StatusOr<Json> GenerateBundle(const Profile& profile, const GenerateOptions& options) {
  Generator g(profile, options);
  return g.Run();
}

}  // namespace bridgework::sources
