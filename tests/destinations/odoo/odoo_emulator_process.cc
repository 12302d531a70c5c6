#include "tests/destinations/odoo/odoo_emulator_process.h"

namespace bridgework::connectors::odoo::testing {

StatusOr<std::unique_ptr<OdooEmulatorProcess>> OdooEmulatorProcess::Start(EmulatorOptions options) {
  std::vector<std::string> args = {"--db",       options.database, "--user",
                                   options.user, "--password-env", "BW_TEST_ODOO_PASSWORD"};
  if (!options.modules.empty()) {
    std::string joined;
    for (const auto& m : options.modules) joined += (joined.empty() ? "" : ",") + m;
    args.insert(args.end(), {"--modules", joined});
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  std::unique_ptr<OdooEmulatorProcess> p(new OdooEmulatorProcess());
  BW_ASSIGN_OR_RETURN(p->server_, bridgework::testing::PythonServer::Start(
                                      "tests/emulators/odoo/odoo_emulator.py", args,
                                      {"BW_TEST_ODOO_PASSWORD=" + options.password}));
  p->url_ = p->server_->url();
  p->options_ = std::move(options);
  return p;
}

OdooEmulatorProcess::~OdooEmulatorProcess() = default;

StatusOr<Json> OdooEmulatorProcess::Control(const std::string& path, const Json& body) {
  return server_->Call("POST", path, body);
}

StatusOr<Json> OdooEmulatorProcess::Snapshot() {
  return server_->Call("GET", "/_emulator/snapshot");
}

StatusOr<Json> OdooEmulatorProcess::Stats() { return server_->Call("GET", "/_emulator/stats"); }

Status OdooEmulatorProcess::SetFaults(const Json& faults) {
  return Control("/_emulator/faults", faults).status();
}

}  // namespace bridgework::connectors::odoo::testing
