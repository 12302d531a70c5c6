#include "state/manifest_codec.h"

#include <charconv>
#include <cstdint>
#include <string_view>
#include <vector>

namespace bridgework::state {
namespace {

constexpr char kTag[] = "m1";
constexpr char kListTag[] = "m2";

bool Plain(const std::string& s) { return s.find_first_of("\t\r\n") == std::string::npos; }

// The tab-separated parts of `line`; the last of at most `max_parts` takes the rest whole.
std::vector<std::string_view> SplitTabs(std::string_view line, size_t max_parts = SIZE_MAX) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() + 1 < max_parts) {
    size_t tab = line.find('\t', start);
    if (tab == std::string_view::npos) break;
    parts.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
  parts.push_back(line.substr(start));
  return parts;
}

template <typename Int>
bool ParseInt(std::string_view s, Int* out) {
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
  // The ninth part (prior values) may be long: taken whole.
  const std::vector<std::string_view> parts = SplitTabs(value, 9);
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
  e.model = std::string(parts[3]);
  e.destination_id = std::string(parts[4]);
  e.batch = std::string(parts[5]);
  e.worker = std::string(parts[6]);
  if (e.action == WriteAction::kUpdated) {
    if (parts.size() != 9) return corrupt();
    e.prior_values = Json::parse(parts[8], nullptr, false);
    if (e.prior_values.is_discarded()) return corrupt();
  } else if (parts.size() != 8) {
    return corrupt();
  }
  return e;
}

StatusOr<bool> IsPriorValuesEntry(const std::string& key, const std::string& value) {
  if (value.rfind("m1\tu\t", 0) == 0) return true;
  if (value.rfind("m1\tc\t", 0) == 0) return false;
  BW_ASSIGN_OR_RETURN(ManifestEntry e, DecodeManifestValue(key, value));
  return e.action == WriteAction::kUpdated;
}

bool CreatedListWriter::Add(const ManifestEntry& e) {
  if (e.action != WriteAction::kCreated || !Plain(e.key) || !Plain(e.model) ||
      !Plain(e.destination_id) || !Plain(e.batch) || !Plain(e.worker)) {
    return false;
  }
  if (entries_ == 0) {
    depth_ = e.depth;
    batch_ = e.batch;
    worker_ = e.worker;
    time_ms_ = e.time_ms;
  } else if (e.depth != depth_ || e.batch != batch_ || e.worker != worker_) {
    return false;
  }
  body_.append(e.key).append("\t").append(e.model).append("\t").append(e.destination_id);
  body_.append("\t").append(std::to_string(e.time_ms - time_ms_)).append("\n");
  ++entries_;
  return true;
}

std::string CreatedListWriter::Finish() {
  if (entries_ == 0) return "";
  std::string out;
  out.reserve(batch_.size() + worker_.size() + body_.size() + 48);
  out.append(kListTag).append("\t").append(std::to_string(depth_));
  out.append("\t").append(batch_).append("\t").append(worker_);
  out.append("\t").append(std::to_string(time_ms_));
  out.append("\n").append(body_);
  return out;
}

StatusOr<std::vector<ManifestEntry>> DecodeCreatedList(const std::string& name,
                                                       const std::string& value) {
  const auto corrupt = [&] {
    return DataLoss("state: created list of batch " + name + " is corrupt");
  };
  std::string_view rest(value);
  size_t end = rest.find('\n');
  if (end == std::string_view::npos) return corrupt();
  std::vector<std::string_view> head = SplitTabs(rest.substr(0, end));
  rest.remove_prefix(end + 1);
  ManifestEntry proto;
  int64_t base = 0;
  if (head.size() != 5 || head[0] != kListTag || !ParseInt(head[1], &proto.depth) ||
      !ParseInt(head[4], &base)) {
    return corrupt();
  }
  proto.action = WriteAction::kCreated;
  proto.batch = std::string(head[2]);
  proto.worker = std::string(head[3]);
  std::vector<ManifestEntry> out;
  while (!rest.empty()) {
    end = rest.find('\n');
    if (end == std::string_view::npos) return corrupt();  // every line ends with LF
    std::vector<std::string_view> f = SplitTabs(rest.substr(0, end));
    rest.remove_prefix(end + 1);
    int64_t delta = 0;
    if (f.size() != 4 || f[0].empty() || !ParseInt(f[3], &delta)) return corrupt();
    ManifestEntry e = proto;
    e.key = std::string(f[0]);
    e.model = std::string(f[1]);
    e.destination_id = std::string(f[2]);
    e.time_ms = base + delta;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace bridgework::state
