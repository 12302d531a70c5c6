#include "state/redis_state_store.h"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "state/manifest_codec.h"

namespace bridgework::state {
namespace {

// Every script builds its keys from the prefixes it is given: all of them carry the migration's
// hash tag, so they live on one shard.

// ARGV: P, R, run_id, plan_json, now, n_objects, (object, extract_total)*, (task id, token)*
constexpr char kCreateRun[] = R"lua(
local P, R = ARGV[1], ARGV[2]
if redis.call('EXISTS', R .. 'plan') == 1 then return 0 end
redis.call('SET', R .. 'plan', ARGV[4])
redis.call('DEL', P .. 'run')
redis.call('HSET', P .. 'run', 'id', ARGV[3], 'status', 'running', 'started_ms', ARGV[5])
redis.call('RPUSH', P .. 'runs', ARGV[3])
local n = tonumber(ARGV[6])
local i = 7
for _ = 1, n do
  redis.call('HSET', R .. 'c:' .. ARGV[i], 'extract_total', ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  redis.call('RPUSH', R .. 'q:x', ARGV[i])
  redis.call('HSET', R .. 'token', ARGV[i], ARGV[i + 1])
  i = i + 2
end
return 1
)lua";

// ARGV: R, queue suffix, worker, lease_until
constexpr char kLease[] = R"lua(
local R = ARGV[1]
local id = redis.call('LPOP', R .. ARGV[2])
if not id then return false end
local attempt = redis.call('HINCRBY', R .. 'attempts', id, 1)
redis.call('ZADD', R .. 'lease', ARGV[4], id)
redis.call('HSET', R .. 'owner', id, ARGV[3])
local object = string.match(id, '^./([^/]+)/')
if attempt > 1 then redis.call('HINCRBY', R .. 'c:' .. object, 'retries', 1) end
local token = redis.call('HGET', R .. 'token', id) or ''
return {id, attempt, token}
)lua";

// ARGV: R, task id, reason, max_attempts, fatal(0/1)
constexpr char kRequeue[] = R"lua(
local R, id = ARGV[1], ARGV[2]
if redis.call('ZREM', R .. 'lease', id) == 0 then return 'absent' end
redis.call('HDEL', R .. 'owner', id)
if redis.call('SISMEMBER', R .. 'done', id) == 1 then return 'done' end
local object = string.match(id, '^./([^/]+)/')
local kind = string.sub(id, 1, 1)
local queue = (kind == 'x') and (R .. 'q:x') or (R .. 'q:l:' .. object)
local attempts = tonumber(redis.call('HGET', R .. 'attempts', id) or '0')
if ARGV[5] == '1' or attempts >= tonumber(ARGV[4]) then
  redis.call('HSET', R .. 'failed', id, ARGV[3])
  local c = R .. 'c:' .. object
  if kind == 'x' then
    redis.call('HINCRBY', c, 'extract_failed', 1)
  else
    redis.call('HINCRBY', c, 'load_failed', 1)
    local n = tonumber(redis.call('HGET', R .. 'bsize', id) or '0')
    redis.call('HINCRBY', c, 'failed', n)
  end
  redis.call('RPUSH', R .. 'failures', cjson.encode({object = object, id = 'task ' .. id,
    field = '', reason = ARGV[3], kind = 'failed'}))
  return 'failed'
end
redis.call('LPUSH', queue, id)
return 'requeued'
)lua";

// ARGV: R, task id
constexpr char kComplete[] = R"lua(
local R, id = ARGV[1], ARGV[2]
redis.call('ZREM', R .. 'lease', id)
redis.call('HDEL', R .. 'owner', id)
if redis.call('SADD', R .. 'done', id) == 1 then
  local object = string.match(id, '^./([^/]+)/')
  local field = (string.sub(id, 1, 1) == 'x') and 'extract_done' or 'load_done'
  redis.call('HINCRBY', R .. 'c:' .. object, field, 1)
end
return 1
)lua";

// ARGV: R, object, batch id, bytes, records, failure json*
constexpr char kStage[] = R"lua(
local R, object, id = ARGV[1], ARGV[2], ARGV[3]
-- 'staged' remembers every batch id ever staged in this run: an extract re-run after its worker
-- died re-stages the same ids, and a batch already loaded (its body deleted) must not come back.
if redis.call('SADD', R .. 'staged', id) == 0 then return 0 end
redis.call('SET', R .. 'batch:' .. id, ARGV[4])
local n = tonumber(ARGV[5])
local errors = #ARGV - 5
redis.call('HSET', R .. 'bsize', id, n)
redis.call('RPUSH', R .. 'q:l:' .. object, id)
local c = R .. 'c:' .. object
redis.call('HINCRBY', c, 'load_total', 1)
redis.call('HINCRBY', c, 'read', n + errors)
if errors > 0 then
  redis.call('HINCRBY', c, 'failed', errors)
  for i = 6, #ARGV do redis.call('RPUSH', R .. 'failures', ARGV[i]) end
