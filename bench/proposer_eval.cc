// The map proposer's precision and recall against the default maps (maps/*.yaml) as truth, per
// pair, with the bundle's own column names and with them renamed (tests/mapping/
// proposer_scoring.h says how it is scored and renamed).
//
//   proposer_eval [--patients 200] [--seed 7] [--confident 0.8] [--bundles DIR] [--verbose]
//                 [--pair sensei-cloud-to-odoo]
//
// Each pair's bundle is DIR/<source kind> (default DIR: a temporary folder, removed after); when
// DIR/<kind>/truth.json is missing it is generated as `bridgework gen-sample --source <kind>
// --patients N --seed S --out DIR/<kind>` would (same generator, same bytes). The destination
// schema is the offline fixture `map propose --schema` takes (tests/mapping/fixtures/). The
// tree is found through $BW_SOURCE_DIR (default: the tree this was built from).
// --verbose lists every wrong proposal and every truth field left unproposed (field names only;
// never a value).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "connectors/sources/generator/generator.h"
#include "connectors/sources/profiles/profile.h"
#include "tests/mapping/proposer_scoring.h"

namespace {

namespace fs = std::filesystem;
namespace eval = bridgework::mapping::eval;

using eval::kPairs;
using eval::Pair;

int Usage() {
  std::fprintf(stderr,
               "usage: proposer_eval [--patients N] [--seed S] [--confident C] [--bundles DIR] "
               "[--pair NAME] [--verbose]\n");
  return 2;
}

void PrintRow(const char* pair, const char* columns, const eval::Counts& c) {
  std::printf("%-24s %-10s %9.3f %7.3f %11.3f %5d %6d %6d %6d %9d\n", pair, columns, c.Precision(),
              c.Recall(), c.ConfidentPrecision(), c.confident_proposed, c.right, c.proposed,
              c.truth, c.new_field_agree);
}

}  // namespace

int main(int argc, char** argv) {
  int64_t patients = 200;
  uint64_t seed = 7;
  double confident = 0.8;
  std::string bundles, only;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--verbose") {
      verbose = true;
    } else if (a == "--patients" && (v = next())) {
      patients = std::atoll(v);
    } else if (a == "--seed" && (v = next())) {
      seed = std::strtoull(v, nullptr, 10);
    } else if (a == "--confident" && (v = next())) {
      confident = std::atof(v);
    } else if (a == "--bundles" && (v = next())) {
      bundles = v;
    } else if (a == "--pair" && (v = next())) {
      only = v;
    } else {
      return Usage();
    }
  }
  const char* env = std::getenv("BW_SOURCE_DIR");
  std::string tree = env ? env : BW_SOURCE_DIR_DEFAULT;
  bool temporary = bundles.empty();
  if (temporary) {
    bundles =
        (fs::temp_directory_path() / ("bw-proposer-eval-" + std::to_string(::getpid()))).string();
  }
  std::printf("proposer_eval: %lld patients, seed %llu, confident >= %.2f\n",
              static_cast<long long>(patients), static_cast<unsigned long long>(seed), confident);
  std::printf("%-24s %-10s %9s %7s %11s %5s %6s %6s %6s %9s\n", "pair", "columns", "precision",
              "recall", "P(confident)", "n", "right", "prop.", "truth", "new-field");
  const eval::Renaming kModes[] = {eval::Renaming::kNone, eval::Renaming::kRestyled,
                                   eval::Renaming::kTranslated};
  eval::Counts total[3];
  int status = 0;
  for (const Pair& pair : kPairs) {
    if (!only.empty() && only != pair.map) continue;
    fs::path dir = fs::path(bundles) / pair.kind;
    if (!fs::exists(dir / "truth.json")) {
      auto profile = bridgework::sources::BuiltinProfile(pair.kind);
      if (!profile.ok())
        return std::fprintf(stderr, "%s\n", profile.status().ToString().c_str()), 1;
      bridgework::sources::GenerateOptions gen;
      gen.out_dir = dir.string();
      gen.patients = patients;
      gen.seed = seed;
      gen.large_file_bytes = 2000;  // attachments' bytes do not matter here
      gen.large_files = 1;
      gen.attachment_files = 10;
      auto summary = bridgework::sources::GenerateBundle(*profile, gen);
      if (!summary.ok()) {
        std::fprintf(stderr, "gen-sample %s: %s\n", pair.kind, summary.status().ToString().c_str());
        return 1;
      }
    }
    eval::PairSpec spec;
    spec.map_path = tree + "/maps/" + pair.map + ".yaml";
    spec.schema_path = tree + "/tests/mapping/fixtures/" + pair.schema;
    spec.kind = pair.kind;
    spec.bundle_dir = dir.string();
    for (int m = 0; m < 3; ++m) {
      std::vector<eval::Mistake> mistakes;
      auto counts = eval::ScorePair(spec, kModes[m], confident, verbose ? &mistakes : nullptr);
      if (!counts.ok()) {
        std::fprintf(stderr, "%s: %s\n", pair.map, counts.status().ToString().c_str());
        status = 1;
        continue;
      }
      total[m].Add(*counts);
      PrintRow(pair.map, eval::RenamingName(kModes[m]), *counts);
      for (const eval::Mistake& x : mistakes) {
        std::printf("    %s %s.%s%s -> %s.%s (truth %s) %.2f: %s\n",
                    x.proposed.empty()          ? "missed   "
                    : x.confidence >= confident ? "CONFIDENT"
                                                : "unsure   ",
                    x.object.c_str(), x.field.c_str(),
                    x.renamed_as == x.field ? "" : (" as '" + x.renamed_as + "'").c_str(),
                    x.model.c_str(), x.proposed.c_str(), x.truth.c_str(), x.confidence,
                    x.reason.c_str());
      }
    }
  }
  for (int m = 0; m < 3; ++m) PrintRow("ALL", eval::RenamingName(kModes[m]), total[m]);
  if (temporary) fs::remove_all(bundles);
  return status;
}
