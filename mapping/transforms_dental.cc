// Dental transforms: treatment-plan lines into structured text, tooth notation.
#include <cctype>

#include "mapping/text_util.h"
#include "mapping/transforms.h"

namespace bridgework::mapping {
namespace {

struct PlanLine {
  std::string code, tooth, surface, description, cost, status;
};

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') {
      out += "&lt;";
    } else if (c == '>') {
      out += "&gt;";
    } else if (c == '&') {
      out += "&amp;";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string JsonText(const Json& o, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (o.contains(k)) {
      std::optional<std::string> s = ScalarText(o[k]);
      if (s) return TrimCopy(*s);
    }
  }
  return "";
}

}  // namespace

// Lines are "code|tooth|cost[|description]" separated by ';' or newlines, or a JSON list of
// objects {code, tooth, fee|cost|estimate, description, status}.
StatusOr<Json> TreatmentLines(const Json& value, const Json& args) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  std::string format = args.is_object() ? args.value("format", std::string("text")) : "text";
  std::vector<PlanLine> lines;
  std::string t = TrimCopy(*s);
  if (!t.empty() && (t[0] == '[' || t[0] == '{')) {
    Json parsed = Json::parse(t, nullptr, false);
    if (parsed.is_discarded()) return Reason("treatment lines are not valid JSON");
    if (parsed.is_object()) parsed = Json::array({parsed});
    for (const Json& o : parsed) {
      if (!o.is_object()) return Reason("treatment line is not an object");
      PlanLine l;
      l.code = JsonText(o, {"code", "procedure_code", "cdt", "cdt_code"});
      l.tooth = JsonText(o, {"tooth", "tooth_number", "zahn", "dis"});
      l.surface = JsonText(o, {"surface", "surfaces"});
      l.description = JsonText(o, {"description", "desc", "name"});
      l.cost = JsonText(o, {"fee", "cost", "estimate", "estimated_cost", "amount"});
      l.status = JsonText(o, {"status"});
      lines.push_back(l);
    }
  } else {
    std::string norm = t;
    for (char& c : norm) {
      if (c == '\n') c = ';';
    }
    for (const std::string& raw : Split(norm, ';')) {
      std::string line = TrimCopy(raw);
      if (line.empty()) continue;
      std::vector<std::string> f = Split(line, '|');
      if (f.size() < 2) f = Split(line, ',');
      PlanLine l;
      l.code = f.size() > 0 ? TrimCopy(f[0]) : "";
      l.tooth = f.size() > 1 ? TrimCopy(f[1]) : "";
      l.cost = f.size() > 2 ? TrimCopy(f[2]) : "";
      l.description = f.size() > 3 ? TrimCopy(f[3]) : "";
      lines.push_back(l);
    }
  }
  if (lines.empty()) return Json();
  std::string out;
  if (format == "html") out += "<ul>";
  for (const PlanLine& l : lines) {
    if (l.code.empty()) return Reason("treatment line without a procedure code");
    std::string text = l.code;
    if (!l.description.empty()) text += " " + l.description;
    if (!l.tooth.empty()) text += " - tooth " + l.tooth;
    if (!l.surface.empty()) text += " (" + l.surface + ")";
    if (!l.cost.empty()) {
      StatusOr<Json> money = Money(Json(l.cost), Json::object());
      if (!money.ok()) return Reason("treatment line cost is not a number");
      char buf[32];
      std::snprintf(buf, sizeof(buf), "%.2f", money->get<double>());
      text += " - est. " + std::string(buf);
    }
    if (!l.status.empty()) text += " [" + l.status + "]";
    if (format == "html") {
      out += "<li>" + Escape(text) + "</li>";
    } else if (format == "markdown") {
      out += (out.empty() ? "" : "\n") + std::string("- ") + text;
    } else {
      out += (out.empty() ? "" : "\n") + text;
    }
  }
  if (format == "html") out += "</ul>";
  return Json(out);
}

// "#14", "14", "tooth 14" -> "14"; FDI two-digit "36" stays; Palmer "UR6" -> universal "3".
StatusOr<Json> ToothNumber(const Json& value, const Json& args) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  std::string t = ToUpperUtf8(TrimCopy(*s));
  std::string digits;
  std::string letters;
  for (char c : t) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits.push_back(c);
    } else if (std::isalpha(static_cast<unsigned char>(c))) {
      letters.push_back(c);
    }
  }
  std::string system = args.is_object() ? args.value("system", std::string("universal")) : "";
  if ((letters == "UR" || letters == "UL" || letters == "LR" || letters == "LL") &&
      digits.size() == 1) {
    int n = digits[0] - '0';
    if (n < 1 || n > 8) return Reason("tooth number out of range");
    int u = letters == "UR" ? 9 - n : letters == "UL" ? 8 + n : letters == "LL" ? 25 - n : 24 + n;
    return Json(std::to_string(u));
  }
  if (digits.empty()) {
    if (letters.size() == 1 && letters[0] >= 'A' && letters[0] <= 'T') return Json(letters);
    return Reason("tooth number has no digits");
  }
  int n = std::atoi(digits.c_str());
  if (system == "fdi") {
    if (n < 11 || n > 85 || n % 10 == 0 || n % 10 > 8) return Reason("not an FDI tooth number");
  } else if (n < 1 || n > 32) {
    return Reason("tooth number out of range");
  }
  return Json(std::to_string(n));
}

}  // namespace bridgework::mapping
