#include "coordinator/coordinator.h"

#include <algorithm>
#include <ctime>
#include <set>

#include "common/civil_time.h"
#include "common/logging.h"
#include "coordinator/planner.h"
#include "proto/protocol.h"

namespace bridgework::coordinator {
namespace v1 = ::bridgework::v1;
namespace {

constexpr char kSelf[] = "coordinator";

struct WorkerInfo {
  std::string peer;
  bool extract = false;
  bool load = false;
  int credit = 0;
  TimePoint last_seen;
  std::set<std::string> in_flight;
};

}  // namespace

struct Coordinator::Impl {
  CoordinatorOptions o;
  transport::Transport* t;
  state::StateStore* store;
  connectors::SourceConnector* source;
  const mapping::MapFile* map;
  std::shared_ptr<spdlog::logger> log = Logger("coordinator");

  state::RunPlan plan;
  int64_t started_ms = 0;
  std::map<std::string, WorkerInfo> workers;  // by peer id
  std::map<std::string, state::ObjectCounters> counters;
  bool counters_fresh = false;
  std::set<std::string> empty_queues;  // queues found empty since the last refresh
  size_t rr = 0;                       // round-robin start
  // A worker had credit and nothing to do at the last dispatch, and results came in since the
  // last refresh: one of them may have finished a parent object (its children's loads may start)
  // or the run. The loop then refreshes at once instead of on the 200 ms tick, so a barrier
  // between dependent objects costs milliseconds, not a tick.
  bool starved = false;
  bool results_since_refresh = false;
  TimePoint last_store_warning{};

  mutable std::mutex snap_mu;
  Snapshot snap;

  int64_t NowMs() { return o.clock->UnixMillis(); }
  int64_t LeaseUntil() {
    return NowMs() + std::chrono::duration_cast<std::chrono::milliseconds>(o.lease).count();
  }

  void StoreError(const Status& s) {
    {
      std::lock_guard<std::mutex> lock(snap_mu);
      snap.store_ok = false;
      snap.store_error = s.ToString();
    }
    auto now = o.clock->Now();
    if (now - last_store_warning > std::chrono::seconds(5)) {
      last_store_warning = now;
      log->warn("state store: {}; retrying (the run waits and resumes)", s.ToString());
    }
  }

  void Send(const std::string& peer, v1::Envelope e) {
    Status s = t->Send({peer, proto::Encode(std::move(e), kSelf)});
    if (!s.ok()) log->debug("send to {} failed: {}", peer, s.ToString());
  }

  void SendDisconnect(const std::string& peer, const std::string& reason) {
    v1::Envelope e;
    e.mutable_disconnect()->set_reason(reason);
    Send(peer, std::move(e));
  }

  const state::ObjectPlan* ObjectOf(const std::string& object) const {
    for (const auto& op : plan.objects) {
      if (op.object == object) return &op;
    }
    return nullptr;
  }

  void Requeue(const std::string& task_id, const std::string& reason, bool fatal) {
    auto r = store->Requeue(o.migration, plan.run_id, task_id, reason, o.max_attempts, fatal);
    if (!r.ok()) {
      StoreError(r.status());  // the lease stays; it expires and the task is requeued then
      return;
    }
    if (*r == state::RequeueOutcome::kFailed) {
      log->error("task {} failed for good: {}", task_id, reason);
    } else if (*r == state::RequeueOutcome::kRequeued) {
      log->info("task {} back in its queue: {}", task_id, reason);
      empty_queues.clear();
    }
  }

  void DropWorker(const std::string& peer, const std::string& reason) {
    auto it = workers.find(peer);
    if (it == workers.end()) return;
    log->warn("worker {} dropped: {}; {} task(s) back in the queue", peer, reason,
              it->second.in_flight.size());
    for (const auto& task : it->second.in_flight)
      Requeue(task, "worker " + peer + " " + reason, false);
    workers.erase(it);
  }

