// Servers the REST-source tests start for themselves and stop: a private redis-server on a unix
// socket in a temp dir, and the source REST simulator (tests/emulators/source_rest) on a port the
// OS chose. Nothing fixed, so tests run in parallel with anything else.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace bridgework::testing {

// A child process, killed (SIGTERM, then waited for) when this object goes.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { Stop(); }
  // Starts argv[0] (looked up in PATH) with the extra environment variables "NAME=value".
  bool Start(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  void Stop();
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
};

// A fresh temporary folder, removed with everything in it when this object goes.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// redis-server with no persistence on a unix socket; url() is "unix://<dir>/redis.sock".
class RedisServer {
 public:
  bool Start();
  std::string url() const { return "unix://" + socket_; }

 private:
  TempDir dir_;
  std::string socket_;
  ChildProcess process_;
};

struct SimulatorOptions {
  std::string bundle;   // folder of the export bundle
  std::string profile;  // the vendor profile JSON
  std::string token = "test-token";
  int rate_limit = 0;  // requests per window; 0: none
  double window_seconds = 60;
  std::string faults;  // --faults SPEC
  int seed = 1;
};

// tests/emulators/source_rest/source_rest_sim.py. base_url() is "http://127.0.0.1:<port>".
class Simulator {
 public:
  bool Start(const SimulatorOptions& options);
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  TempDir dir_;
  int port_ = 0;
  ChildProcess process_;
};

// The source tree (BW_SOURCE_DIR from CTest, else the compile-time path).
std::string SourceDir();

// Writes a bundle in the fixture vendor's layout (tests/emulators/source_rest/testdata/
// profile.json, copied to <dir>/profile.json): `patients` patients in patients.ndjson (ids
// "P-00001".., modified in 2024) plus `malformed` lines without a key, two appointments.
// Returns the patient ids.
std::vector<std::string> WriteFixtureBundle(const std::string& dir, int patients,
                                            int malformed = 0);

// Rewrites <dir>/profile.json with another pagination and modified-since shape (JSON texts).
void SetFixtureRestShape(const std::string& dir, const std::string& pagination_json,
                         const std::string& modified_since_json);

}  // namespace bridgework::testing
