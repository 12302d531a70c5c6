// The word lists gen-sample draws realistic values from: names (international, Latin-1 only for
// Windows-1252 bundles, Turkish), streets and cities per country, carriers, procedure codes,
// clinical sentences, custom-property definitions. Data, not logic.
//
// Thread contract: immutable after first use (function-local statics).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bridgework::sources::gen {

using Pool = std::vector<std::string_view>;

// A named list; an unknown name is a bug in a profile's gen recipe and yields an empty pool.
const Pool& GetPool(std::string_view name);

inline std::string_view Pick(const Pool& pool, uint64_t r) {
  return pool.empty() ? std::string_view() : pool[r % pool.size()];
}

struct ProcedureCode {
  std::string_view code, description, category;
};
const std::vector<ProcedureCode>& CdtCodes();

struct CustomProperty {
  std::string_view key, label, type, options;  // type: text | enum | boolean | date
};
// Every custom property any profile uses (looked up by key from "custom:<key>").
const std::vector<CustomProperty>& CustomProperties();
const CustomProperty* FindCustomProperty(std::string_view key);

// Lower-cases ASCII and replaces common Latin accented letters by their base letter
// ("José Müller" -> "jose muller"); other characters are kept. Shared with inspect's duplicate
// key so that a planted duplicate and its detection agree.
std::string FoldName(std::string_view utf8);
// FoldName but keeping case ("José" -> "Jose").
std::string StripAccents(std::string_view utf8);

}  // namespace bridgework::sources::gen