end
return 1
)lua";

// ARGV: P, R, task id, object, worker, now, run id, created list or "",
//       n_listed, (key, destination id)*,
//       n_rows, (key, destination id, manifest value or "")*,
//       n_extra, (key, manifest value)*, n_failures, json*,
//       loaded, updated, skipped, failed, flagged, unlinked
//
// Listed rows are id-map entries whose manifest entry is in the created list (one value for the
// batch's created records, stored under the batch id in R..'created'; state/manifest_codec.h).
// The other rows are id-map entries with, usually, the manifest entry of the same key. "Extra"
// manifest entries have no id-map entry in this commit. Keys are unique across rows and within
// extras (the client keeps the first manifest entry of a key). The script works in bulk HMGET /
// HSET calls of at most CHUNK keys (unpack() is bounded by Lua's C stack), never a call per
// record: with 500 records a batch, the per-record Lua work (and the arguments it converts) is
// most of the commit's cost.
//
// Returns 1 when committed, 0 when the task was done already, -1 (nothing written) when a listed
// key is mapped already: the list holds entries of keys this commit maps first, and the client
// sends the commit again with every entry on its own.
constexpr char kCommit[] = R"lua(
local P, R, id, object = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('SISMEMBER', R .. 'done', id) == 1 then return 0 end
local CHUNK = 1000
local idmap, manifest = P .. 'idmap', R .. 'manifest'
-- Collects field/value pairs for one hash and writes them CHUNK at a time.
local function writer(hash)
  local w = {n = 0, args = {}}
  function w.add(field, value)
    w.args[w.n + 1] = field
    w.args[w.n + 2] = value
    w.n = w.n + 2
    if w.n >= 2 * CHUNK then w.flush() end
  end
  function w.flush()
    if w.n > 0 then redis.call('HSET', hash, unpack(w.args, 1, w.n)) end
    w.n = 0
  end
  return w
