#include "tests/sources_rest/test_servers.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

extern char** environ;

namespace bridgework::testing {
namespace {

// Polls `ready` every few milliseconds for up to `limit`: waiting on a condition, not a sleep.
template <typename F>
bool WaitFor(F ready, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return ready();
}

}  // namespace

std::string SourceDir() {
  const char* dir = std::getenv("BW_SOURCE_DIR");
  return dir != nullptr ? dir : BW_SOURCE_DIR_DEFAULT;
}

bool ChildProcess::Start(const std::vector<std::string>& argv,
                         const std::vector<std::string>& env) {
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

void ChildProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "bw-rest-XXXXXX").string();
  char* made = mkdtemp(tmpl.data());
  path_ = made != nullptr ? made : "";
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty()) std::filesystem::remove_all(path_, ec);
}

bool RedisServer::Start() {
  socket_ = dir_.path() + "/redis.sock";
  if (!process_.Start({"redis-server", "--port", "0", "--unixsocket", socket_, "--save", "",
                       "--appendonly", "no", "--dir", dir_.path(), "--logfile",
                       dir_.path() + "/redis.log"})) {
    return false;
  }
  return WaitFor([this] {
    redisContext* c = redisConnectUnix(socket_.c_str());
    bool ok = c != nullptr && c->err == 0;
    if (ok) {
      auto* r = static_cast<redisReply*>(redisCommand(c, "PING"));
      ok = r != nullptr && r->type == REDIS_REPLY_STATUS;
      if (r != nullptr) freeReplyObject(r);
    }
    if (c != nullptr) redisFree(c);
    return ok;
  });
}

bool Simulator::Start(const SimulatorOptions& o) {
  std::string port_file = dir_.path() + "/port";
  std::vector<std::string> argv = {
      "python3",     SourceDir() + "/tests/emulators/source_rest/source_rest_sim.py",
      "--bundle",    o.bundle,
      "--profile",   o.profile,
      "--port",      "0",
      "--port-file", port_file,
      "--token-env", "SOURCE_TOKEN",
      "--seed",      std::to_string(o.seed)};
  if (o.rate_limit > 0) {
    argv.insert(argv.end(), {"--rate-limit", std::to_string(o.rate_limit), "--rate-window",
                             std::to_string(o.window_seconds)});
  }
  if (!o.faults.empty()) argv.insert(argv.end(), {"--faults", o.faults});
  if (!process_.Start(argv, {"SOURCE_TOKEN=" + o.token})) return false;
  return WaitFor([&] {
    std::ifstream in(port_file);
    int port = 0;
    if (!(in >> port) || port <= 0) return false;
    port_ = port;
    return true;
  });
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
