// Servers the REST-source tests start for themselves and stop: a private redis-server on a unix
// socket in a temp dir, and the source REST simulator (tests/emulators/source_rest) on a port the
// OS chose. Nothing fixed, so tests run in parallel with anything else.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/fakes/child_process.h"
#include "tests/fakes/redis_server.h"

namespace bridgework::testing {

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
  std::unique_ptr<PythonServer> server_;
  int port_ = 0;
};

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
