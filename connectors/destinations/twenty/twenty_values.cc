#include "connectors/destinations/twenty/twenty_values.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <optional>

namespace bridgework::connectors::twenty {
namespace {

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t dot = path.find('.', start);
    parts.emplace_back(path.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

void MergeInto(Json* into, const Json& from) {
  if (!into->is_object() || !from.is_object()) {
    *into = from;
    return;
  }
  for (const auto& [k, v] : from.items()) MergeInto(&(*into)[k], v);
}

bool IsBlank(const Json& v) {
  return v.is_null() || (v.is_string() && v.get<std::string>().empty());
}

// Sub-fields Twenty stores canonicalised (lower-cased emails, URLs as typed but compared loosely).
bool CaseInsensitiveKey(std::string_view key) {
  return key == "primaryEmail" || key == "primaryLinkUrl" || key == "additionalEmails";
}

// Milliseconds since the epoch of an ISO-8601 date-time with an offset ("2019-05-01T09:00:00Z",
// "...T09:00:00.000+02:00"); Twenty answers them normalised to UTC with milliseconds.
std::optional<int64_t> DateTimeMillis(const std::string& text) {
  int y, mo, d, h, mi, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &consumed) != 5 ||
      consumed != 16) {
    return std::nullopt;
  }
  size_t i = 16;
  int sec = 0, ms = 0;
  if (i < text.size() && text[i] == ':') {
    if (i + 3 > text.size()) return std::nullopt;
    sec = std::atoi(text.substr(i + 1, 2).c_str());
    i += 3;
    if (i < text.size() && text[i] == '.') {
      size_t start = ++i;
      while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
      std::string frac = (text.substr(start, i - start) + "000").substr(0, 3);
      ms = std::atoi(frac.c_str());
    }
  }
  int offset_min = 0;
  std::string rest = text.substr(i);
  if (rest == "Z") {
    offset_min = 0;
  } else if (rest.size() >= 5 && (rest[0] == '+' || rest[0] == '-')) {
    std::string digits;
    for (char c : rest.substr(1)) {
      if (c != ':') digits.push_back(c);
    }
    if (digits.size() != 4) return std::nullopt;
    offset_min = std::atoi(digits.substr(0, 2).c_str()) * 60 + std::atoi(digits.substr(2).c_str());
    if (rest[0] == '-') offset_min = -offset_min;
  } else {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return (static_cast<int64_t>(timegm(&tm)) - offset_min * 60) * 1000 + ms;
}

bool LeafEqual(const Json& stored, const Json& wanted, std::string_view key) {
  if (IsBlank(wanted)) return IsBlank(stored);
  if (wanted.is_string() && stored.is_string()) {
    auto a = DateTimeMillis(wanted.get<std::string>());
    auto b = a ? DateTimeMillis(stored.get<std::string>()) : std::nullopt;
    if (a && b) return *a == *b;
  }
  if (wanted.is_number() && stored.is_number()) return wanted.get<double>() == stored.get<double>();
  if (wanted.is_string() && stored.is_string() && CaseInsensitiveKey(key)) {
    return Lower(wanted.get<std::string>()) == Lower(stored.get<std::string>());
  }
  return stored == wanted;
}

bool CoversKey(const Json& stored, const Json& wanted, std::string_view key) {
  if (wanted.is_object()) {
    for (const auto& [k, v] : wanted.items()) {
      const Json* s = stored.is_object() && stored.contains(k) ? &stored[k] : nullptr;
      static const Json kNull;
      if (!CoversKey(s == nullptr ? kNull : *s, v, k)) return false;
    }
    return true;
  }
  return LeafEqual(stored, wanted, key);
}

}  // namespace

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Json NestDotted(const Json& values) {
  Json out = Json::object();
  if (!values.is_object()) return out;
  for (const auto& [key, value] : values.items()) {
    std::vector<std::string> parts = Split(key);
    Json* node = &out;
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
      Json& next = (*node)[parts[i]];
      if (!next.is_object()) next = Json::object();
      node = &next;
    }
    MergeInto(&(*node)[parts.back()], value);
  }
  return out;
}

const Json* GetPath(const Json& record, std::string_view path) {
  const Json* node = &record;
  for (const std::string& part : Split(path)) {
    if (!node->is_object() || !node->contains(part)) return nullptr;
    node = &(*node)[part];
  }
  return node;
}

bool ErasePath(Json* record, std::string_view path) {
  std::vector<std::string> parts = Split(path);
  std::vector<Json*> chain{record};
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    Json* node = chain.back();
    if (!node->is_object() || !node->contains(parts[i])) return false;
    chain.push_back(&(*node)[parts[i]]);
  }
  Json* parent = chain.back();
  if (!parent->is_object() || parent->erase(parts.back()) == 0) return false;
  for (size_t i = chain.size() - 1; i > 0 && chain[i]->empty(); --i) {
    chain[i - 1]->erase(parts[i - 1]);
  }
  return true;
}

bool Covers(const Json& stored, const Json& wanted) { return CoversKey(stored, wanted, ""); }

Json Project(const Json& stored, const std::vector<std::string>& fields) {
  Json out = Json::object();
  for (const std::string& f : fields) {
    const Json* v = GetPath(stored, f);
    out[f] = v == nullptr ? Json() : *v;
  }
  return out;
}

Json PriorValues(const Json& stored, const Json& written) {
  Json out = Json::object();
  for (const auto& [k, v] : written.items()) {
    if (k == "id") continue;
    out[k] = stored.is_object() && stored.contains(k) ? stored[k] : Json();
  }
  return out;
}

std::string InFilter(std::string_view field, const std::vector<std::string>& values) {
  std::string out(field);
  out += "[in]:[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += Json(values[i]).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  out += ']';
  return out;
}

}  // namespace bridgework::connectors::twenty
