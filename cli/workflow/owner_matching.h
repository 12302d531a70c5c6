// Owner resolution (`bridgework owners`): the practice's providers, practitioners and staff
// matched to destination users, by email first (case-insensitive), then by normalised name
// (titles such as Dr. or DDS dropped, case and accents folded, "Last, First" read as
// "First Last", word order ignored). Matched owners become id-map entries so that load workers
// resolve `user_id` / `assigneeId` references like any other parent. Pure logic, except
// CollectOwnerCandidates, which reads the source.
//
// Thread contract: functions are pure and thread-compatible.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "connectors/destination_connector.h"
#include "connectors/source_connector.h"
#include "mapping/map_model.h"

namespace bridgework::cli::workflow {

// One owner the source names.
struct OwnerCandidate {
  std::string object;     // id-map object: the source object, or the free-text entry's `as`
  std::string source_id;  // record id; free text: the normalised name
  std::vector<std::string> spellings;  // free text: every raw spelling seen (also id-map keys)
  std::string name;                    // display name
  std::string email;
  bool free_text = false;
};

struct OwnerMatch {
  OwnerCandidate owner;
  std::string method;  // "email", "name", "fallback", or "" when unresolved
  std::string user_id;
  std::string user_name;
  std::string user_email;
  std::string reason;  // why it was not matched by email or name
};

struct OwnerResolution {
  std::vector<OwnerMatch> owners;
  std::string fallback_owner;  // as configured ("" when none)
  int matched = 0, fallback = 0, unresolved = 0;

  Json ToJson() const;
  std::string ToCsv() const;
  std::string ToHtml() const;
  // Target key ("<object>/<id>/user") -> destination user id, for every resolved owner.
  std::map<std::string, std::string> IdMapEntries() const;
  // Display names of the unresolved owners.
  std::vector<std::string> UnresolvedNames() const;
};

// The id-map key of an owner: "<object>/<source id>/user".
std::string OwnerKey(const std::string& object, const std::string& source_id);

// Name key for comparison and free-text ids: accents and case folded, punctuation dropped,
// titles and degrees removed, "Last, First" turned into "first last". "" when nothing is left.
std::string NormaliseName(std::string_view text);
std::string NormaliseEmail(std::string_view text);

// The map's owner sources: its `owners:` section, else one entry per object with a `match` rule.
std::vector<mapping::OwnerSource> OwnerSourcesOf(const mapping::MapFile& map);

// Reads every owner the sources name (record entries: one per record; free-text entries: one
// per distinct normalised name). Rows the source could not read are skipped.
StatusOr<std::vector<OwnerCandidate>> CollectOwnerCandidates(
    connectors::SourceConnector* source, const std::vector<mapping::OwnerSource>& sources);

// Matches candidates to users. `fallback_owner` (email, user id or name of a user) receives
// every owner left unmatched; kNotFound when it names no user.
StatusOr<OwnerResolution> ResolveOwners(const std::vector<OwnerCandidate>& candidates,
                                        const std::vector<connectors::DestinationUser>& users,
                                        const std::string& fallback_owner);

// The state-store value `owners` verb records ("owners.status") and writing verbs check.
inline constexpr char kOwnersStatusValue[] = "owners.status";
Json OwnersStatus(const OwnerResolution& resolution);

// For writing verbs: Ok when the map has no owner sources, or `owners` ran and left no owner
// unresolved (with fallback_owner set it assigns them all). FailedPrecondition naming the owners
// otherwise. `status_json` is the stored kOwnersStatusValue (nullopt: owners never ran).
Status CheckOwnersResolved(const mapping::MapFile& map,
                           const std::optional<std::string>& status_json,
                           const std::string& fallback_owner);

}  // namespace bridgework::cli::workflow