  void OnHello(const std::string& peer, const v1::Hello& h) {
    WorkerInfo w;
    w.peer = peer;
    for (int r : h.roles()) {
      if (r == v1::ROLE_EXTRACT) w.extract = true;
      if (r == v1::ROLE_LOAD) w.load = true;
    }
    if (!w.extract && !w.load) {
      v1::Envelope e;
      e.mutable_refuse()->set_reason("a worker needs the extract or load role");
      Send(peer, std::move(e));
      std::lock_guard<std::mutex> lock(snap_mu);
      ++snap.workers_refused;
      return;
    }
    w.credit = static_cast<int>(std::min<uint32_t>(h.capacity(), 1024));
    w.last_seen = o.clock->Now();
    for (const auto& task : h.tasks_in_flight()) w.in_flight.insert(task);
    auto old = workers.find(peer);
    if (old != workers.end()) {
      // Tasks it had and no longer reports were lost with its old connection.
      for (const auto& task : old->second.in_flight) {
        if (!w.in_flight.count(task)) Requeue(task, "lost on reconnect of " + peer, false);
      }
    }
    workers[peer] = std::move(w);
    v1::Envelope e;
    auto* wel = e.mutable_welcome();
    wel->set_migration(o.migration);
    wel->set_run_id(plan.run_id);
    wel->set_config_yaml(o.config_yaml);
    wel->set_config_dir(o.config_dir);
    wel->set_map_yaml(o.map_yaml);
    wel->set_state_url(o.state_url);
    wel->set_heartbeat_ms(static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(o.heartbeat).count()));
    wel->set_batch_size(static_cast<uint32_t>(o.batch_size));
    wel->set_as_of(FormatIsoUtc(started_ms / 1000));
    wel->set_max_attempts(static_cast<uint32_t>(o.max_attempts));
    Send(peer, std::move(e));
    log->info("worker {} joined ({}{}, capacity {})", peer, workers[peer].extract ? "extract" : "",
              workers[peer].load ? (workers[peer].extract ? "+load" : "load") : "", h.capacity());
  }

  void OnResult(const std::string& peer, const v1::Result& r) {
    auto w = workers.find(peer);
    if (w != workers.end()) {
      if (w->second.in_flight.erase(r.task_id())) ++w->second.credit;
    }
    const std::string& id = r.task_id();
    results_since_refresh = true;
    if (state::ObjectOfTask(id).empty()) {
      log->warn("result for a malformed task id from {} dropped", peer);
      return;
    }
    if (r.code() == v1::RESULT_CODE_DONE) {
      // A load reports done only once its commit (or an earlier attempt's) set the done mark and
      // dropped the lease, in the same script: asking Redis again would be one more round trip
      // per batch for nothing.
      if (id[0] != 'l') {
        Status s = store->CompleteTask(o.migration, plan.run_id, id);
        if (!s.ok()) StoreError(s);
      }
      empty_queues.clear();  // an extract may have staged batches
      if (id[0] == 'l') {
        double sec = static_cast<double>(r.elapsed_us()) / 1e6;
        std::lock_guard<std::mutex> lock(snap_mu);
        ++snap.latency_count;
        snap.latency_sum_s += sec;
        for (size_t b = 0; b < kLatencyBucketCount; ++b) {
          if (sec <= kLatencyBuckets[b]) ++snap.latency_buckets[b];
        }
      }
    } else {
      Requeue(id, r.reason().empty() ? "worker gave up" : r.reason(),
              r.code() == v1::RESULT_CODE_FATAL);
    }
    std::lock_guard<std::mutex> lock(snap_mu);
    snap.rate_limit_waits += static_cast<int64_t>(r.rate_limit_waits());
  }

