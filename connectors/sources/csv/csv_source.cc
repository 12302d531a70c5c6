#include "connectors/sources/csv/csv_source.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "connectors/sources/bundle/csv_reader.h"
#include "connectors/sources/bundle/text_decoder.h"

namespace bridgework::sources {
namespace {

namespace fs = std::filesystem;

// Lower-case letters and digits only: "Patient ID" -> "patientid".
std::string Norm(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
  }
  return out;
}

std::vector<std::string> Forms(const std::string& object) {
  std::string n = Norm(object);
  std::vector<std::string> out{n};
  if (n.ends_with("ies")) out.push_back(n.substr(0, n.size() - 3) + "y");
  if (n.ends_with("es")) out.push_back(n.substr(0, n.size() - 2));
  if (n.ends_with("s")) out.push_back(n.substr(0, n.size() - 1));
  return out;
}

char DetectDelimiter(const std::string& line) {
  const char candidates[] = {',', ';', '\t', '|'};
  char best = ',';
  int best_count = 0;
  for (char c : candidates) {
    int count = 0;
    bool quoted = false;
    for (char ch : line) {
      if (ch == '"') quoted = !quoted;
      if (!quoted && ch == c) ++count;
    }
    if (count > best_count) best = c, best_count = count;
  }
  return best;
}

StatusOr<std::vector<std::string>> ReadHeader(const std::string& path, char delimiter,
                                              Encoding encoding) {
  CsvReader reader(delimiter);
  BW_RETURN_IF_ERROR(reader.Open(path));
  CsvRecord rec;
  BW_ASSIGN_OR_RETURN(bool any, reader.Next(&rec));
  if (!any) return std::vector<std::string>{};
  std::vector<std::string> out;
  for (const auto& raw : rec.fields) {
    std::string name;
    size_t bad = 0;
    if (!DecodeToUtf8(raw, encoding, &name, &bad)) {
      return InvalidArgument(fs::path(path).filename().string() + ": header is not valid " +
                             std::string(EncodingName(encoding)));
    }
    out.push_back(name);
  }
  return out;
}

std::string FirstLine(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::getline(in, line);
  return line;
}

Json Choice(const std::string& field, bool inferred, const std::string& why) {
  return Json{{"field", field}, {"inferred", inferred}, {"why", why}};
}

}  // namespace

