// Text transforms: trimming, case, joins, null markers, and text -> HTML / markdown for notes.
#include <algorithm>
#include <cstring>

#include "common/text.h"
#include "mapping/text_util.h"
#include "mapping/transforms.h"

namespace bridgework::mapping {
namespace {

std::string ArgString(const Json& args, const char* key, std::string fallback) {
  if (args.is_object() && args.contains(key) && args[key].is_string()) {
    return args[key].get<std::string>();
  }
  return fallback;
}

StatusOr<std::string> NeedText(const Json& value) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Reason("expected a text value");
  return *s;
}

}  // namespace

StatusOr<Json> Trim(const Json& value, const Json& args) {
  if (!value.is_string()) return value;
  bool keep_lines = args.is_object() && args.value("keep_lines", false);
  std::string out = CollapseSpaces(value.get<std::string>(), keep_lines);
  if (out.empty()) return Json();
  return Json(out);
}

StatusOr<Json> Lower(const Json& value, const Json&) {
  BW_ASSIGN_OR_RETURN(std::string s, NeedText(value));
  return Json(ToLowerUtf8(s));
}

StatusOr<Json> Upper(const Json& value, const Json&) {
  BW_ASSIGN_OR_RETURN(std::string s, NeedText(value));
  return Json(ToUpperUtf8(s));
}

StatusOr<Json> TitleCase(const Json& value, const Json&) {
  BW_ASSIGN_OR_RETURN(std::string s, NeedText(value));
  std::string out;
  bool start = true;
  for (char32_t c : DecodeUtf8(s)) {
    std::string one;
    AppendUtf8(c, &one);
    out += start ? ToUpperUtf8(one) : ToLowerUtf8(one);
    start = (c == ' ' || c == '-' || c == '\'' || c == '\n');
  }
  return Json(out);
}

StatusOr<Json> NullIf(const Json& value, const Json& args) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  std::string t = ToLowerUtf8(CollapseSpaces(*s));
  std::vector<std::string> markers = {"",    "n/a",        "na",        "none", "null",
                                      "nil", "-",          "--",        "?",    "unknown",
                                      "tbd", "0000-00-00", "00/00/0000"};
  if (args.is_object() && args.contains("values") && args["values"].is_array()) {
    markers.clear();
    for (const Json& m : args["values"]) {
      if (m.is_string()) markers.push_back(ToLowerUtf8(m.get<std::string>()));
    }
  }
  if (std::find(markers.begin(), markers.end(), t) != markers.end()) return Json();
  return value;
}

StatusOr<Json> Join(const Json& value, const Json& args) {
  std::string sep = ArgString(args, "sep", " ");
  if (!value.is_array()) return value;
  std::string out;
  for (const Json& v : value) {
    std::optional<std::string> s = ScalarText(v);
    if (!s) continue;
    std::string t = CollapseSpaces(*s, true);
    if (t.empty()) continue;
    if (!out.empty()) out += sep;
    out += t;
  }
  if (out.empty()) return Json();
  return Json(out);
}

StatusOr<Json> Coalesce(const Json& value, const Json&) {
  if (!value.is_array()) return value;
  for (const Json& v : value) {
    std::optional<std::string> s = ScalarText(v);
    if (s && !TrimCopy(*s).empty()) return v;
  }
  return Json();
}

// Lines "Label: value" from a list; labels come from args.labels (same order as `from`).
StatusOr<Json> Concat(const Json& value, const Json& args) {
  if (!value.is_array()) return value;
  std::string sep = ArgString(args, "sep", "\n");
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    std::optional<std::string> s = ScalarText(value[i]);
    if (!s || TrimCopy(*s).empty()) continue;
    std::string label;
    if (args.is_object() && args.contains("labels") && args["labels"].is_array() &&
        i < args["labels"].size() && args["labels"][i].is_string()) {
      label = args["labels"][i].get<std::string>();
    }
    if (!out.empty()) out += sep;
    out += label.empty() ? TrimCopy(*s) : label + ": " + TrimCopy(*s);
  }
  if (out.empty()) return Json();
  return Json(out);
}

