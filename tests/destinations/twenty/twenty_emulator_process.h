// Starts tests/emulators/twenty/twenty_emulator.py on a free port (port 0, a temp port file),
// waits until it listens, and stops it when destroyed. Each test starts its own emulator.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "tests/fakes/child_process.h"

namespace bridgework::connectors::twenty::testing {

inline constexpr const char* kTestApiKey = "twenty-test-key-7f3a";

class TwentyEmulatorProcess {
 public:
  // `extra_args`: e.g. {"--rate-limit", "20", "--rate-window-ms", "1000", "--empty-workspace"}.
  static StatusOr<std::unique_ptr<TwentyEmulatorProcess>> Start(
      std::vector<std::string> extra_args = {});
  ~TwentyEmulatorProcess();

  const std::string& url() const { return url_; }
  // The workspace's records as JSON (GET /_emulator/snapshot).
  StatusOr<Json> Snapshot();
  // GET /_emulator/stats.
  StatusOr<Json> Stats();
  // Replaces the injected faults (POST /_emulator/faults).
  Status SetFaults(const Json& faults);
  // A call to a control endpoint; the answer's JSON.
  StatusOr<Json> Control(const std::string& method, const std::string& path, const Json& body);
  // A call to the REST API with the test key (to seed or inspect records).
  StatusOr<Json> Rest(const std::string& method, const std::string& path, const Json& body);

 private:
  TwentyEmulatorProcess() = default;
  std::unique_ptr<bridgework::testing::PythonServer> server_;
  std::string url_;
};

}  // namespace bridgework::connectors::twenty::testing
