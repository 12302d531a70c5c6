// Structured values: one2many lines assembled from flattened sources, attachment references.
#include <algorithm>
#include <cstdint>

#include "mapping/text_util.h"
#include "mapping/transforms.h"

namespace bridgework::mapping {

StatusOr<Json> Lines(const Json& value, const Json& args) {
  if (!args.is_object() || !args.contains("keys") || !args["keys"].is_array() ||
      args["keys"].empty()) {
    return Reason("lines needs args.keys");
  }
  const Json& keys = args["keys"];
  std::vector<std::string> numbers;
  if (args.contains("numbers") && args["numbers"].is_array()) {
    for (const Json& n : args["numbers"]) numbers.push_back(n.get<std::string>());
  }
  Json cells = value.is_array() ? value : Json::array({value});
  Json out = Json::array();
  for (size_t start = 0; start < cells.size(); start += keys.size()) {
    Json line = Json::object();
    bool any = false;
    for (size_t k = 0; k < keys.size() && start + k < cells.size(); ++k) {
      std::optional<std::string> s = ScalarText(cells[start + k]);
      if (!s || TrimCopy(*s).empty()) continue;
      any = true;
      std::string key = keys[k].get<std::string>();
      if (std::find(numbers.begin(), numbers.end(), key) != numbers.end()) {
        BW_ASSIGN_OR_RETURN(Json n, Float(Json(*s), Json::object()));
        line[key] = n;
      } else {
        line[key] = TrimCopy(*s);
      }
    }
    if (!any) continue;
    if (args.contains("fixed") && args["fixed"].is_object()) {
      for (const auto& [k, v] : args["fixed"].items()) {
        if (!line.contains(k)) line[k] = v;
      }
    }
    out.push_back(std::move(line));
  }
  if (out.empty()) return Json();
  return out;
}

StatusOr<Json> File(const Json& value, const Json&) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  std::string path = TrimCopy(*s);
  if (path.empty()) return Json();
  if (path[0] == '/' || path.find("..") != std::string::npos) {
    return Reason("attachment path leaves the bundle");
  }
  return Json{{"$file", path}};
}

StatusOr<Json> Base64(const Json& value, const Json&) {
  std::optional<std::string> s = ScalarText(value);
  if (!s) return Json();
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string& in = *s;
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < in.size()) {
    uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return Json(out);
}

}  // namespace bridgework::mapping
