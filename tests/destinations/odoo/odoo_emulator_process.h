// Starts tests/emulators/odoo/odoo_emulator.py on a free port (port 0, a temp port file), waits
// until it listens, and stops it when destroyed. Each test gets its own emulator and database.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "tests/fakes/child_process.h"

namespace bridgework::connectors::odoo::testing {

struct EmulatorOptions {
  std::vector<std::string> modules;  // empty: the emulator's default set
  std::vector<std::string> extra_args;
  std::string database = "practice";
  std::string user = "admin";
  std::string password = "emulator-pass-1";
};

class OdooEmulatorProcess {
 public:
  static StatusOr<std::unique_ptr<OdooEmulatorProcess>> Start(EmulatorOptions options);
  ~OdooEmulatorProcess();

  const std::string& url() const { return url_; }
  const EmulatorOptions& options() const { return options_; }
  // The whole database as JSON (control endpoint /_emulator/snapshot).
  StatusOr<Json> Snapshot();
  // Counters of calls and injected faults (control endpoint /_emulator/stats).
  StatusOr<Json> Stats();
  // Replaces the injected faults (control endpoint /_emulator/faults).
  Status SetFaults(const Json& faults);
  // A POST to a control endpoint; the answer's JSON.
  StatusOr<Json> Control(const std::string& path, const Json& body);

 private:
  OdooEmulatorProcess() = default;
  EmulatorOptions options_;
  std::unique_ptr<bridgework::testing::PythonServer> server_;
  std::string url_;
};

}  // namespace bridgework::connectors::odoo::testing
