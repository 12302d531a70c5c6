// Records per second into the Odoo emulator through the Odoo connector with batch sizes 1, 50,
// 200 and adaptive, printed as ratios to batch size 1 measured in the same run. Each size gets a
// fresh emulator, so that a larger database never penalises a later size.
//
//   build/bench/odoo_batch_bench [--records N] [--rounds R]
//
// BW_SOURCE_DIR (default: the source tree it was built from) locates the emulator.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "connectors/destinations/odoo/odoo_destination.h"
#include "tests/destinations/odoo/odoo_emulator_process.h"

namespace bw = bridgework;
namespace odoo = bridgework::connectors::odoo;

namespace {

std::vector<bw::TargetRecord> Partners(int n, int round) {
  std::vector<bw::TargetRecord> out;
  for (int i = 0; i < n; ++i) {
    bw::TargetRecord r;
    r.model = "res.partner";
    r.object = "patients";
    r.source_id = std::to_string(round) + "-" + std::to_string(i);
    r.target = "partner";
    r.values = {{"name", "Patient " + r.source_id},
                {"email", "p" + r.source_id + "@example.com"},
                {"phone", "+1 555 01" + std::to_string(i % 100)},
                {"ref", r.source_id},
                {"city", "Springfield"},
                {"is_company", false}};
    out.push_back(std::move(r));
  }
  return out;
}

// Records/s for one batch setting (fixed > 0, or 0 = adaptive); -1 on failure.
double Measure(int fixed, int records, int rounds) {
  auto emu = odoo::testing::OdooEmulatorProcess::Start({});
  if (!emu.ok()) {
    std::fprintf(stderr, "emulator: %s\n", emu.status().ToString().c_str());
    return -1;
  }
  odoo::OdooOptions o;
  o.url = (*emu)->url();
  o.database = (*emu)->options().database;
  o.user = (*emu)->options().user;
  o.password = (*emu)->options().password;
  o.batch.fixed = fixed;
  auto dest = odoo::NewOdooDestination(o);
  if (auto s = dest->Discover(); !s.ok()) {
    std::fprintf(stderr, "discover: %s\n", s.status().ToString().c_str());
    return -1;
  }
  double total_seconds = 0;
  int total = 0;
  for (int round = 0; round < rounds; ++round) {
    auto batch = Partners(records, round);
    auto start = std::chrono::steady_clock::now();
    auto out = dest->Upsert("bench", batch);
    total_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!out.ok()) {
      std::fprintf(stderr, "upsert: %s\n", out.status().ToString().c_str());
      return -1;
    }
    for (const auto& w : *out) {
      if (w.action == bw::WriteAction::kFailed) {
        std::fprintf(stderr, "record failed: %s\n", w.error.ToString().c_str());
        return -1;
      }
    }
    total += records;
  }
  return total / total_seconds;
}

}  // namespace

int main(int argc, char** argv) {
  int records = 400;
  int rounds = 2;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--records")) records = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--rounds")) rounds = std::atoi(argv[i + 1]);
  }
  struct Setting {
    const char* name;
    int fixed;
  };
  const Setting settings[] = {
      {"batch 1", 1}, {"batch 50", 50}, {"batch 200", 200}, {"adaptive", 0}};
  double baseline = 0;
  std::printf("odoo_batch_bench: %d res.partner records x %d rounds per setting\n", records,
              rounds);
  for (const auto& s : settings) {
    double rate = Measure(s.fixed, records, rounds);
    if (rate < 0) return 1;
    if (s.fixed == 1) baseline = rate;
    std::printf("%-10s %9.1f records/s  x%.2f vs batch 1\n", s.name, rate, rate / baseline);
    std::fflush(stdout);
  }
  return 0;
}
