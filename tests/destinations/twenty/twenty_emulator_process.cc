#include "tests/destinations/twenty/twenty_emulator_process.h"

namespace bridgework::connectors::twenty::testing {

StatusOr<std::unique_ptr<TwentyEmulatorProcess>> TwentyEmulatorProcess::Start(
    std::vector<std::string> extra_args) {
  std::vector<std::string> args = {"--api-key-env", "BW_TEST_TWENTY_KEY"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::unique_ptr<TwentyEmulatorProcess> p(new TwentyEmulatorProcess());
  BW_ASSIGN_OR_RETURN(p->server_, bridgework::testing::PythonServer::Start(
                                      "tests/emulators/twenty/twenty_emulator.py", args,
                                      {std::string("BW_TEST_TWENTY_KEY=") + kTestApiKey}));
  p->url_ = p->server_->url();
  return p;
}

TwentyEmulatorProcess::~TwentyEmulatorProcess() = default;

StatusOr<Json> TwentyEmulatorProcess::Control(const std::string& method, const std::string& path,
                                              const Json& body) {
  return server_->Call(method, path, method == "GET" ? Json() : body);
}

StatusOr<Json> TwentyEmulatorProcess::Rest(const std::string& method, const std::string& path,
                                           const Json& body) {
  return server_->Call(method, path, body,
                       {{"Authorization", std::string("Bearer ") + kTestApiKey}});
}

StatusOr<Json> TwentyEmulatorProcess::Snapshot() {
  return Control("GET", "/_emulator/snapshot", {});
}

StatusOr<Json> TwentyEmulatorProcess::Stats() { return Control("GET", "/_emulator/stats", {}); }

Status TwentyEmulatorProcess::SetFaults(const Json& faults) {
  return Control("POST", "/_emulator/faults", faults).status();
}

}  // namespace bridgework::connectors::twenty::testing