  void OnMessage(const transport::Message& m) {
    auto env = proto::Decode(m.payload);
    if (!env.ok()) {
      {
        std::lock_guard<std::mutex> lock(snap_mu);
        ++snap.messages_dropped;
      }
      if (env.status().code() == StatusCode::kFailedPrecondition) {
        v1::Envelope e;
        e.mutable_refuse()->set_reason(env.status().message());
        Send(m.peer, std::move(e));
        std::lock_guard<std::mutex> lock(snap_mu);
        ++snap.workers_refused;
        log->warn("refused a peer: {}", env.status().message());
      } else {
        log->warn("dropped a message ({} bytes): {}", m.payload.size(), env.status().message());
      }
      return;
    }
    auto w = workers.find(m.peer);
    if (w != workers.end()) w->second.last_seen = o.clock->Now();
    switch (env->body_case()) {
      case v1::Envelope::kHello:
        OnHello(m.peer, env->hello());
        break;
      case v1::Envelope::kResult:
        OnResult(m.peer, env->result());
        if (w == workers.end()) SendDisconnect(m.peer, "unknown worker: say hello");
        break;
      case v1::Envelope::kCredit:
        if (w != workers.end()) {
          w->second.credit =
              std::min<int>(w->second.credit + static_cast<int>(env->credit().credit()), 1024);
        }
        break;
      case v1::Envelope::kHeartbeat:
        if (w == workers.end()) SendDisconnect(m.peer, "unknown worker: say hello");
        break;
      case v1::Envelope::kDisconnect:
        if (w != workers.end()) DropWorker(m.peer, "disconnected: " + env->disconnect().reason());
        break;
      default:
        log->warn("dropped a {} message from {}: not one a worker sends", proto::BodyName(*env),
                  m.peer);
        std::lock_guard<std::mutex> lock(snap_mu);
        ++snap.messages_dropped;
    }
  }

  bool Loadable(const std::string& object) const {
    const auto* op = ObjectOf(object);
    if (op == nullptr) return false;
    for (const auto& p : op->parents) {
      auto c = counters.find(p);
      if (c == counters.end() || !c->second.FullyLoaded()) return false;
    }
    return true;
  }

  // Leases one task fitting `w`, or returns nullopt.
  std::optional<state::TaskSpec> Pick(const WorkerInfo& w, bool* store_failed) {
    if (w.load && counters_fresh) {
      for (const auto& op : plan.objects) {
        const std::string q = "l:" + op.object;
        if (empty_queues.count(q) || !Loadable(op.object)) continue;
        auto r = store->Lease(o.migration, plan.run_id, state::TaskKind::kLoad, op.object, w.peer,
                              LeaseUntil());
        if (!r.ok()) {
          StoreError(r.status());
          *store_failed = true;
          return std::nullopt;
        }
        if (*r) return **r;
        empty_queues.insert(q);
      }
    }
    if (w.extract && !empty_queues.count("x")) {
      auto r = store->Lease(o.migration, plan.run_id, state::TaskKind::kExtract, "", w.peer,
                            LeaseUntil());
      if (!r.ok()) {
        StoreError(r.status());
        *store_failed = true;
        return std::nullopt;
      }
      if (*r) return **r;
      empty_queues.insert("x");
    }
    return std::nullopt;
  }

