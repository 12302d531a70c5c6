#include "tests/destinations/odoo/odoo_emulator_process.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

extern char** environ;

namespace bridgework::connectors::odoo::testing {

StatusOr<std::unique_ptr<OdooEmulatorProcess>> OdooEmulatorProcess::Start(EmulatorOptions options) {
  const char* source = std::getenv("BW_SOURCE_DIR");
  std::string root = source ? source : BW_SOURCE_DIR_DEFAULT;
  std::string script = root + "/tests/emulators/odoo/odoo_emulator.py";
  if (!std::filesystem::exists(script)) return NotFound("emulator not found: " + script);

  std::unique_ptr<OdooEmulatorProcess> p(new OdooEmulatorProcess());
  p->options_ = options;
  std::string tmpl = (std::filesystem::temp_directory_path() / "bw-odoo-emu-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return Internal("mkdtemp failed");
  p->dir_ = tmpl;
  std::string port_file = p->dir_ + "/port";

  std::vector<std::string> args = {"python3",    script,           "--port",
                                   "0",          "--port-file",    port_file,
                                   "--db",       options.database, "--user",
                                   options.user, "--password-env", "BW_TEST_ODOO_PASSWORD"};
  if (!options.modules.empty()) {
    std::string joined;
    for (const auto& m : options.modules) joined += (joined.empty() ? "" : ",") + m;
    args.push_back("--modules");
    args.push_back(joined);
  }
  for (const auto& a : options.extra_args) args.push_back(a);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  env_strings.push_back("BW_TEST_ODOO_PASSWORD=" + options.password);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  if (posix_spawnp(&p->pid_, "python3", nullptr, nullptr, argv.data(), envp.data()) != 0) {
    p->pid_ = -1;
    return Internal("could not start python3");
  }
  // Wait until the emulator wrote its port (it writes the file after binding).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string port;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(p->pid_, &status, WNOHANG) == p->pid_) {
      p->pid_ = -1;
      return Internal("the emulator exited before listening");
    }
    std::ifstream in(port_file);
    if (in && std::getline(in, port) && !port.empty() && port.back() != ' ') break;
    port.clear();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (port.empty()) return DeadlineExceeded("the emulator did not write its port");
  p->url_ = "http://127.0.0.1:" + port;
  p->http_ = NewCurlHttpClient({});
  return p;
}

OdooEmulatorProcess::~OdooEmulatorProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

StatusOr<Json> OdooEmulatorProcess::Control(const std::string& path, const Json& body) {
  HttpRequest request;
  request.method = "POST";
  request.url = url_ + path;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = body.dump();
  BW_ASSIGN_OR_RETURN(HttpResponse response, http_->Send(request));
  if (response.status != 200) {
    return Internal("emulator " + path + ": HTTP " + std::to_string(response.status) + " " +
                    response.body);
  }
  Json parsed = Json::parse(response.body, nullptr, false);
  if (parsed.is_discarded()) return Internal("emulator " + path + ": not JSON");
  return parsed;
}

StatusOr<Json> OdooEmulatorProcess::Snapshot() { return Get("/_emulator/snapshot"); }

StatusOr<Json> OdooEmulatorProcess::Stats() { return Get("/_emulator/stats"); }

StatusOr<Json> OdooEmulatorProcess::Get(const std::string& path) {
  BW_ASSIGN_OR_RETURN(HttpResponse response, http_->Send({.method = "GET", .url = url_ + path}));
  if (response.status != 200)
    return Internal("emulator " + path + ": HTTP " + std::to_string(response.status));
  Json parsed = Json::parse(response.body, nullptr, false);
  if (parsed.is_discarded()) return Internal("emulator " + path + ": not JSON");
  return parsed;
}

Status OdooEmulatorProcess::SetFaults(const Json& faults) {
  return Control("/_emulator/faults", faults).status();
}

}  // namespace bridgework::connectors::odoo::testing
