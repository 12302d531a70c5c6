// Export-bundle read throughput (records/s) and peak memory, for a generated vendor bundle.
//
//   bundle_read_bench --source sensei-cloud --patients 1000000 --dir /tmp/bw-bench-bundle
//
// Generates the bundle in a child process when <dir>/truth.json is missing (so the generator's
// memory is not counted), then in this process: (1) the baseline, a raw read of every byte of
// the object files counting line breaks; (2) the reader, every object through the
// SourceConnector seam on one thread; (3) the same with 2 shards per object on 2 threads.
// Prints records/s, MB/s, the ratio to the baseline, and peak resident memory (VmHWM).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "connectors/sources/bundle/bundle_source.h"
#include "connectors/sources/generator/generator.h"
#include "connectors/sources/profiles/profile.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

long PeakRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

double Seconds(Clock::time_point a) {
  return std::chrono::duration<double>(Clock::now() - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  std::string kind = "sensei-cloud", dir = "/tmp/bw-bench-bundle";
  int64_t patients = 1000000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string a = argv[i];
    if (a == "--source") kind = argv[i + 1];
    if (a == "--patients") patients = std::stoll(argv[i + 1]);
    if (a == "--dir") dir = argv[i + 1];
  }
  auto profile = bridgework::sources::BuiltinProfile(kind);
  if (!profile.ok()) {
    std::fprintf(stderr, "%s\n", profile.status().ToString().c_str());
    return 2;
  }
  if (!fs::exists(fs::path(dir) / "truth.json")) {
    auto start = Clock::now();
    pid_t pid = fork();
    if (pid == 0) {
      bridgework::sources::GenerateOptions g;
      g.out_dir = dir;
      g.patients = patients;
      g.seed = 1;
      g.large_file_bytes = 1 << 20;
      g.max_attachment_bytes = 4 << 20;
      g.truth_id_limit = 0;
      auto s = bridgework::sources::GenerateBundle(*profile, g);
      if (!s.ok()) std::fprintf(stderr, "%s\n", s.status().ToString().c_str());
      std::_Exit(s.ok() ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
    struct rusage ru {};
    getrusage(RUSAGE_CHILDREN, &ru);
    std::printf("generate: %ld patients in %.1f s, generator peak RSS %ld MB\n",
                static_cast<long>(patients), Seconds(start), ru.ru_maxrss / 1024);
  }

  // (1) Baseline: every byte of the object files, counting line breaks.
  int64_t bytes = 0, lines = 0;
  auto start = Clock::now();
  std::vector<char> buf(1 << 20);
  for (const auto& o : profile->objects) {
    std::FILE* f = std::fopen((fs::path(dir) / o.file).c_str(), "rb");
    if (!f) continue;
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) {
      bytes += static_cast<int64_t>(n);
      for (size_t k = 0; k < n; ++k) lines += buf[k] == '\n';
    }
    std::fclose(f);
  }
  double raw_s = Seconds(start);
  std::printf("baseline raw scan: %.0f MB in %.2f s = %.0f MB/s (%ld lines)\n", bytes / 1e6, raw_s,
              bytes / 1e6 / raw_s, static_cast<long>(lines));

  bridgework::sources::BundleSourceOptions options{dir};
  auto source = bridgework::sources::NewBundleSource(*profile, options);
  auto read = [&](int shards) -> std::pair<int64_t, int64_t> {
    std::atomic<int64_t> records{0}, errors{0};
    for (const auto& o : profile->objects) {
      auto plan = source->PlanShards(o.name, shards);
      if (!plan.ok()) continue;
      std::vector<std::thread> threads;
      for (const auto& shard : *plan) {
        threads.emplace_back([&, shard] {
          auto cursor = source->Open(shard, {});
          if (!cursor.ok()) return;
          bridgework::connectors::SourceRow row;
          int64_t r = 0, e = 0;
          while (true) {
            auto more = (*cursor)->Next(&row);
            if (!more.ok() || !*more) break;
            row.record ? ++r : ++e;
          }
          records += r;
          errors += e;
        });
      }
      for (auto& t : threads) t.join();
    }
    return {records.load(), errors.load()};
  };

  // (2) One thread.
  start = Clock::now();
  auto [records, errors] = read(1);
  double one_s = Seconds(start);
  std::printf(
      "reader, 1 thread: %ld records (+%ld row errors) in %.2f s = %.0f records/s, "
      "%.0f MB/s, %.2fx the baseline's time\n",
      static_cast<long>(records), static_cast<long>(errors), one_s, records / one_s,
      bytes / 1e6 / one_s, one_s / raw_s);
  // (3) Two shards per object on two threads (planning scans included).
  start = Clock::now();
  auto [records2, errors2] = read(2);
  double two_s = Seconds(start);
  std::printf(
      "reader, 2 shards x 2 threads: %ld records in %.2f s = %.0f records/s, "
      "speed-up %.2fx over 1 thread\n",
      static_cast<long>(records2), two_s, records2 / two_s, one_s / two_s);
  std::printf("peak resident memory of the reading process: %ld MB (bundle %.0f MB)\n",
              PeakRssKb() / 1024, bytes / 1e6);
  (void)errors2;
  return records == records2 ? 0 : 1;
}