  void Dispatch() {
    if (workers.empty()) return;
    std::vector<std::string> peers;
    for (const auto& [p, w] : workers) peers.push_back(p);
    bool progress = true;
    bool store_failed = false;
    starved = false;
    while (progress && !store_failed) {
      progress = false;
      for (size_t k = 0; k < peers.size(); ++k) {
        auto it = workers.find(peers[(rr + k) % peers.size()]);
        if (it == workers.end() || it->second.credit <= 0) continue;
        auto task = Pick(it->second, &store_failed);
        if (!task) continue;
        const auto* op = ObjectOf(task->object);
        v1::Envelope e;
        auto* tk = e.mutable_task();
        tk->set_task_id(task->id);
        tk->set_kind(task->kind == state::TaskKind::kExtract ? v1::TASK_KIND_EXTRACT
                                                             : v1::TASK_KIND_LOAD);
        tk->set_object(task->object);
        tk->set_attempt(static_cast<uint32_t>(task->attempt));
        tk->set_shard_index(task->shard_index);
        tk->set_shard_count(task->shard_count);
        tk->set_shard_token(task->shard_token);
        tk->set_modified_since(plan.modified_since);
        tk->set_batch_id(task->kind == state::TaskKind::kLoad ? task->id : "");
        tk->set_depth(op ? op->depth : 0);
        Status s = t->Send({it->first, proto::Encode(std::move(e), kSelf)});
        if (!s.ok()) {
          Requeue(task->id, "could not reach worker " + it->first, false);
          DropWorker(it->first, "unreachable");
          continue;
        }
        --it->second.credit;
        it->second.in_flight.insert(task->id);
        progress = true;
      }
      ++rr;
    }
    for (const auto& [p, w] : workers) {
      if (w.credit > 0) starved = true;
    }
  }

  // Reads the counters back; true when the run is complete.
  bool Refresh() {
    results_since_refresh = false;  // on failure too: the 200 ms tick retries
    auto c = store->Counters(o.migration, plan.run_id);
    if (!c.ok()) {
      StoreError(c.status());
      return false;
    }
    counters = std::move(*c);
    counters_fresh = true;
    empty_queues.clear();
    int64_t in_flight = 0;
    for (const auto& [p, w] : workers) in_flight += static_cast<int64_t>(w.in_flight.size());
    bool complete = true;
    for (const auto& op : plan.objects) {
      if (!counters[op.object].FullyLoaded()) complete = false;
    }
    std::lock_guard<std::mutex> lock(snap_mu);
    snap.objects = counters;
    snap.workers = static_cast<int>(workers.size());
    snap.tasks_in_flight = in_flight;
    snap.now_ms = NowMs();
    snap.store_ok = true;
    snap.store_error.clear();
    return complete;
  }

  void HeartbeatAndLiveness() {
    const auto now = o.clock->Now();
    std::vector<std::string> dead;
    std::vector<std::string> in_flight;
    for (auto& [p, w] : workers) {
      if (now - w.last_seen > o.heartbeat * o.liveness) {
        dead.push_back(p);
        continue;
      }
      v1::Envelope e;
      e.mutable_heartbeat();
      Send(p, std::move(e));
      in_flight.insert(in_flight.end(), w.in_flight.begin(), w.in_flight.end());
    }
    for (const auto& p : dead) DropWorker(p, "stopped heartbeating");
    Status s = store->ExtendLeases(o.migration, plan.run_id, in_flight, LeaseUntil());
    if (!s.ok()) StoreError(s);
  }

  void ExpireLeases() {
    auto expired = store->ExpiredLeases(o.migration, plan.run_id, NowMs());
    if (!expired.ok()) {
      StoreError(expired.status());
      return;
    }
    for (const auto& task : *expired) {
      for (auto& [p, w] : workers) {
        if (w.in_flight.erase(task)) ++w.credit;
      }
      Requeue(task, "lease expired", false);
    }
  }
};

Coordinator::Coordinator(CoordinatorOptions options, transport::Transport* transport,
                         state::StateStore* store, connectors::SourceConnector* source,
                         const mapping::MapFile* map)
    : impl_(std::make_unique<Impl>()) {
  impl_->o = std::move(options);
  impl_->t = transport;
  impl_->store = store;
  impl_->source = source;
  impl_->map = map;
  impl_->snap.migration = impl_->o.migration;
  impl_->snap.status = "starting";
}

Coordinator::~Coordinator() = default;

const std::string& Coordinator::run_id() const { return impl_->plan.run_id; }

