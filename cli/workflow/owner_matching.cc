#include "cli/workflow/owner_matching.h"

#include <algorithm>
#include <set>

#include "cli/workflow/text_format.h"
#include "mapping/text_util.h"

namespace bridgework::cli::workflow {
namespace {

// Honorifics and degrees that do not tell two people apart ("Dr. Ana Ruiz, DDS").
const std::set<std::string>& Titles() {
  static const std::set<std::string> kTitles = {
      "dr",  "doctor", "dds", "dmd",  "md",  "do",  "rdh", "rda", "phd", "mr",  "mrs",
      "ms",  "miss",   "mx",  "prof", "msc", "bds", "np",  "pa",  "rn",  "lpn", "facp",
      "ms.", "jr",     "sr",  "ii",   "iii", "dr.", "dra", "mag", "dipl"};
  return kTitles;
}

std::vector<std::string> NameTokens(std::string_view text) {
  std::vector<std::string> out;
  for (auto& t : mapping::Split(mapping::FoldKey(text), '_')) {
    if (!t.empty() && !Titles().count(t)) out.push_back(t);
  }
  return out;
}

// Word order ignored: "ruiz ana" and "ana ruiz" compare equal.
std::string ComparisonKey(const std::string& normalised) {
  std::vector<std::string> tokens = mapping::Split(normalised, ' ');
  std::sort(tokens.begin(), tokens.end());
  std::string out;
  for (const auto& t : tokens) {
    if (t.empty()) continue;
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

}  // namespace

std::string OwnerKey(const std::string& object, const std::string& source_id) {
  return object + "/" + source_id + "/user";
}

std::string NormaliseName(std::string_view text) {
  std::string_view head = text, tail;
  // "Last, First" -> "First Last"; a comma before a degree only ("Ana Ruiz, DDS") leaves no name
  // after it once titles are dropped, so the order stays.
  auto comma = text.find(',');
  if (comma != std::string_view::npos) {
    head = text.substr(0, comma);
    tail = text.substr(comma + 1);
  }
  std::vector<std::string> first = NameTokens(tail);
  std::vector<std::string> last = NameTokens(head);
  std::vector<std::string> all = first;
  all.insert(all.end(), last.begin(), last.end());
  return Join(all, " ");
}

std::string NormaliseEmail(std::string_view text) {
  return mapping::ToLowerUtf8(mapping::TrimCopy(text));
}

std::vector<mapping::OwnerSource> OwnerSourcesOf(const mapping::MapFile& map) {
  if (!map.owners.empty()) return map.owners;
  std::vector<mapping::OwnerSource> out;
  for (const auto& o : map.objects) {
    if (!o.match) continue;
    mapping::OwnerSource s;
    s.object = o.object;
    s.email = o.match->from;
    if (!o.match->by_name_from.empty()) s.name = {o.match->by_name_from};
    out.push_back(std::move(s));
  }
  return out;
}

StatusOr<std::vector<OwnerCandidate>> CollectOwnerCandidates(
    connectors::SourceConnector* source, const std::vector<mapping::OwnerSource>& sources) {
  std::vector<OwnerCandidate> out;
  for (const auto& s : sources) {
    BW_ASSIGN_OR_RETURN(std::vector<connectors::ShardSpec> shards, source->PlanShards(s.object, 1));
    std::map<std::string, size_t> by_text;  // normalised -> index in out
    for (const auto& shard : shards) {
      BW_ASSIGN_OR_RETURN(std::unique_ptr<connectors::RecordCursor> cursor,
                          source->Open(shard, connectors::ReadOptions{}));
      connectors::SourceRow row;
      while (true) {
        row = connectors::SourceRow{};
        BW_ASSIGN_OR_RETURN(bool more, cursor->Next(&row));
        if (!more) break;
        if (!row.record) continue;
        const SourceRecord& r = *row.record;
        if (!s.text.empty()) {
          const std::string* text = r.Get(s.text);
          if (text == nullptr) continue;
          std::string norm = NormaliseName(*text);
          if (norm.empty()) continue;
          auto [it, fresh] = by_text.emplace(norm, out.size());
          if (fresh) {
            OwnerCandidate c;
            c.object = s.as.empty() ? s.object + "." + s.text : s.as;
            c.source_id = norm;
            c.name = mapping::CollapseSpaces(*text);
            c.free_text = true;
            out.push_back(std::move(c));
          }
          auto& sp = out[it->second].spellings;
          if (std::find(sp.begin(), sp.end(), *text) == sp.end()) sp.push_back(*text);
          continue;
        }
        OwnerCandidate c;
        c.object = s.object;
        const std::string* id = s.id.empty() ? nullptr : r.Get(s.id);
        c.source_id = id ? *id : r.id;
        for (const auto& f : s.email) {
          if (const std::string* e = r.Get(f); e && !mapping::TrimCopy(*e).empty()) {
            c.email = mapping::TrimCopy(*e);
            break;
          }
        }
        std::vector<std::string> parts;
        for (const auto& f : s.name) {
          if (const std::string* p = r.Get(f)) parts.push_back(mapping::TrimCopy(*p));
        }
        c.name = Join(parts, " ");
        if (c.name.empty()) c.name = c.email.empty() ? c.source_id : c.email;
        out.push_back(std::move(c));
      }
    }
  }
  return out;
}

StatusOr<OwnerResolution> ResolveOwners(const std::vector<OwnerCandidate>& candidates,
                                        const std::vector<connectors::DestinationUser>& users,
                                        const std::string& fallback_owner) {
  std::map<std::string, std::vector<size_t>> by_email, by_name, by_last;
  for (size_t i = 0; i < users.size(); ++i) {
    if (!users[i].email.empty()) by_email[NormaliseEmail(users[i].email)].push_back(i);
    std::string n = NormaliseName(users[i].name);
    if (n.empty()) continue;
    by_name[ComparisonKey(n)].push_back(i);
    by_last[mapping::Split(n, ' ').back()].push_back(i);
  }
  OwnerResolution res;
  res.fallback_owner = fallback_owner;
  const connectors::DestinationUser* fallback = nullptr;
  if (!fallback_owner.empty()) {
    for (const auto& u : users) {
      if (u.id == fallback_owner || NormaliseEmail(u.email) == NormaliseEmail(fallback_owner) ||
          (!NormaliseName(u.name).empty() &&
           ComparisonKey(NormaliseName(u.name)) == ComparisonKey(NormaliseName(fallback_owner)))) {
        fallback = &u;
        break;
      }
    }
    if (fallback == nullptr) {
      return NotFound("fallback_owner '" + fallback_owner + "' is no user of the destination");
    }
  }
  for (const auto& c : candidates) {
    OwnerMatch m;
    m.owner = c;
    const connectors::DestinationUser* user = nullptr;
    if (!c.email.empty()) {
      auto it = by_email.find(NormaliseEmail(c.email));
      if (it != by_email.end() && it->second.size() == 1) {
        user = &users[it->second[0]];
        m.method = "email";
      } else if (it != by_email.end()) {
        m.reason = "email shared by several users";
      } else {
        m.reason = "no user with this email";
      }
    }
    if (user == nullptr) {
      std::string n = c.free_text ? c.source_id : NormaliseName(c.name);
      std::vector<std::string> tokens = mapping::Split(n, ' ');
      const std::vector<size_t>* hits = nullptr;
      if (tokens.size() > 1) {
        auto it = by_name.find(ComparisonKey(n));
        if (it != by_name.end()) hits = &it->second;
      } else if (tokens.size() == 1 && !tokens[0].empty()) {
        auto it = by_last.find(tokens[0]);  // a surname alone ("Dr. Ruiz")
        if (it != by_last.end()) hits = &it->second;
      }
      std::string why;
      if (hits != nullptr && hits->size() == 1) {
        user = &users[(*hits)[0]];
        m.method = "name";
      } else if (hits != nullptr) {
        why = "name matches several users";
      } else {
        why = n.empty() ? "no name" : "no user with this name";
      }
      if (user == nullptr) m.reason = m.reason.empty() ? why : m.reason + "; " + why;
    }
    if (user == nullptr && fallback != nullptr) {
      user = fallback;
      m.method = "fallback";
    }
    if (user != nullptr) {
      m.user_id = user->id;
      m.user_name = user->name;
      m.user_email = user->email;
      if (m.method == "fallback")
        ++res.fallback;
      else
        ++res.matched;
      if (m.method != "fallback") m.reason.clear();
    } else {
      ++res.unresolved;
    }
    res.owners.push_back(std::move(m));
  }
  return res;
}

Json OwnerResolution::ToJson() const {
  Json list = Json::array();
  for (const auto& m : owners) {
    list.push_back({{"object", m.owner.object},
                    {"source_id", m.owner.source_id},
                    {"free_text", m.owner.free_text},
                    {"spellings", m.owner.spellings},
                    {"name", m.owner.name},
                    {"email", m.owner.email},
                    {"key", OwnerKey(m.owner.object, m.owner.source_id)},
                    {"method", m.method.empty() ? "unresolved" : m.method},
                    {"user_id", m.user_id},
                    {"user_name", m.user_name},
                    {"user_email", m.user_email},
                    {"reason", m.reason}});
  }
  return Json{{"fallback_owner", fallback_owner},
              {"matched", matched},
              {"fallback", fallback},
              {"unresolved", unresolved},
              {"owners", list}};
}

std::string OwnerResolution::ToCsv() const {
  std::string out = CsvRow({"object", "source_id", "name", "email", "method", "user_id",
                            "user_name", "user_email", "reason"});
  for (const auto& m : owners) {
    out += CsvRow({m.owner.object, m.owner.source_id, m.owner.name, m.owner.email,
                   m.method.empty() ? "unresolved" : m.method, m.user_id, m.user_name, m.user_email,
                   m.reason});
  }
  return out;
}

std::string OwnerResolution::ToHtml() const {
  std::string body = "<p>" + std::to_string(matched) + " matched, " + std::to_string(fallback) +
                     " assigned to the fallback owner" +
                     (fallback_owner.empty() ? "" : " (" + HtmlEscape(fallback_owner) + ")") +
                     ", <span class=\"" + (unresolved ? "bad" : "ok") + "\">" +
                     std::to_string(unresolved) + " unresolved</span>.</p>\n";
  std::vector<std::vector<std::string>> rows;
  for (const auto& m : owners) {
    rows.push_back({m.owner.object, m.owner.source_id, m.owner.name, m.owner.email,
                    m.method.empty() ? "unresolved" : m.method,
                    m.user_name.empty() ? m.user_id : m.user_name + " (" + m.user_id + ")",
                    m.reason});
  }
  body +=
      HtmlTable({"object", "source id", "name", "email", "match", "destination user", "why"}, rows);
  return HtmlPage("Owner resolution", body);
}

std::map<std::string, std::string> OwnerResolution::IdMapEntries() const {
  std::map<std::string, std::string> out;
  for (const auto& m : owners) {
    if (m.user_id.empty()) continue;
    out[OwnerKey(m.owner.object, m.owner.source_id)] = m.user_id;
    for (const auto& s : m.owner.spellings) out[OwnerKey(m.owner.object, s)] = m.user_id;
  }
  return out;
}

std::vector<std::string> OwnerResolution::UnresolvedNames() const {
  std::vector<std::string> out;
  for (const auto& m : owners) {
    if (m.user_id.empty()) out.push_back(m.owner.object + " " + m.owner.source_id);
  }
  return out;
}

Json OwnersStatus(const OwnerResolution& r) {
  return Json{{"matched", r.matched},
              {"fallback", r.fallback},
              {"unresolved", r.UnresolvedNames()},
              {"fallback_owner", r.fallback_owner}};
}

Status CheckOwnersResolved(const mapping::MapFile& map,
                           const std::optional<std::string>& status_json,
                           const std::string& fallback_owner) {
  if (OwnerSourcesOf(map).empty()) return Status::Ok();
  if (!status_json) {
    return FailedPrecondition("owners are not resolved yet: run `bridgework owners` first");
  }
  Json j = Json::parse(*status_json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return FailedPrecondition("owner resolution record is unreadable: run `bridgework owners`");
  }
  std::vector<std::string> unresolved = j.value("unresolved", std::vector<std::string>{});
  if (unresolved.empty()) return Status::Ok();
  std::string names;
  for (size_t i = 0; i < unresolved.size() && i < 10; ++i) {
    names += (i ? ", " : "") + unresolved[i];
  }
  if (unresolved.size() > 10) names += ", ...";
  // A fallback set after `owners` ran is not in the id map yet: `owners` must run again.
  return FailedPrecondition(std::to_string(unresolved.size()) + " owner(s) unresolved (" + names +
                            (fallback_owner.empty()
                                 ? "): match them or set fallback_owner, then run `owners`"
                                 : "): run `bridgework owners` again to assign fallback_owner"));
}

}  // namespace bridgework::cli::workflow
