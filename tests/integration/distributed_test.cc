// Distributed mode as an operator runs it: a redis-server, `bridgework coordinator` and four
// `bridgework worker` processes over real tcp sockets (the binary is $BRIDGEWORK), moving 200,000
// synthetic records in three dependent objects (patients, appointments -> patients, notes ->
// appointments / patients) into the null destination. Faults: kill -9 a worker mid-batch, kill -9
// the coordinator mid-run and start it again, restart redis-server mid-run. Each run must end with
// the exact counts per object in runs/<id>/migrate.json and one destination id per source record
// in the id map (no id issued twice).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "common/record.h"
#include "state/redis_client.h"
#include "state/redis_state_store.h"
#include "tests/fakes/redis_server.h"

namespace bridgework {
namespace {

namespace fs = std::filesystem;
using testing::RedisServer;

#if defined(__SANITIZE_ADDRESS__)
constexpr int64_t kPatients = 5000;  // 20,000 records: sanitizers are ~10x slower
#else
constexpr int64_t kPatients = 50000;  // 200,000 records: 50,000 + 100,000 + 50,000
#endif

pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int WaitExit(pid_t pid, int seconds) {
  for (int i = 0; i < seconds * 10; ++i) {
    int st = 0;
    if (::waitpid(pid, &st, WNOHANG) == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  return -1;
}

std::string ReadFile(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Distributed : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("BRIDGEWORK");
    ASSERT_NE(bin, nullptr) << "BRIDGEWORK must name the bridgework binary";
    bin_ = bin;
    ASSERT_TRUE(redis_.Start());
    dir_ = testing::TempDir();
    port_ = testing::FreePort();
    std::ofstream(dir_ + "/migration.yaml")
        << "migration: dist-test\n"
        << "source:\n  kind: synthetic\n  synthetic: {records: " << kPatients
        << ", appointments_per_patient: 2, notes_per_patient: 1}\n"
        << "destination:\n  kind: null\n"
        << "run_dir: " << dir_ << "/runs\n"
        << "redis: " << redis_.url() << "\n"
        << "workers: 4\nbatch_size: 500\nlease_seconds: 5\nmax_attempts: 10\n";
  }

  void TearDown() override {
    for (pid_t p : workers_) {
      ::kill(p, SIGKILL);
      ::waitpid(p, nullptr, 0);
    }
    if (coordinator_ > 0) {
      ::kill(coordinator_, SIGKILL);
      ::waitpid(coordinator_, nullptr, 0);
    }
    if (!HasFailure()) fs::remove_all(dir_);
  }

  void StartCoordinator() {
    coordinator_ = Spawn({bin_, "coordinator", "--config", dir_ + "/migration.yaml", "--bind",
                          "tcp://127.0.0.1:" + std::to_string(port_), "--metrics-port", "0",
                          "--metrics-host", "127.0.0.1"},
                         dir_ + "/coordinator.log");
  }

  void StartWorkers(int n) {
    for (int i = 0; i < n; ++i) {
      workers_.push_back(
          Spawn({bin_, "worker", "--connect", "tcp://127.0.0.1:" + std::to_string(port_), "--id",
                 "worker-" + std::to_string(workers_.size())},
                dir_ + "/worker-" + std::to_string(workers_.size()) + ".log"));
    }
  }

  // Waits until at least `records` are loaded in the current run (any object).
  void WaitForProgress(int64_t records) {
    state::RedisStateStoreOptions so;
    so.url = redis_.url();
    auto store = state::RedisStateStore::Connect(so);
    ASSERT_TRUE(store.ok());
    for (int i = 0; i < 1200; ++i) {
      auto run = (*store)->CurrentRun("dist-test");
      if (run.ok() && *run) {
        auto c = (*store)->Counters("dist-test", (*run)->plan.run_id);
        int64_t loaded = 0;
        if (c.ok()) {
          for (const auto& [o, v] : *c) loaded += v.loaded;
        }
        if (loaded >= records) return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "no progress; see " << dir_;
  }

  void ExpectExactOutcome() {
    int code = WaitExit(coordinator_, 600);
    coordinator_ = -1;
    ASSERT_EQ(code, 0) << ReadFile(dir_ + "/coordinator.log").substr(0, 4000);
    Json result = Json::parse(ReadFile(dir_ + "/runs/latest/migrate.json"));
    const Json& o = result["objects"];
    EXPECT_EQ(o["patients"]["read"], kPatients);
    EXPECT_EQ(o["patients"]["loaded"], kPatients);
    EXPECT_EQ(o["appointments"]["read"], 2 * kPatients);
    EXPECT_EQ(o["appointments"]["loaded"], 2 * kPatients);
    EXPECT_EQ(o["notes"]["read"], kPatients);
    EXPECT_EQ(o["notes"]["loaded"], kPatients);
    for (const char* obj : {"patients", "appointments", "notes"}) {
      EXPECT_EQ(o[obj]["failed"], 0) << obj;
      EXPECT_EQ(o[obj]["unlinked"], 0) << obj;
    }
    EXPECT_EQ(result["ok"], true);

    // The id map: one entry per source record, and no destination id issued twice.
    state::RedisAddress a;
    a.host = "127.0.0.1";
    a.port = redis_.port();
    state::RedisClient c(a);
    std::set<std::string> ids;
    std::string cursor = "0";
    int64_t entries = 0;
    do {
      auto r = c.Command({"HSCAN", "bw:{dist-test}:idmap", cursor, "COUNT", "5000"});
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      cursor = r->elements[0].str;
      const auto& kv = r->elements[1].elements;
      for (size_t k = 0; k + 1 < kv.size(); k += 2) {
        ++entries;
        ids.insert(kv[k + 1].str);
      }
    } while (cursor != "0");
    EXPECT_EQ(entries, 4 * kPatients);
    EXPECT_EQ(static_cast<int64_t>(ids.size()), entries) << "a destination id was issued twice";
  }

  RedisServer redis_;
  std::string bin_, dir_;
  int port_ = 0;
  pid_t coordinator_ = -1;
  std::vector<pid_t> workers_;
};

TEST_F(Distributed, FourWorkersMoveEveryRecordOnce) {
  StartCoordinator();
  StartWorkers(4);
  ExpectExactOutcome();
}

TEST_F(Distributed, WorkerKilledMidBatch) {
  StartCoordinator();
  StartWorkers(4);
  WaitForProgress(kPatients / 5);
  ::kill(workers_[0], SIGKILL);
  ::waitpid(workers_[0], nullptr, 0);
  workers_.erase(workers_.begin());
  ExpectExactOutcome();
}

TEST_F(Distributed, CoordinatorKilledAndRestarted) {
  StartCoordinator();
  StartWorkers(4);
  WaitForProgress(kPatients / 5);
  ::kill(coordinator_, SIGKILL);
  ::waitpid(coordinator_, nullptr, 0);
  StartCoordinator();
  ExpectExactOutcome();
}

TEST_F(Distributed, RedisRestartedMidRun) {
  StartCoordinator();
  StartWorkers(4);
  WaitForProgress(kPatients / 5);
  redis_.Stop();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ASSERT_TRUE(redis_.Start());
  ExpectExactOutcome();
}

TEST_F(Distributed, RedisUnreachableAtStartIsAClearError) {
  redis_.Kill();
  setenv("BW_STATE_CONNECT_SECONDS", "1", 1);
  pid_t p = Spawn({bin_, "coordinator", "--config", dir_ + "/migration.yaml", "--bind",
                   "tcp://127.0.0.1:" + std::to_string(port_), "--metrics-port", "0"},
                  dir_ + "/coordinator.log");
  unsetenv("BW_STATE_CONNECT_SECONDS");
  EXPECT_EQ(WaitExit(p, 60), 1);
  std::string log = ReadFile(dir_ + "/coordinator.log");
  EXPECT_NE(log.find("unreachable"), std::string::npos) << log;
  EXPECT_NE(log.find("127.0.0.1:" + std::to_string(redis_.port())), std::string::npos) << log;
}

}  // namespace
}  // namespace bridgework