Status Coordinator::Start() {
  Impl& I = *impl_;
  BW_ASSIGN_OR_RETURN(auto current, I.store->CurrentRun(I.o.migration));
  if (current && current->status == "running") {
    I.plan = current->plan;
    I.started_ms = current->started_ms;
    I.log->info("resuming run {} of {}", I.plan.run_id, I.o.migration);
  } else {
    PlanOptions po;
    po.run_id = I.o.new_run_id;
    po.modified_since = I.o.modified_since;
    po.max_shards_per_object = I.o.max_shards_per_object;
    BW_ASSIGN_OR_RETURN(Plan p, PlanRun(I.source, I.map, po));
    I.started_ms = I.NowMs();
    BW_RETURN_IF_ERROR(I.store->CreateRun(I.o.migration, p.run, p.extract_tasks, I.started_ms));
    I.plan = std::move(p.run);
    int64_t tasks = 0;
    for (const auto& op : I.plan.objects) tasks += op.extract_tasks;
    I.log->info("run {} of {} planned: {} objects, {} extract tasks", I.plan.run_id, I.o.migration,
                I.plan.objects.size(), tasks);
  }
  std::lock_guard<std::mutex> lock(I.snap_mu);
  I.snap.run_id = I.plan.run_id;
  I.snap.status = "running";
  I.snap.started_ms = I.started_ms;
  for (const auto& op : I.plan.objects) I.snap.order.push_back(op.object);
  return Status::Ok();
}

StatusOr<RunSummary> Coordinator::Run() {
  Impl& I = *impl_;
  auto now = [&] { return I.o.clock->Now(); };
  TimePoint next_refresh = now();
  TimePoint next_heartbeat = now() + I.o.heartbeat;
  TimePoint next_expiry = now() + std::chrono::seconds(1);
  while (!I.o.stop->load()) {
    // Take every message waiting, then do the periodic work.
    auto got = I.t->Receive(std::chrono::milliseconds(5));
    int handled = 0;
    while (got.ok() && got->has_value() && handled < 1000) {
      I.OnMessage(**got);
      ++handled;
      got = I.t->Receive(Duration::zero());
    }
    if (!got.ok()) I.log->warn("transport: {}", got.status().ToString());
    if (now() >= next_refresh || (I.starved && I.results_since_refresh)) {
      next_refresh = now() + std::chrono::milliseconds(200);
      if (I.Refresh()) {
        Status s = I.store->FinishRun(I.o.migration, I.plan.run_id, "done", I.NowMs());
        if (!s.ok()) {
          I.StoreError(s);
          continue;
        }
        for (const auto& [p, w] : I.workers) I.SendDisconnect(p, "run finished");
        {
          std::lock_guard<std::mutex> lock(I.snap_mu);
          I.snap.status = "done";
        }
        RunSummary out;
        out.run_id = I.plan.run_id;
        for (const auto& op : I.plan.objects) out.order.push_back(op.object);
        out.objects = I.counters;
        for (const auto& [obj, c] : I.counters)
          out.failed_tasks += c.extract_failed + c.load_failed;
        I.log->info("run {} finished", I.plan.run_id);
        return out;
      }
    }
    if (now() >= next_heartbeat) {
      next_heartbeat = now() + I.o.heartbeat;
      I.HeartbeatAndLiveness();
    }
    if (now() >= next_expiry) {
      next_expiry = now() + std::chrono::seconds(1);
      I.ExpireLeases();
    }
    I.Dispatch();
  }
  std::lock_guard<std::mutex> lock(I.snap_mu);
  I.snap.status = "stopped";
  return Cancelled("coordinator stopped; run " + I.plan.run_id + " can be resumed");
}

Snapshot Coordinator::GetSnapshot() const {
  std::lock_guard<std::mutex> lock(impl_->snap_mu);
  Snapshot s = impl_->snap;
  s.now_ms = impl_->o.clock->UnixMillis();
  return s;
}

}  // namespace bridgework::coordinator