end
-- HMGET of keys[1..#keys], CHUNK at a time.
local function hmget(hash, keys)
  local out = {}
  for s = 1, #keys, CHUNK do
    local got = redis.call('HMGET', hash, unpack(keys, s, math.min(s + CHUNK - 1, #keys)))
    for x = 1, #got do out[s + x - 1] = got[x] end
  end
  return out
end

local list = ARGV[8]
local listed = tonumber(ARGV[9])
local L = 10  -- the first listed key
local n = tonumber(ARGV[L + 2 * listed])
local first = L + 2 * listed + 1  -- the first other row's key
-- keys[k] and its id: listed rows, then the others.
local keys, wanted = {}, {}
for k = 1, listed do
  keys[k] = ARGV[L + 2 * (k - 1)]
  wanted[k] = ARGV[L + 2 * (k - 1) + 1]
end
for k = 1, n do
  keys[listed + k] = ARGV[first + 3 * (k - 1)]
  wanted[listed + k] = ARGV[first + 3 * (k - 1) + 1]
end
local have = hmget(idmap, keys)
for k = 1, listed + n do
  local h = have[k]
  if h then
    if h ~= wanted[k] then
      return redis.error_reply('BWDATALOSS id map: ' .. keys[k] ..
        ' is already mapped to another destination id')
    end
    if k <= listed then return -1 end
  end
end
-- Keys mapped first here: set the id (each key is absent or already holds this id, so HSET sets
-- exactly what HSETNX would) and their manifest entries, replacing prior values a duplicate of
-- the key may have recorded meanwhile (the record was created in this run). Manifest entries of
-- keys mapped before are set only where absent (an update's prior values stay).
local ids, entries = writer(idmap), writer(manifest)
local check_keys, check_values = {}, {}
for k = 1, listed do ids.add(keys[k], wanted[k]) end
for k = 1, n do
  local value = ARGV[first + 3 * (k - 1) + 2]
  if not have[listed + k] then
    ids.add(keys[listed + k], wanted[listed + k])
    if value ~= '' then entries.add(keys[listed + k], value) end
  elseif value ~= '' then
    check_keys[#check_keys + 1] = keys[listed + k]
    check_values[#check_values + 1] = value
  end
end
ids.flush()
if list ~= '' then redis.call('HSET', R .. 'created', id, list) end
local i = first + 3 * n
local extra = tonumber(ARGV[i]); i = i + 1
for k = 0, extra - 1 do
  check_keys[#check_keys + 1] = ARGV[i + 2 * k]
  check_values[#check_values + 1] = ARGV[i + 2 * k + 1]
end
i = i + 2 * extra
local present = hmget(manifest, check_keys)
for k = 1, #check_keys do
  if not present[k] then entries.add(check_keys[k], check_values[k]) end
end
entries.flush()
local f = tonumber(ARGV[i]); i = i + 1
for s = 0, f - 1, CHUNK do
  redis.call('RPUSH', R .. 'failures', unpack(ARGV, i + s, i + math.min(s + CHUNK, f) - 1))
end
i = i + f
local c = R .. 'c:' .. object
local names = {'loaded', 'updated', 'skipped', 'failed', 'flagged', 'unlinked'}
for k = 1, 6 do
  local v = tonumber(ARGV[i + k - 1])
  if v ~= 0 then redis.call('HINCRBY', c, names[k], v) end
end
redis.call('SADD', R .. 'done', id)
redis.call('HINCRBY', c, 'load_done', 1)
redis.call('ZREM', R .. 'lease', id)
redis.call('HDEL', R .. 'owner', id)
redis.call('DEL', R .. 'batch:' .. id)
redis.call('XADD', P .. 'audit', 'MAXLEN', '~', '1000000', '*', 'run', ARGV[7], 'batch', id,
  'object', object, 'worker', ARGV[5], 'time_ms', ARGV[6], 'created',
  tostring(tonumber(ARGV[i]) - tonumber(ARGV[i + 1])), 'updated', ARGV[i + 1],
  'failed', ARGV[i + 3], 'unlinked', ARGV[i + 5])
return 1
)lua";

Json PlanToJson(const RunPlan& p) {
  Json objects = Json::array();
  for (const auto& o : p.objects) {
    objects.push_back({{"object", o.object},
                       {"depth", o.depth},
                       {"parents", o.parents},
                       {"extract_tasks", o.extract_tasks}});
  }
  return Json{{"run_id", p.run_id},
              {"map_hash", p.map_hash},
              {"modified_since", p.modified_since},
              {"objects", objects}};
}

RunPlan PlanFromJson(const Json& j) {
  RunPlan p;
  p.run_id = j.value("run_id", "");
  p.map_hash = j.value("map_hash", "");
  p.modified_since = j.value("modified_since", "");
  for (const auto& o : j.value("objects", Json::array())) {
    ObjectPlan op;
    op.object = o.value("object", "");
    op.depth = o.value("depth", 0);
    op.parents = o.value("parents", std::vector<std::string>{});
    op.extract_tasks = o.value("extract_tasks", int64_t{0});
    p.objects.push_back(std::move(op));
  }
  return p;
}

}  // namespace

std::string MigrationPrefix(const std::string& migration) { return "bw:{" + migration + "}:"; }

std::string RunPrefix(const std::string& migration, const std::string& run_id) {
  return MigrationPrefix(migration) + "r:" + run_id + ":";
}

StatusOr<std::unique_ptr<RedisStateStore>> RedisStateStore::Connect(
    const RedisStateStoreOptions& options) {
  BW_ASSIGN_OR_RETURN(RedisAddress address, ParseRedisAddress(options.url));
  std::unique_ptr<RedisStateStore> store(new RedisStateStore(options, address));
  {
    Handle h = store->Borrow();
    BW_RETURN_IF_ERROR(WaitForRedis(&*h.operator->(), options.connect_deadline));
  }
  return store;
}

RedisStateStore::Handle::~Handle() {
  if (c_ == nullptr) return;
  std::lock_guard<std::mutex> lock(store_->mu_);
  if (store_->pool_.size() < 16) store_->pool_.push_back(std::move(c_));
}

RedisStateStore::Handle RedisStateStore::Borrow() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!pool_.empty()) {
    auto c = std::move(pool_.back());
    pool_.pop_back();
    return Handle(this, std::move(c));
  }
  return Handle(this, std::make_unique<RedisClient>(address_, options_.io_timeout));
}

Status RedisStateStore::Ping() { return Borrow()->Command({"PING"}).status(); }

StatusOr<std::optional<RunState>> RedisStateStore::CurrentRun(const std::string& m) {
  auto h = Borrow();
  BW_ASSIGN_OR_RETURN(RedisReply r, h->Command({"HMGET", MigrationPrefix(m) + "run", "id", "status",
                                                "started_ms", "finished_ms"}));
  if (r.elements.size() != 4 || r.elements[0].is_nil()) return std::optional<RunState>();
  RunState s;
  s.status = r.elements[1].str;
  s.started_ms = r.elements[2].AsInt();
  s.finished_ms = r.elements[3].AsInt();
  const std::string run_id = r.elements[0].str;
  BW_ASSIGN_OR_RETURN(RedisReply plan, h->Command({"GET", RunPrefix(m, run_id) + "plan"}));
  if (plan.is_nil()) return DataLoss("state: run " + run_id + " has no plan");
  Json j = Json::parse(plan.str, nullptr, false);
  if (j.is_discarded()) return DataLoss("state: the plan of run " + run_id + " is corrupt");
  s.plan = PlanFromJson(j);
  return std::optional<RunState>(std::move(s));
}

Status RedisStateStore::CreateRun(const std::string& m, const RunPlan& plan,
                                  const std::vector<TaskSpec>& tasks, int64_t now_ms) {
  std::vector<std::string> args = {
      MigrationPrefix(m),      RunPrefix(m, plan.run_id), plan.run_id,
      PlanToJson(plan).dump(), std::to_string(now_ms),    std::to_string(plan.objects.size())};
  for (const auto& o : plan.objects) {
    args.push_back(o.object);
    args.push_back(std::to_string(o.extract_tasks));
  }
  for (const auto& t : tasks) {
    args.push_back(t.id);
    args.push_back(t.shard_token);
  }
  return Borrow()->Eval(kCreateRun, {}, args).status();
}

Status RedisStateStore::FinishRun(const std::string& m, const std::string& run_id,
                                  const std::string& status, int64_t now_ms) {
  auto h = Borrow();
  BW_ASSIGN_OR_RETURN(RedisReply cur, h->Command({"HGET", MigrationPrefix(m) + "run", "id"}));
  if (cur.str != run_id) return FailedPrecondition("state: run " + run_id + " is not current");
  return h
      ->Command({"HSET", MigrationPrefix(m) + "run", "status", status, "finished_ms",
                 std::to_string(now_ms)})
      .status();
}

StatusOr<std::optional<TaskSpec>> RedisStateStore::Lease(const std::string& m,
                                                         const std::string& run_id, TaskKind kind,
                                                         const std::string& object,
                                                         const std::string& worker,
                                                         int64_t lease_until_ms) {
  std::string queue = kind == TaskKind::kExtract ? "q:x" : "q:l:" + object;
  BW_ASSIGN_OR_RETURN(RedisReply r, Borrow()->Eval(kLease, {},
                                                   {RunPrefix(m, run_id), queue, worker,
                                                    std::to_string(lease_until_ms)}));
  if (r.type != RedisReply::Type::kArray || r.elements.size() != 3) {
    return std::optional<TaskSpec>();
  }
  TaskSpec t;
  t.id = r.elements[0].str;
  t.kind = t.id[0] == 'x' ? TaskKind::kExtract : TaskKind::kLoad;
  t.object = ObjectOfTask(t.id);
  t.attempt = static_cast<int>(r.elements[1].AsInt());
  t.shard_token = r.elements[2].str;
  // "x/<object>/<index>" and "l/<object>/<index>/<seq>": the shard index follows the object.
  size_t start = 3 + t.object.size();
  if (start < t.id.size()) t.shard_index = std::atoi(t.id.c_str() + start);
  return std::optional<TaskSpec>(std::move(t));
}

Status RedisStateStore::ExtendLeases(const std::string& m, const std::string& run_id,
                                     const std::vector<std::string>& task_ids,
                                     int64_t lease_until_ms) {
  if (task_ids.empty()) return Status::Ok();
  // XX: only leases that still exist; a finished task stays finished.
  std::vector<std::string> argv = {"ZADD", RunPrefix(m, run_id) + "lease", "XX"};
  for (const auto& t : task_ids) {
    argv.push_back(std::to_string(lease_until_ms));
    argv.push_back(t);
  }
  return Borrow()->Command(argv).status();
}

StatusOr<std::vector<std::string>> RedisStateStore::ExpiredLeases(const std::string& m,
                                                                  const std::string& run_id,
                                                                  int64_t now_ms) {
  BW_ASSIGN_OR_RETURN(RedisReply r,
                      Borrow()->Command({"ZRANGEBYSCORE", RunPrefix(m, run_id) + "lease", "-inf",
                                         std::to_string(now_ms), "LIMIT", "0", "1000"}));
  std::vector<std::string> out;
  for (auto& e : r.elements) out.push_back(std::move(e.str));
  return out;
}

StatusOr<RequeueOutcome> RedisStateStore::Requeue(const std::string& m, const std::string& run_id,
                                                  const std::string& task_id,
                                                  const std::string& reason, int max_attempts,
                                                  bool fatal) {
  BW_ASSIGN_OR_RETURN(RedisReply r,
                      Borrow()->Eval(kRequeue, {},
                                     {RunPrefix(m, run_id), task_id, reason.substr(0, 500),
                                      std::to_string(max_attempts), fatal ? "1" : "0"}));
  if (r.str == "failed") return RequeueOutcome::kFailed;
  if (r.str == "done") return RequeueOutcome::kAlreadyDone;
  return RequeueOutcome::kRequeued;  // "requeued", or "absent": someone else ended the lease
}

Status RedisStateStore::CompleteTask(const std::string& m, const std::string& run_id,
                                     const std::string& task_id) {
  return Borrow()->Eval(kComplete, {}, {RunPrefix(m, run_id), task_id}).status();
}

StatusOr<bool> RedisStateStore::IsDone(const std::string& m, const std::string& run_id,
                                       const std::string& task_id) {
  BW_ASSIGN_OR_RETURN(RedisReply r,
                      Borrow()->Command({"SISMEMBER", RunPrefix(m, run_id) + "done", task_id}));
  return r.AsInt() == 1;
}

StatusOr<bool> RedisStateStore::StageBatch(const std::string& m, const std::string& run_id,
                                           const std::string& object, const std::string& batch_id,
                                           const std::string& bytes, int64_t records,
                                           const std::vector<FailureEntry>& row_errors) {
  std::vector<std::string> args = {RunPrefix(m, run_id), object, batch_id, bytes,
                                   std::to_string(records)};
  for (const auto& e : row_errors) args.push_back(e.ToJson().dump());
  BW_ASSIGN_OR_RETURN(RedisReply r, Borrow()->Eval(kStage, {}, args));
  return r.AsInt() == 1;
}

StatusOr<std::string> RedisStateStore::ReadBatch(const std::string& m, const std::string& run_id,
                                                 const std::string& batch_id) {
  BW_ASSIGN_OR_RETURN(RedisReply r,
                      Borrow()->Command({"GET", RunPrefix(m, run_id) + "batch:" + batch_id}));
  if (r.is_nil()) return NotFound("state: no staged batch " + batch_id);
  return std::move(r.str);
}

StatusOr<std::vector<std::optional<std::string>>> RedisStateStore::LookupIds(
    const std::string& m, const std::vector<std::string>& keys) {
  std::vector<std::optional<std::string>> out;
  if (keys.empty()) return out;
  std::vector<std::string> argv = {"HMGET", MigrationPrefix(m) + "idmap"};
  argv.insert(argv.end(), keys.begin(), keys.end());
  BW_ASSIGN_OR_RETURN(RedisReply r, Borrow()->Command(argv));
  for (auto& e : r.elements) {
    out.push_back(e.is_nil() ? std::nullopt : std::optional<std::string>(std::move(e.str)));
  }
  if (out.size() != keys.size()) return Internal("state: HMGET answered the wrong count");
  return out;
}

StatusOr<std::vector<bool>> RedisStateStore::HasPriorValues(const std::string& m,
                                                            const std::string& run_id,
                                                            const std::vector<std::string>& keys) {
  std::vector<bool> out;
  if (keys.empty()) return out;
  // Created lists never hold prior values, so the per-key hash answers alone.
  std::vector<std::string> argv = {"HMGET", RunPrefix(m, run_id) + "manifest"};
  argv.insert(argv.end(), keys.begin(), keys.end());
  BW_ASSIGN_OR_RETURN(RedisReply r, Borrow()->Command(argv));
  if (r.elements.size() != keys.size()) return Internal("state: HMGET answered the wrong count");
  for (size_t i = 0; i < keys.size(); ++i) {
    bool prior = false;
    if (!r.elements[i].is_nil()) {
      BW_ASSIGN_OR_RETURN(prior, IsPriorValuesEntry(keys[i], r.elements[i].str));
    }
    out.push_back(prior);
  }
  return out;
}

Status RedisStateStore::RecordPriorValues(const std::string& m, const std::string& run_id,
                                          const std::vector<ManifestEntry>& entries) {
  if (entries.empty()) return Status::Ok();
  std::vector<std::vector<std::string>> cmds;
  for (const auto& e : entries) {
    cmds.push_back({"HSETNX", RunPrefix(m, run_id) + "manifest", e.key, EncodeManifestValue(e)});
  }
  return Borrow()->Pipeline(cmds).status();
}

namespace {

// The commit script's arguments (kCommit). With `use_list`, created entries of keys in the id map
// go into one created list; without it, every entry goes on its own.
std::vector<std::string> CommitArgs(const std::string& m, const std::string& run_id,
                                    const LoadCommit& c, int64_t now_ms, bool use_list) {
  std::vector<std::string> args = {MigrationPrefix(m), RunPrefix(m, run_id),   c.task_id, c.object,
                                   c.worker,           std::to_string(now_ms), run_id,    ""};
  const size_t list_at = args.size() - 1;
  args.reserve(args.size() + 4 + 3 * c.id_map.size() + 2 * c.manifest.size() + c.failures.size() +
               6);
  // Each manifest entry goes with its key's id-map row; the first entry of a key wins (the
  // script relies on unique keys), and the entries left (keys not in the id map) go as extras.
  std::unordered_map<std::string_view, const ManifestEntry*> unsent;
  unsent.reserve(c.manifest.size());
  for (const auto& e : c.manifest) unsent.emplace(e.key, &e);
  struct Row {
    const std::string* key;
    const std::string* id;
    const ManifestEntry* entry;
  };
  std::vector<Row> rows;  // not listed
  CreatedListWriter list;
  const size_t listed_at = args.size();
  args.push_back("");
  for (const auto& [k, v] : c.id_map) {
    const ManifestEntry* e = nullptr;
    if (auto it = unsent.find(k); it != unsent.end()) {
      e = it->second;
      unsent.erase(it);
    }
    if (use_list && e != nullptr && e->destination_id == v && list.Add(*e)) {
      args.push_back(k);
      args.push_back(v);
    } else {
      rows.push_back({&k, &v, e});
    }
  }
  args[listed_at] = std::to_string(list.size());
  args[list_at] = list.Finish();
  args.push_back(std::to_string(rows.size()));
  for (const Row& r : rows) {
    args.push_back(*r.key);
    args.push_back(*r.id);
    args.push_back(r.entry == nullptr ? "" : EncodeManifestValue(*r.entry));
  }
  args.push_back(std::to_string(unsent.size()));
  for (const auto& e : c.manifest) {  // in commit order
    auto it = unsent.find(e.key);
    if (it == unsent.end() || it->second != &e) continue;  // sent with its row, or a duplicate
    args.push_back(e.key);
    args.push_back(EncodeManifestValue(e));
  }
  args.push_back(std::to_string(c.failures.size()));
  for (const auto& f : c.failures) args.push_back(f.ToJson().dump());
  for (int64_t v : {c.loaded, c.updated, c.skipped, c.failed, c.flagged, c.unlinked}) {
    args.push_back(std::to_string(v));
  }
  return args;
}

}  // namespace

StatusOr<bool> RedisStateStore::CommitLoad(const std::string& m, const std::string& run_id,
                                           const LoadCommit& c, int64_t now_ms) {
  auto h = Borrow();
  BW_ASSIGN_OR_RETURN(RedisReply r, h->Eval(kCommit, {}, CommitArgs(m, run_id, c, now_ms, true)));
  if (r.AsInt() == -1) {
    // A created record's key is mapped already (a retry, or the same source id twice in a run):
    // the entries go one by one, each set only where its key has none.
    BW_ASSIGN_OR_RETURN(r, h->Eval(kCommit, {}, CommitArgs(m, run_id, c, now_ms, false)));
  }
  return r.AsInt() == 1;
}

StatusOr<std::map<std::string, ObjectCounters>> RedisStateStore::Counters(
    const std::string& m, const std::string& run_id) {
  auto h = Borrow();
  BW_ASSIGN_OR_RETURN(RedisReply plan, h->Command({"GET", RunPrefix(m, run_id) + "plan"}));
  if (plan.is_nil()) return NotFound("state: no run " + run_id + " of " + m);
  Json j = Json::parse(plan.str, nullptr, false);
  if (j.is_discarded()) return DataLoss("state: the plan of run " + run_id + " is corrupt");
  RunPlan p = PlanFromJson(j);
  std::vector<std::vector<std::string>> cmds;
  for (const auto& o : p.objects) {
    cmds.push_back({"HGETALL", RunPrefix(m, run_id) + "c:" + o.object});
    cmds.push_back({"LLEN", RunPrefix(m, run_id) + "q:l:" + o.object});
  }
  BW_ASSIGN_OR_RETURN(auto replies, h->Pipeline(cmds));
  std::map<std::string, ObjectCounters> out;
  for (size_t i = 0; i < p.objects.size(); ++i) {
    ObjectCounters c;
    const auto& kv = replies[2 * i].elements;
    for (size_t k = 0; k + 1 < kv.size(); k += 2) {
      const std::string& f = kv[k].str;
      int64_t v = kv[k + 1].AsInt();
      if (f == "read")
        c.read = v;
      else if (f == "loaded")
        c.loaded = v;
      else if (f == "updated")
        c.updated = v;
      else if (f == "skipped")
        c.skipped = v;
      else if (f == "failed")
        c.failed = v;
      else if (f == "flagged")
        c.flagged = v;
      else if (f == "unlinked")
        c.unlinked = v;
      else if (f == "extract_total")
        c.extract_total = v;
      else if (f == "extract_done")
        c.extract_done = v;
      else if (f == "extract_failed")
        c.extract_failed = v;
      else if (f == "load_total")
        c.load_total = v;
      else if (f == "load_done")
        c.load_done = v;
      else if (f == "load_failed")
        c.load_failed = v;
      else if (f == "retries")
        c.retries = v;
    }
    c.queued_loads = replies[2 * i + 1].AsInt();
    out[p.objects[i].object] = c;
  }
  return out;
}

StatusOr<std::vector<FailureEntry>> RedisStateStore::Failures(const std::string& m,
                                                              const std::string& run_id,
                                                              int64_t offset, int64_t limit) {
  BW_ASSIGN_OR_RETURN(RedisReply r, Borrow()->Command({"LRANGE", RunPrefix(m, run_id) + "failures",
                                                       std::to_string(offset),
                                                       std::to_string(offset + limit - 1)}));
  std::vector<FailureEntry> out;
  for (const auto& e : r.elements) {
    Json j = Json::parse(e.str, nullptr, false);
    if (!j.is_discarded()) out.push_back(FailureEntry::FromJson(j));
  }
  return out;
}

// A run's manifest is two hashes: R..'created' (load batch id -> that batch's created list) and
// R..'manifest' (key -> one entry). A cursor names the hash and its HSCAN cursor: "0" starts,
// "c:<n>" is within the created lists, "u:<n>" within the per-key hash. Created lists come
// first: a key in both was created in this run, and that is the entry that counts.
StatusOr<std::pair<std::string, std::vector<ManifestEntry>>> RedisStateStore::ManifestPage(
    const std::string& m, const std::string& run_id, const std::string& cursor, int64_t count) {
  const bool lists = cursor == "0" || cursor.rfind("c:", 0) == 0;
  if (!lists && cursor.rfind("u:", 0) != 0)
    return InvalidArgument("state: invalid manifest cursor");
  const std::string scan_cursor = cursor == "0" ? "0" : cursor.substr(2);
  // A created list holds up to a batch of entries (500 by default).
  const int64_t fields = lists ? std::max<int64_t>(1, count / 500) : std::max<int64_t>(1, count);
  BW_ASSIGN_OR_RETURN(
      RedisReply r,
      Borrow()->Command({"HSCAN", RunPrefix(m, run_id) + (lists ? "created" : "manifest"),
                         scan_cursor, "COUNT", std::to_string(fields)}));
  if (r.elements.size() != 2) return Internal("state: HSCAN answered an unexpected shape");
  std::vector<ManifestEntry> out;
  const auto& kv = r.elements[1].elements;
  for (size_t k = 0; k + 1 < kv.size(); k += 2) {
    if (lists) {
      BW_ASSIGN_OR_RETURN(std::vector<ManifestEntry> entries,
                          DecodeCreatedList(kv[k].str, kv[k + 1].str));
      for (auto& e : entries) out.push_back(std::move(e));
    } else {
      BW_ASSIGN_OR_RETURN(ManifestEntry e, DecodeManifestValue(kv[k].str, kv[k + 1].str));
      out.push_back(std::move(e));
    }
  }
  const std::string& next = r.elements[0].str;
  if (next != "0") return std::make_pair((lists ? "c:" : "u:") + next, std::move(out));
  if (!lists) return std::make_pair(std::string("0"), std::move(out));
  // The created lists are done: the page goes on into the per-key hash.
  BW_ASSIGN_OR_RETURN(auto rest, ManifestPage(m, run_id, "u:0", count));
  for (auto& e : rest.second) out.push_back(std::move(e));
  return std::make_pair(std::move(rest.first), std::move(out));
}

StatusOr<int64_t> RedisStateStore::IdMapSize(const std::string& m) {
  BW_ASSIGN_OR_RETURN(RedisReply r, Borrow()->Command({"HLEN", MigrationPrefix(m) + "idmap"}));
  return r.AsInt();
}

StatusOr<std::optional<std::string>> RedisStateStore::GetValue(const std::string& m,
                                                               const std::string& name) {
  BW_ASSIGN_OR_RETURN(RedisReply r,
                      Borrow()->Command({"HGET", MigrationPrefix(m) + "values", name}));
  if (r.is_nil()) return std::optional<std::string>();
  return std::optional<std::string>(std::move(r.str));
}

Status RedisStateStore::SetValue(const std::string& m, const std::string& name,
                                 const std::string& value) {
  return Borrow()->Command({"HSET", MigrationPrefix(m) + "values", name, value}).status();
}

StatusOr<std::vector<std::string>> RedisStateStore::ListRuns(const std::string& m) {
  BW_ASSIGN_OR_RETURN(RedisReply r,
                      Borrow()->Command({"LRANGE", MigrationPrefix(m) + "runs", "0", "-1"}));
  std::vector<std::string> out;
  for (const auto& e : r.elements) out.push_back(e.str);
  return out;
}

StatusOr<std::optional<RunState>> RedisStateStore::GetRun(const std::string& m,
                                                          const std::string& run_id) {
  BW_ASSIGN_OR_RETURN(std::optional<RunState> current, CurrentRun(m));
  if (current && current->plan.run_id == run_id) return current;
  BW_ASSIGN_OR_RETURN(RedisReply plan, Borrow()->Command({"GET", RunPrefix(m, run_id) + "plan"}));
  if (plan.is_nil()) return std::optional<RunState>();
  Json j = Json::parse(plan.str, nullptr, false);
  if (j.is_discarded()) return DataLoss("state: plan of run " + run_id + " is corrupt");
  RunState r;
  r.plan = PlanFromJson(j);
  return std::optional<RunState>(std::move(r));
}

Status RedisStateStore::SetIdMapEntries(const std::string& m,
                                        const std::map<std::string, std::string>& entries) {
  if (entries.empty()) return Status::Ok();
  std::vector<std::string> argv = {"HSET", MigrationPrefix(m) + "idmap"};
  for (const auto& [k, v] : entries) {
    argv.push_back(k);
    argv.push_back(v);
  }
  return Borrow()->Command(argv).status();
}

Status RedisStateStore::RemoveIdMapEntries(const std::string& m,
                                           const std::vector<std::string>& keys) {
  if (keys.empty()) return Status::Ok();
  std::vector<std::string> argv = {"HDEL", MigrationPrefix(m) + "idmap"};
  argv.insert(argv.end(), keys.begin(), keys.end());
  return Borrow()->Command(argv).status();
}

StatusOr<std::vector<AuditEntry>> RedisStateStore::AuditPage(const std::string& m,
                                                             const std::string& after_id,
                                                             int64_t count) {
  // "(" makes the start exclusive (Redis 6.2+), so paging never repeats an entry.
  std::string start = (after_id.empty() || after_id == "0") ? "-" : "(" + after_id;
  BW_ASSIGN_OR_RETURN(
      RedisReply r, Borrow()->Command({"XRANGE", MigrationPrefix(m) + "audit", start, "+", "COUNT",
                                       std::to_string(count)}));
  std::vector<AuditEntry> out;
  for (const auto& e : r.elements) {
    if (e.elements.size() != 2) return Internal("state: XRANGE answered an unexpected shape");
    AuditEntry a;
    a.id = e.elements[0].str;
    const auto& kv = e.elements[1].elements;
    for (size_t k = 0; k + 1 < kv.size(); k += 2) {
      const std::string& f = kv[k].str;
      const RedisReply& v = kv[k + 1];
      if (f == "run")
        a.run = v.str;
      else if (f == "batch")
        a.batch = v.str;
      else if (f == "object")
        a.object = v.str;
      else if (f == "worker")
        a.worker = v.str;
      else if (f == "time_ms")
        a.time_ms = v.AsInt();
      else if (f == "created")
        a.created = v.AsInt();
      else if (f == "updated")
        a.updated = v.AsInt();
      else if (f == "failed")
        a.failed = v.AsInt();
      else if (f == "unlinked")
        a.unlinked = v.AsInt();
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace bridgework::state