StatusOr<CsvProfile> BuildCsvProfile(const CsvSourceOptions& options) {
  if (!fs::is_directory(options.dir)) return NotFound("csv source folder is missing");
  std::vector<CsvObjectConfig> objects = options.objects;
  if (objects.empty()) {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(options.dir)) {
      std::string ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ".csv" || ext == ".tsv" || ext == ".txt")) {
        files.push_back(e.path().filename().string());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      CsvObjectConfig o;
      o.file = f;
      std::string stem = fs::path(f).stem().string();
      for (char& c : stem) {
        if (c == ' ' || c == '-') c = '_';
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      o.name = stem;
      objects.push_back(o);
    }
  }
  if (objects.empty()) return NotFound("csv source folder holds no .csv files");

  CsvProfile out;
  Profile& p = out.profile;
  p.kind = "csv";
  p.label = "CSV export";
  p.defaults.format = FileFormat::kCsv;
  p.defaults.encoding = options.encoding;
  p.defaults.date_format = options.date_format;
  p.defaults.datetime_format = options.datetime_format;

  std::map<std::string, std::vector<std::string>> headers;
  std::vector<ObjectSpec> specs;
  for (auto& o : objects) {
    if (o.file.empty()) o.file = o.name + ".csv";
    std::string path = (fs::path(options.dir) / o.file).string();
    if (!fs::exists(path)) return NotFound("csv source: file " + o.file + " is missing");
    char delimiter = options.delimiter                        ? options.delimiter
                     : fs::path(o.file).extension() == ".tsv" ? '\t'
                                                              : DetectDelimiter(FirstLine(path));
    BW_ASSIGN_OR_RETURN(auto header, ReadHeader(path, delimiter, options.encoding));
    if (header.empty()) return InvalidArgument("csv source: " + o.file + " has no header");
    ObjectSpec spec;
    spec.name = o.name;
    spec.label = o.name;
    spec.file = o.file;
    spec.format = p.defaults;
    spec.format.delimiter = delimiter;
    for (const auto& h : header) {
      FieldSpec f;
      f.name = h;
      std::string n = Norm(h);
      if (n.find("email") != std::string::npos) {
        f.type = "email";
      } else if (n.find("phone") != std::string::npos || n.find("mobile") != std::string::npos) {
        f.type = "phone";
      } else if (n == "dob" || n.find("birth") != std::string::npos) {
        f.type = "date";
      } else {
        f.type = "string";
      }
      spec.fields.push_back(f);
    }
    Json note = {{"file", o.file}, {"delimiter", std::string(1, delimiter)}};
    // Primary key.
    if (!o.primary_key.empty()) {
      if (!spec.FindField(o.primary_key)) {
        return InvalidArgument("csv source: " + o.file + " has no column " + o.primary_key);
      }
      spec.primary_key = o.primary_key;
      note["primary_key"] = Choice(o.primary_key, false, "config");
    } else {
      std::string pk, why;
      for (const auto& h : header) {
        if (Norm(h) == "id") pk = h, why = "column named id";
      }
      if (pk.empty()) {
        for (const auto& form : Forms(o.name)) {
          for (const auto& h : header) {
            if (pk.empty() && Norm(h) == form + "id") pk = h, why = "column named <object>_id";
          }
        }
      }
      if (pk.empty()) {
        for (const auto& h : header) {
          if (pk.empty() && Norm(h).ends_with("id")) pk = h, why = "first column ending in id";
        }
      }
      if (pk.empty()) pk = header[0], why = "first column";
      spec.primary_key = pk;
      note["primary_key"] = Choice(pk, true, why);
    }
    // Modified-at.
    if (!o.modified_at.empty()) {
      spec.modified_at = o.modified_at;
      note["modified_at"] = Choice(o.modified_at, false, "config");
    } else {
      for (const char* cand : {"updatedat", "modifiedat", "lastmodified", "modified", "updated",
                               "lastupdated", "modifiedon", "updatedon"}) {
        for (const auto& h : header) {
          if (spec.modified_at.empty() && Norm(h) == cand) spec.modified_at = h;
        }
      }
      note["modified_at"] =
          spec.modified_at.empty() ? Json(nullptr) : Choice(spec.modified_at, true, "column name");
    }
    for (auto& f : spec.fields) {
      if (f.name == spec.modified_at) f.type = "datetime";
    }
    // Attachments.
    if (o.attachments_given) {
      spec.attachment_fields = o.attachment_fields;
    } else {
      for (const auto& h : header) {
        std::string n = Norm(h);
        if ((n.find("path") != std::string::npos || n.find("file") != std::string::npos) &&
            !n.ends_with("id") && n.find("size") == std::string::npos &&
            n.find("name") == std::string::npos && n.find("type") == std::string::npos) {
          spec.attachment_fields.push_back(h);
        }
      }
    }
    note["attachment_fields"] = spec.attachment_fields;
    note["attachment_fields_inferred"] = !o.attachments_given;
    out.inference[o.name] = note;
    headers[o.name] = header;
    specs.push_back(std::move(spec));
  }

  // References: given, or <other object>_id columns.
  for (size_t i = 0; i < specs.size(); ++i) {
    ObjectSpec& spec = specs[i];
    const CsvObjectConfig& o = objects[i];
    Json refs = Json::array();
    if (o.references_given) {
      for (const auto& r : o.references) {
        bool known = std::any_of(specs.begin(), specs.end(),
                                 [&](const ObjectSpec& s) { return s.name == r.object; });
        if (!known) {
          return InvalidArgument("csv source: " + spec.name + "." + r.field +
                                 " references unknown object " + r.object);
        }
        spec.references.push_back(r);
        refs.push_back(Json{{"field", r.field}, {"object", r.object}, {"inferred", false}});
      }
    } else {
      for (const auto& h : headers[spec.name]) {
        if (h == spec.primary_key) continue;
        std::string n = Norm(h);
        if (!n.ends_with("id") || n.size() <= 2) continue;
        std::string stem = n.substr(0, n.size() - 2);
        for (const auto& other : specs) {
          if (other.name == spec.name) continue;
          auto forms = Forms(other.name);
          if (std::find(forms.begin(), forms.end(), stem) != forms.end()) {
            spec.references.push_back({h, other.name});
            refs.push_back(Json{{"field", h}, {"object", other.name}, {"inferred", true}});
            break;
          }
        }
      }
    }
    out.inference[spec.name]["references"] = refs;
  }

  // Parents first, so that a reader (and inspect) sees referenced objects before referrers.
  std::set<std::string> placed;
  while (p.objects.size() < specs.size()) {
    bool progress = false;
    for (auto& spec : specs) {
      if (placed.count(spec.name)) continue;
      bool ready = std::all_of(spec.references.begin(), spec.references.end(), [&](const auto& r) {
        return placed.count(r.object) || r.object == spec.name;
      });
      if (!ready) continue;
      placed.insert(spec.name);
      p.objects.push_back(spec);
      progress = true;
    }
    if (!progress) {  // a cycle: keep the remaining ones in file order
      for (auto& spec : specs) {
        if (!placed.count(spec.name)) {
          placed.insert(spec.name);
          p.objects.push_back(spec);
        }
      }
    }
  }
  for (auto& spec : p.objects) {
    if (spec.name == "patients" || spec.name == "patient") spec.entity = "patient";
  }
  return out;
}

}  // namespace bridgework::sources
