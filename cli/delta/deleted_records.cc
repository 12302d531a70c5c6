#include "cli/delta/deleted_records.h"

namespace bridgework::cli::delta {

std::optional<TargetKey> ParseTargetKey(const std::string& key) {
  const size_t first = key.find('/');
  const size_t last = key.rfind('/');
  if (first == std::string::npos || last == first || first == 0 || last + 1 >= key.size()) {
    return std::nullopt;
  }
  return TargetKey{key.substr(0, first), key.substr(first + 1, last - first - 1),
                   key.substr(last + 1)};
}

std::map<std::string, std::vector<std::string>> FindDeletedInSource(
    const std::vector<std::string>& mapped_keys,
    const std::map<std::string, std::set<std::string>>& current_ids) {
  std::map<std::string, std::set<std::string>> gone;
  for (const auto& key : mapped_keys) {
    auto k = ParseTargetKey(key);
    if (!k) continue;
    auto it = current_ids.find(k->object);
    if (it == current_ids.end()) continue;
    if (!it->second.count(k->source_id)) gone[k->object].insert(k->source_id);
  }
  std::map<std::string, std::vector<std::string>> out;
  for (auto& [object, ids] : gone) out[object].assign(ids.begin(), ids.end());
  return out;
}

}  // namespace bridgework::cli::delta
