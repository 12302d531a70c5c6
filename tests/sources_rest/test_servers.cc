#include "tests/sources_rest/test_servers.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace bridgework::testing {

bool Simulator::Start(const SimulatorOptions& o) {
  std::vector<std::string> args = {
      "--bundle",    o.bundle,       "--profile", o.profile,
      "--token-env", "SOURCE_TOKEN", "--seed",    std::to_string(o.seed)};
  if (o.rate_limit > 0) {
    args.insert(args.end(), {"--rate-limit", std::to_string(o.rate_limit), "--rate-window",
                             std::to_string(o.window_seconds)});
  }
  if (!o.faults.empty()) args.insert(args.end(), {"--faults", o.faults});
  auto server = PythonServer::Start("tests/emulators/source_rest/source_rest_sim.py", args,
                                    {"SOURCE_TOKEN=" + o.token});
  if (!server.ok()) return false;
  server_ = std::move(server).value();
  port_ = server_->port();
  return true;
}

std::vector<std::string> WriteFixtureBundle(const std::string& dir, int patients, int malformed) {
  std::filesystem::copy_file(SourceDir() + "/tests/emulators/source_rest/testdata/profile.json",
                             dir + "/profile.json",
                             std::filesystem::copy_options::overwrite_existing);
  std::vector<std::string> ids;
  std::ofstream out(dir + "/patients.ndjson");
  for (int i = 1; i <= patients; ++i) {
    char id[16];
    std::snprintf(id, sizeof(id), "P-%05d", i);
    ids.push_back(id);
    nlohmann::json rec = {
        {"id", id},
        {"name", {{"first", "First" + std::to_string(i)}, {"last", "Last"}}},
        {"email", i % 7 == 0 ? nlohmann::json(nullptr)
                             : nlohmann::json("p" + std::to_string(i) + "@example.test")},
        {"updated_at", "01/" + std::string(i % 28 < 9 ? "0" : "") + std::to_string(i % 28 + 1) +
                           "/2024 10:00:00"}};
    out << rec.dump() << "\n";
    if (i <= malformed)
      out << R"({"name": {"first": "No key"}})"
          << "\n";
  }
  std::ofstream appts(dir + "/appointments.csv");
  appts << "ApptID;PatientID;Start;Provider;LastModified\r\n"
        << "A-1;P-00001;01/15/2024 10:00;Dr. Sousa;01/10/2024 09:00:00\r\n"
        << "A-2;P-00002;02/03/2024 11:30;Dr Sousa;02/01/2024 12:30:00\r\n";
  return ids;
}

void SetFixtureRestShape(const std::string& dir, const std::string& pagination_json,
                         const std::string& modified_since_json) {
  nlohmann::json profile;
  {
    std::ifstream in(dir + "/profile.json");
    in >> profile;
  }
  profile["rest"]["pagination"] = nlohmann::json::parse(pagination_json);
  profile["rest"]["modified_since"] = nlohmann::json::parse(modified_since_json);
  std::ofstream(dir + "/profile.json") << profile.dump(2);
}

}  // namespace bridgework::testing
