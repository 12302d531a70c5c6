#include "tests/fakes/child_process.h"

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

namespace bridgework::testing {

std::string SourceDir() {
  const char* dir = std::getenv("BW_SOURCE_DIR");
  return dir != nullptr ? dir : BW_SOURCE_DIR_DEFAULT;
}

bool ChildProcess::Start(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env) {
  if (argv.empty()) return false;
  std::vector<std::string> envs;
  for (char** e = environ; *e != nullptr; ++e) envs.emplace_back(*e);
  envs.insert(envs.end(), env.begin(), env.end());
  std::vector<char*> cargv, cenv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  for (const auto& e : envs) cenv.push_back(const_cast<char*>(e.c_str()));
  cenv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, cargv[0], nullptr, nullptr, cargv.data(), cenv.data()) != 0) return false;
  pid_ = pid;
  return true;
}

bool ChildProcess::Running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) pid_ = -1;
  return pid_ > 0;
}

void ChildProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

ScopedTempDir::ScopedTempDir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / ("bw-" + prefix + "-XXXXXX"));
  char* made = mkdtemp(tmpl.data());
  path_ = made != nullptr ? made : "";
}

ScopedTempDir::~ScopedTempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

StatusOr<std::unique_ptr<PythonServer>> PythonServer::Start(const std::string& script,
                                                            const std::vector<std::string>& args,
                                                            const std::vector<std::string>& env) {
  const std::string path = SourceDir() + "/" + script;
  if (!std::filesystem::exists(path)) return NotFound("test server not found: " + path);
  std::unique_ptr<PythonServer> s(new PythonServer());
  if (s->dir().empty()) return Internal("mkdtemp failed");
  const std::string port_file = s->dir() + "/port";
  std::vector<std::string> argv = {"python3", path, "--port", "0", "--port-file", port_file};
  argv.insert(argv.end(), args.begin(), args.end());
  if (!s->process_.Start(argv, env)) return Internal("could not start python3 " + script);
  // Waiting on a condition (the port file), not a fixed sleep; a slow sanitizer machine gets time.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (!s->process_.Running()) return Internal(script + " exited before listening");
    std::ifstream in(port_file);
    int port = 0;
    if (in >> port && port > 0) {
      s->port_ = port;
      s->http_ = connectors::NewCurlHttpClient({});
      return s;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return DeadlineExceeded(script + " did not write its port");
}

StatusOr<Json> PythonServer::Call(const std::string& method, const std::string& path,
                                  const Json& body,
                                  const std::vector<std::pair<std::string, std::string>>& headers) {
  connectors::HttpRequest request;
  request.method = method;
  request.url = url() + path;
  request.headers = headers;
  if (!body.is_null()) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body.dump();
  }
  BW_ASSIGN_OR_RETURN(connectors::HttpResponse response, http_->Send(request));
  if (response.status / 100 != 2) {
    return Internal(method + " " + path + ": HTTP " + std::to_string(response.status) + " " +
                    response.body);
  }
  Json parsed = Json::parse(response.body, nullptr, false);
  if (parsed.is_discarded()) return Internal(method + " " + path + ": not JSON");
  return parsed;
}

}  // namespace bridgework::testing
