// `redis: "memory:"` as a user writes it: `bridgework migrate` (the binary is $BRIDGEWORK) runs
// the whole engine in its one process on the in-memory state store, with no redis-server, and
// every record lands once; the verbs that would read that state from another process refuse the
// config with the reason.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/record.h"
#include "tests/fakes/redis_server.h"

namespace bridgework {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class MemoryStateCli : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* bin = std::getenv("BRIDGEWORK");
    ASSERT_NE(bin, nullptr) << "BRIDGEWORK must name the bridgework binary";
    bin_ = bin;
    dir_ = testing::TempDir();
    std::ofstream(dir_ + "/migration.yaml")
        << "migration: memory-test\n"
        << "source:\n  kind: synthetic\n"
        << "  synthetic: {records: 2000, appointments_per_patient: 2, notes_per_patient: 1}\n"
        << "destination:\n  kind: null\n"
        << "run_dir: " << dir_ << "/runs\n"
        << "redis: \"memory:\"\n"
        << "workers: 2\nbatch_size: 250\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs `bridgework <verb> --config ...`; returns the exit code, stderr in *err.
  int Run(const std::string& verb, std::string* err) {
    const std::string cmd = bin_ + " " + verb + " --config " + dir_ + "/migration.yaml >" + dir_ +
                            "/" + verb + ".out 2>" + dir_ + "/" + verb + ".err";
    int rc = std::system(cmd.c_str());
    *err = ReadFile(dir_ + "/" + verb + ".err");
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }

  std::string bin_, dir_;
};

TEST_F(MemoryStateCli, MigrateMovesEveryRecordOnceWithoutARedisServer) {
  std::string err;
  ASSERT_EQ(Run("migrate", &err), 0) << err;
  EXPECT_FALSE(fs::exists(dir_ + "/runs/state")) << "no embedded redis-server was started";
  Json result = Json::parse(ReadFile(dir_ + "/runs/latest/migrate.json"), nullptr, false);
  ASSERT_TRUE(result.is_object()) << ReadFile(dir_ + "/runs/latest/migrate.json");
  EXPECT_EQ(result["ok"], true);
  EXPECT_EQ(result["objects"]["patients"]["read"], 2000);
  EXPECT_EQ(result["objects"]["patients"]["loaded"], 2000);
  EXPECT_EQ(result["objects"]["appointments"]["loaded"], 4000);
  EXPECT_EQ(result["objects"]["notes"]["loaded"], 2000);
}

TEST_F(MemoryStateCli, VerbsThatReadTheStateElsewhereRefuseWithTheReason) {
  for (const std::string verb : {"status", "rollback"}) {
    std::string err;
    EXPECT_NE(Run(verb, &err), 0) << verb;
    EXPECT_NE(err.find("memory:"), std::string::npos) << verb << ": " << err;
  }
}

}  // namespace
}  // namespace bridgework
