#include "state/manifest_codec.h"

#include <charconv>
#include <vector>

namespace bridgework::state {
namespace {

constexpr char kTag[] = "m1";

bool Plain(const std::string& s) { return s.find_first_of("\t\r\n") == std::string::npos; }

template <typename Int>
bool ParseInt(const std::string& s, Int* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

std::string EncodeManifestValue(const ManifestEntry& e) {
  if (!Plain(e.model) || !Plain(e.destination_id) || !Plain(e.batch) || !Plain(e.worker)) {
    return e.ToJson().dump();
  }
  const bool updated = e.action == WriteAction::kUpdated;
  std::string out;
  out.reserve(48 + e.model.size() + e.destination_id.size() + e.batch.size() + e.worker.size());
  out.append(kTag).append("\t").append(updated ? "u" : "c");
  out.append("\t").append(std::to_string(e.depth));
  out.append("\t").append(e.model);
  out.append("\t").append(e.destination_id);
  out.append("\t").append(e.batch);
  out.append("\t").append(e.worker);
  out.append("\t").append(std::to_string(e.time_ms));
  // JSON text never holds a raw tab or line break (they are escaped inside strings).
  if (updated) out.append("\t").append(e.prior_values.dump());
  return out;
}

StatusOr<ManifestEntry> DecodeManifestValue(const std::string& key, const std::string& value) {
  if (!value.empty() && value[0] == '{') {
    Json j = Json::parse(value, nullptr, false);
    if (j.is_discarded()) return DataLoss("state: manifest entry " + key + " is corrupt");
    return ManifestEntry::FromJson(j);
  }
  std::vector<std::string> parts;
  size_t start = 0;
  while (parts.size() < 8) {  // the ninth part (prior values) may be long: taken whole below
    size_t tab = value.find('\t', start);
    if (tab == std::string::npos) break;
    parts.push_back(value.substr(start, tab - start));
    start = tab + 1;
  }
  parts.push_back(value.substr(start));
  const auto corrupt = [&] { return DataLoss("state: manifest entry " + key + " is corrupt"); };
  if (parts.size() < 8 || parts[0] != kTag) return corrupt();
  ManifestEntry e;
  e.key = key;
  if (parts[1] == "c") {
    e.action = WriteAction::kCreated;
  } else if (parts[1] == "u") {
    e.action = WriteAction::kUpdated;
  } else {
    return corrupt();
  }
  if (!ParseInt(parts[2], &e.depth) || !ParseInt(parts[7], &e.time_ms)) return corrupt();
  e.model = std::move(parts[3]);
  e.destination_id = std::move(parts[4]);
  e.batch = std::move(parts[5]);
  e.worker = std::move(parts[6]);
  if (e.action == WriteAction::kUpdated) {
    if (parts.size() != 9) return corrupt();
    e.prior_values = Json::parse(parts[8], nullptr, false);
    if (e.prior_values.is_discarded()) return corrupt();
  } else if (parts.size() != 8) {
    return corrupt();
  }
  return e;
}

}  // namespace bridgework::state
