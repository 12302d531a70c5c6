// What only the Redis state store does, against a real redis-server: its key space, an unreachable
// Redis as a clear transient error, reconnection after a restart, and its URLs. The behaviour every
// store shares is in state_store_contract_test.cc.
#include "state/redis_state_store.h"

#include <gtest/gtest.h>

#include "tests/fakes/redis_server.h"

namespace bridgework::state {
namespace {

// What only the Redis store has: its key space. Every key of a migration carries the migration's
// hash tag, so a Redis Cluster keeps a migration on one shard and one script may touch all of them.
TEST(RedisStateStoreKeys, EveryKeyOfAMigrationCarriesItsHashTag) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  RedisStateStoreOptions o;
  o.url = redis.url();
  auto s = RedisStateStore::Connect(o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto& store = **s;
  RunPlan plan;
  plan.run_id = "r1";
  plan.objects = {{"patients", 0, {}, 1}};
  TaskSpec t;
  t.id = ExtractTaskId("patients", 0);
  ASSERT_TRUE(store.CreateRun("m", plan, {t}, 1).ok());
  ASSERT_TRUE(store.Lease("m", "r1", TaskKind::kExtract, "", "w", 10).ok());
  const std::string batch = LoadTaskId("patients", 0, 0);
  ASSERT_TRUE(store.StageBatch("m", "r1", "patients", batch, "b", 1, {}).ok());
  LoadCommit c;
  c.task_id = batch;
  c.object = "patients";
  c.id_map = {{"patients/p-1/record", "1"}};
  c.loaded = 1;
  ASSERT_TRUE(store.CommitLoad("m", "r1", c, 1).ok());
  ASSERT_TRUE(store.SetValue("m", "delta.watermark", "x").ok());

  auto address = ParseRedisAddress(redis.url());
  ASSERT_TRUE(address.ok());
  RedisClient client(*address);
  auto keys = client.Command({"KEYS", "*"});
  ASSERT_TRUE(keys.ok()) << keys.status().ToString();
  ASSERT_GE(keys->elements.size(), 5u);
  for (const auto& k : keys->elements) EXPECT_EQ(k.str.rfind("bw:{m}:", 0), 0u) << k.str;
}

TEST(RedisStateStoreConnect, UnreachableRedisIsAClearTransientError) {
  RedisStateStoreOptions o;
  o.url = "redis://127.0.0.1:" + std::to_string(testing::FreePort());
  o.connect_deadline = std::chrono::milliseconds(300);
  auto s = RedisStateStore::Connect(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(s.status().message().find("unreachable"), std::string::npos) << s.status().message();
}

TEST(RedisStateStoreConnect, ReconnectsAfterARedisRestart) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.Start());
  RedisStateStoreOptions o;
  o.url = redis.url();
  auto s = RedisStateStore::Connect(o);
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->SetValue("m", "watermark:patients", "2024-01-01T00:00:00Z").ok());
  redis.Stop();
  EXPECT_EQ((*s)->Ping().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(redis.Start());
  auto v = (*s)->GetValue("m", "watermark:patients");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, std::optional<std::string>("2024-01-01T00:00:00Z"));
}

TEST(RedisAddress, ParsesTcpAndUnixUrlsAndRefusesCredentials) {
  auto a = ParseRedisAddress("redis://10.0.0.5:6380/2");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "10.0.0.5");
  EXPECT_EQ(a->port, 6380);
  EXPECT_EQ(a->db, 2);
  auto u = ParseRedisAddress("unix:///tmp/r.sock?db=1");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->unix_path, "/tmp/r.sock");
  EXPECT_EQ(u->db, 1);
  EXPECT_FALSE(ParseRedisAddress("redis://user:secret@host:1").ok());
  EXPECT_FALSE(ParseRedisAddress("http://host").ok());
}

}  // namespace
}  // namespace bridgework::state
