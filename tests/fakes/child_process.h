// Processes and folders a test owns: a child process stopped when its object goes, a temporary
// folder removed when its object goes, and a Python test server (an emulator or simulator under
// tests/emulators) started on a port the OS chose, so tests run in parallel with anything else.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "connectors/http/http_client.h"

namespace bridgework::testing {

// The source tree: BW_SOURCE_DIR from CTest, else the path compiled in.
std::string SourceDir();

// A child process, stopped (SIGTERM, then waited for) when this object goes.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { Stop(); }
  // Starts argv[0] (looked up in PATH) with this process's environment plus `env` ("NAME=value").
  bool Start(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  // True while the child runs; reaps it once it has exited.
  bool Running();
  void Stop();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

// A fresh temporary folder "/tmp/bw-<prefix>-XXXXXX", removed with its contents at the end.
class ScopedTempDir {
 public:
  explicit ScopedTempDir(const std::string& prefix = "test");
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  ~ScopedTempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A Python server under tests/emulators that takes `--port 0 --port-file FILE` and writes the
// port it bound to FILE once it listens. Start waits for that file (or the child's early exit).
class PythonServer {
 public:
  // `script` is relative to the source tree; `env` adds "NAME=value" entries (secrets the server
  // reads from its environment, as the real servers' clients do).
  static StatusOr<std::unique_ptr<PythonServer>> Start(const std::string& script,
                                                       const std::vector<std::string>& args,
                                                       const std::vector<std::string>& env = {});

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_.path(); }

  // A call to the server's control or API endpoints; the answer's JSON. A non-2xx answer is an
  // Internal error carrying the status and body (test servers hold no patient data).
  StatusOr<Json> Call(const std::string& method, const std::string& path, const Json& body = {},
                      const std::vector<std::pair<std::string, std::string>>& headers = {});

 private:
  PythonServer() = default;
  ScopedTempDir dir_{"pyserver"};
  ChildProcess process_;
  int port_ = 0;
  std::unique_ptr<connectors::HttpClient> http_;
};

}  // namespace bridgework::testing