StatusOr<Json> Truncate(const Json& value, const Json& args) {
  BW_ASSIGN_OR_RETURN(std::string s, NeedText(value));
  size_t max = args.is_object() ? args.value("max", 255) : 255;
  std::vector<char32_t> cps = DecodeUtf8(s);
  if (cps.size() <= max) return Json(s);
  cps.resize(max);
  return Json(EncodeUtf8(cps));
}

StatusOr<Json> Prefix(const Json& value, const Json& args) {
  BW_ASSIGN_OR_RETURN(std::string s, NeedText(value));
  return Json(ArgString(args, "text", "") + s);
}

// Paragraphs at blank lines, <br> at single line breaks, everything escaped.
StatusOr<Json> TextToHtml(const Json& value, const Json&) {
  BW_ASSIGN_OR_RETURN(std::string s, NeedText(value));
  std::vector<std::string> lines = SplitLines(s);
  std::string out;
  std::string para;
  auto flush = [&] {
    if (!para.empty()) out += "<p>" + para + "</p>";
    para.clear();
  };
  for (const std::string& raw : lines) {
    std::string line = CollapseSpaces(raw);
    if (line.empty()) {
      flush();
      continue;
    }
    if (!para.empty()) para += "<br>";
    para += HtmlEscape(line);
  }
  flush();
  if (out.empty()) return Json();
  return Json(out);
}

// Markdown for Twenty's rich text: markdown control characters escaped, blank-line paragraphs,
// single breaks as hard breaks (two trailing spaces would be invisible; use backslash).
StatusOr<Json> TextToMarkdown(const Json& value, const Json&) {
  BW_ASSIGN_OR_RETURN(std::string s, NeedText(value));
  std::string out;
  bool blank = false;
  for (const std::string& raw : SplitLines(s)) {
    std::string line = CollapseSpaces(raw);
    if (line.empty()) {
      blank = !out.empty();
      continue;
    }
    std::string esc;
    for (size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      bool at_start = i == 0;
      if (c == '\\' || c == '`' || c == '*' || c == '_' || c == '[' || c == ']' || c == '<' ||
          c == '>' || c == '|' || (at_start && (c == '#' || c == '+' || c == '-'))) {
        esc.push_back('\\');
      }
      esc.push_back(c);
    }
    if (!out.empty()) out += blank ? "\n\n" : "\\\n";
    blank = false;
    out += esc;
  }
  if (out.empty()) return Json();
  return Json(out);
}

StatusOr<Json> HtmlToText(const Json& value, const Json&) {
  BW_ASSIGN_OR_RETURN(std::string s, NeedText(value));
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '<') {
      size_t end = s.find('>', i);
      if (end == std::string::npos) break;
      std::string tag = ToLowerUtf8(s.substr(i + 1, end - i - 1));
      if (tag == "br" || tag == "br/" || tag == "br /" || tag == "/p" || tag == "/div" ||
          tag == "/li") {
        out += "\n";
      }
      i = end + 1;
      continue;
    }
    if (s[i] == '&') {
      static const std::pair<const char*, const char*> kEntities[] = {
          {"&amp;", "&"},   {"&lt;", "<"},  {"&gt;", ">"},
          {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
      bool matched = false;
      for (const auto& [ent, ch] : kEntities) {
        if (s.compare(i, std::strlen(ent), ent) == 0) {
          out += ch;
          i += std::strlen(ent);
          matched = true;
          break;
        }
      }
      if (matched) continue;
    }
    out.push_back(s[i++]);
  }
  return Json(CollapseSpaces(out, true));
}

StatusOr<Json> ToText(const Json& value, const Json&) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  return Json(*s);
}

}  // namespace bridgework::mapping
