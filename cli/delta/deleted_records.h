// Records deleted in the source since they were migrated (`delta`): the id map's keys of an
// object ("<object>/<source id>/<target>") whose source id the source no longer has. They are
// reported, never deleted in the destination (a person decides; docs/sample-and-delta.md).
//
// Thread contract: pure functions.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bridgework::cli::delta {

struct TargetKey {
  std::string object;
  std::string source_id;
  std::string target;
};

// Splits "<object>/<source id>/<target>" (the source id may itself hold '/'); nullopt when the
// key has fewer than three parts.
std::optional<TargetKey> ParseTargetKey(const std::string& key);

// Per object, the sorted source ids that `mapped_keys` hold but `current_ids[object]` lacks.
// Objects absent from `current_ids` are not judged (their keys-only scan did not run).
std::map<std::string, std::vector<std::string>> FindDeletedInSource(
    const std::vector<std::string>& mapped_keys,
    const std::map<std::string, std::set<std::string>>& current_ids);

}  // namespace bridgework::cli::delta
