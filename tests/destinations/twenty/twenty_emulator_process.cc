#include "tests/destinations/twenty/twenty_emulator_process.h"

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

namespace bridgework::connectors::twenty::testing {

StatusOr<std::unique_ptr<TwentyEmulatorProcess>> TwentyEmulatorProcess::Start(
    std::vector<std::string> extra_args) {
  const char* source = std::getenv("BW_SOURCE_DIR");
  if (source == nullptr) return FailedPrecondition("BW_SOURCE_DIR is not set");
  std::string script = std::string(source) + "/tests/emulators/twenty/twenty_emulator.py";
  if (!std::filesystem::exists(script)) return NotFound("emulator not found: " + script);

  std::unique_ptr<TwentyEmulatorProcess> p(new TwentyEmulatorProcess());
  std::string tmpl = (std::filesystem::temp_directory_path() / "bw-twenty-emu-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) return Internal("mkdtemp failed");
  p->dir_ = tmpl;
  std::string port_file = p->dir_ + "/port";

  std::vector<std::string> args = {"python3",     script,    "--port",        "0",
                                   "--port-file", port_file, "--api-key-env", "BW_TEST_TWENTY_KEY"};
  for (const auto& a : extra_args) args.push_back(a);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  env_strings.push_back(std::string("BW_TEST_TWENTY_KEY=") + kTestApiKey);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  if (posix_spawnp(&p->pid_, "python3", nullptr, nullptr, argv.data(), envp.data()) != 0) {
    p->pid_ = -1;
    return Internal("could not start python3");
  }
  // The emulator writes the port file (atomically, by rename) once it is bound.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string port;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(p->pid_, &status, WNOHANG) == p->pid_) {
      p->pid_ = -1;
      return Internal("the emulator exited before listening");
    }
    std::ifstream in(port_file);
    if (in && std::getline(in, port) && !port.empty()) break;
    port.clear();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (port.empty()) return DeadlineExceeded("the emulator did not write its port");
  p->url_ = "http://127.0.0.1:" + port;
  p->http_ = NewCurlHttpClient({});
  return p;
}

TwentyEmulatorProcess::~TwentyEmulatorProcess() {
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

StatusOr<Json> TwentyEmulatorProcess::Control(const std::string& method, const std::string& path,
                                              const Json& body) {
  HttpRequest request;
  request.method = method;
  request.url = url_ + path;
  if (method != "GET") {
    request.headers = {{"Content-Type", "application/json"}};
    request.body = body.dump();
  }
  BW_ASSIGN_OR_RETURN(HttpResponse response, http_->Send(request));
  if (response.status != 200) {
    return Internal("emulator " + path + ": HTTP " + std::to_string(response.status) + " " +
                    response.body);
  }
  Json parsed = Json::parse(response.body, nullptr, false);
  if (parsed.is_discarded()) return Internal("emulator " + path + ": not JSON");
  return parsed;
}

StatusOr<Json> TwentyEmulatorProcess::Rest(const std::string& method, const std::string& path,
                                           const Json& body) {
  HttpRequest request;
  request.method = method;
  request.url = url_ + path;
  request.headers = {{"Authorization", std::string("Bearer ") + kTestApiKey}};
  if (!body.is_null()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body.dump();
  }
  BW_ASSIGN_OR_RETURN(HttpResponse response, http_->Send(request));
  Json parsed = Json::parse(response.body, nullptr, false);
  if (response.status / 100 != 2) {
    return Internal(method + " " + path + ": HTTP " + std::to_string(response.status) + " " +
                    response.body);
  }
  if (parsed.is_discarded()) return Internal(path + ": not JSON");
  return parsed;
}

StatusOr<Json> TwentyEmulatorProcess::Snapshot() {
  return Control("GET", "/_emulator/snapshot", {});
}

StatusOr<Json> TwentyEmulatorProcess::Stats() { return Control("GET", "/_emulator/stats", {}); }

Status TwentyEmulatorProcess::SetFaults(const Json& faults) {
  return Control("POST", "/_emulator/faults", faults).status();
}

}  // namespace bridgework::connectors::twenty::testing
