#include "workers/worker.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "common/logging.h"
#include "mapping/mapper.h"
#include "proto/protocol.h"
#include "workers/record_mapper.h"
#include "workers/task_runner.h"

namespace bridgework::workers {
namespace v1 = ::bridgework::v1;

namespace {

// Everything built from one welcome; tasks hold a shared_ptr so a new welcome never pulls the
// parts from under a running task.
struct RunParts {
  WorkerSetup setup;
  WorkerParts parts;
  std::shared_ptr<state::StateStore> store;
  std::unique_ptr<RecordMapper> mapper;
  std::unique_ptr<TaskRunner> runner;
};

struct Done {
  std::string task_id;
  TaskOutcome outcome;
  int64_t elapsed_us = 0;
};

v1::Envelope HelloEnvelope(const WorkerOptions& o, int free, const std::set<std::string>& busy) {
  v1::Envelope e;
  auto* h = e.mutable_hello();
  h->set_worker_id(o.id);
  if (o.extract) h->add_roles(v1::ROLE_EXTRACT);
  if (o.load) h->add_roles(v1::ROLE_LOAD);
  h->set_capacity(static_cast<uint32_t>(std::max(0, free)));
  for (const auto& t : busy) h->add_tasks_in_flight(t);
  return e;
}

}  // namespace

struct Worker::Impl {
  WorkerOptions o;
  std::shared_ptr<spdlog::logger> log = Logger("worker");

  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<state::TaskSpec, std::shared_ptr<RunParts>>> queue;
  std::vector<Done> done;
  std::set<std::string> busy;  // tasks taken and not yet answered
  std::atomic<bool> quit{false};
  std::vector<std::thread> executors;
  std::shared_ptr<RunParts> current;

  void Execute() {
    while (true) {
      std::pair<state::TaskSpec, std::shared_ptr<RunParts>> item;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return quit.load() || !queue.empty(); });
        if (quit.load()) return;
        item = std::move(queue.front());
        queue.pop_front();
      }
      auto start = std::chrono::steady_clock::now();
      TaskOutcome out = item.second->runner->Run(item.first, quit);
      auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
      std::lock_guard<std::mutex> lock(mu);
      done.push_back({item.first.id, std::move(out), us});
    }
  }

  StatusOr<std::shared_ptr<RunParts>> Build(const v1::Welcome& w) {
    auto rp = std::make_shared<RunParts>();
    rp->setup = {w.migration(),
                 w.run_id(),
                 w.config_yaml(),
                 w.config_dir(),
                 w.map_yaml(),
                 w.state_url(),
                 static_cast<int>(w.batch_size()),
                 w.as_of()};
    BW_ASSIGN_OR_RETURN(rp->parts, o.parts(rp->setup));
    BW_ASSIGN_OR_RETURN(rp->store, o.store(w.state_url()));
    if (!w.map_yaml().empty()) {
      BW_ASSIGN_OR_RETURN(mapping::MapFile map, mapping::ParseMapFile(w.map_yaml()));
      mapping::MapperOptions mo;
      mo.as_of = w.as_of();
      if (rp->parts.destination) {
        auto schema = rp->parts.destination->Discover();
        if (schema.ok()) mo.modules = schema->modules;
      }
      BW_ASSIGN_OR_RETURN(auto mapper, mapping::Mapper::Create(std::move(map), mo));
      rp->mapper = NewMapFileMapper(std::move(mapper));
    } else {
      if (!rp->parts.source) return FailedPrecondition("identity mapping needs the source");
      BW_ASSIGN_OR_RETURN(auto desc, rp->parts.source->Describe());
      rp->mapper = NewIdentityMapper(desc);
    }
    RunContext ctx;
    ctx.migration = w.migration();
    ctx.run_id = w.run_id();
    ctx.worker_id = o.id;
    ctx.batch_size = std::max<int>(1, static_cast<int>(w.batch_size()));
    rp->runner =
        std::make_unique<TaskRunner>(ctx, rp->parts.source.get(), rp->parts.destination.get(),
                                     rp->store.get(), rp->mapper.get());
    return rp;
  }
};

Worker::Worker(WorkerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->o = std::move(options);
}

Worker::~Worker() {
  impl_->quit = true;
  impl_->cv.notify_all();
  for (auto& t : impl_->executors) t.join();
}

Status Worker::Run() {
  Impl& I = *impl_;
  const WorkerOptions& o = I.o;
  for (int i = 0; i < std::max(1, o.capacity); ++i) {
    I.executors.emplace_back([&I] { I.Execute(); });
  }
  BW_ASSIGN_OR_RETURN(auto t, transport::ConnectDealer(o.context, o.endpoint, o.id));
  auto send = [&](v1::Envelope e) {
    Status s = t->Send({"", proto::Encode(std::move(e), o.id)});
    if (!s.ok()) I.log->debug("worker {}: send failed: {}", o.id, s.ToString());
  };
  auto hello = [&] {
    std::lock_guard<std::mutex> lock(I.mu);
    send(HelloEnvelope(o, o.capacity - static_cast<int>(I.busy.size()), I.busy));
  };
  hello();

  Duration heartbeat = o.heartbeat;
  Duration reconnect = o.reconnect_min;
  int liveness = o.liveness;
  auto now = [] { return std::chrono::steady_clock::now(); };
  auto next_heartbeat = now() + heartbeat;
  auto last_heard = now();
  Status result;

  while (!o.stop->load()) {
    // Finished tasks are answered from this thread (it owns the socket), so while executors are
    // busy wait only briefly: each answer returns a credit, and a long wait here left workers
    // idle for up to the whole timeout after every task (engine_bench: ~1.5x fewer records/s).
    bool busy = false;
    {
      std::lock_guard<std::mutex> lock(I.mu);
      busy = !I.busy.empty();
    }
    auto got = t->Receive(std::chrono::milliseconds(busy ? 1 : 20));
    if (!got.ok()) {
      I.log->warn("worker {}: receive failed: {}", o.id, got.status().ToString());
    } else if (got->has_value()) {
      auto env = proto::Decode((*got)->payload);
      if (!env.ok()) {
        I.log->warn("worker {}: dropped a message from the coordinator: {}", o.id,
                    env.status().ToString());
      } else {
        liveness = o.liveness;
        reconnect = o.reconnect_min;
        last_heard = now();
        switch (env->body_case()) {
          case v1::Envelope::kWelcome: {
            const auto& w = env->welcome();
            if (w.heartbeat_ms() > 0) {
              heartbeat = std::chrono::milliseconds(w.heartbeat_ms());
              next_heartbeat = std::min(next_heartbeat, now() + heartbeat);
            }
            if (!I.current || I.current->setup.run_id != w.run_id() ||
                I.current->setup.config_yaml != w.config_yaml() ||
                I.current->setup.map_yaml != w.map_yaml() ||
                I.current->setup.state_url != w.state_url()) {
              auto built = I.Build(w);
              if (!built.ok()) {
                result =
                    built.status().Annotate("worker " + o.id + " cannot join run " + w.run_id());
                v1::Envelope d;
                d.mutable_disconnect()->set_reason(result.ToString());
                send(std::move(d));
                goto out;
              }
              I.current = *built;
              I.log->info("worker {}: joined run {} of {}", o.id, w.run_id(), w.migration());
            }
            break;
          }
          case v1::Envelope::kRefuse:
            result = FailedPrecondition("coordinator refused worker " + o.id + ": " +
                                        env->refuse().reason());
            goto out;
          case v1::Envelope::kTask: {
            const auto& tk = env->task();
            state::TaskSpec spec;
            spec.id = tk.task_id();
            spec.kind = tk.kind() == v1::TASK_KIND_EXTRACT ? state::TaskKind::kExtract
                                                           : state::TaskKind::kLoad;
            spec.object = tk.object();
            spec.attempt = static_cast<int>(tk.attempt());
            spec.shard_index = tk.shard_index();
            spec.shard_count = tk.shard_count();
            spec.shard_token = tk.shard_token();
            spec.depth = tk.depth();
            std::lock_guard<std::mutex> lock(I.mu);
            if (!I.current || tk.kind() == v1::TASK_KIND_UNSPECIFIED) {
              I.done.push_back(
                  {spec.id,
                   {TaskOutcome::Code::kTransient, "worker has not been welcomed", 0, 0},
                   0});
            } else if (I.busy.insert(spec.id).second) {
              I.queue.emplace_back(std::move(spec), I.current);
              I.cv.notify_one();
            }
            break;
          }
          case v1::Envelope::kDisconnect:
            // The coordinator does not know us (it restarted) or the run ended: hello again.
            hello();
            break;
          default:
            break;  // heartbeat: liveness already refreshed
        }
      }
    }

    // Answer finished tasks; each answer returns one credit.
    std::vector<Done> finished;
    {
      std::lock_guard<std::mutex> lock(I.mu);
      finished.swap(I.done);
      for (const auto& d : finished) I.busy.erase(d.task_id);
    }
    for (auto& d : finished) {
      v1::Envelope e;
      auto* r = e.mutable_result();
      r->set_task_id(d.task_id);
      r->set_code(d.outcome.code == TaskOutcome::Code::kDone        ? v1::RESULT_CODE_DONE
                  : d.outcome.code == TaskOutcome::Code::kTransient ? v1::RESULT_CODE_TRANSIENT
                                                                    : v1::RESULT_CODE_FATAL);
      r->set_reason(d.outcome.reason);
      r->set_records(static_cast<uint64_t>(d.outcome.records));
      r->set_batches(static_cast<uint64_t>(d.outcome.batches));
      r->set_elapsed_us(static_cast<uint64_t>(d.elapsed_us));
      send(std::move(e));
    }

    if (now() >= next_heartbeat) {
      next_heartbeat = now() + heartbeat;
      v1::Envelope hb;
      hb.mutable_heartbeat();
      send(std::move(hb));
      if (now() - last_heard > heartbeat) {
        if (--liveness <= 0) {
          I.log->warn("worker {}: coordinator silent; reconnecting in {} ms", o.id,
                      std::chrono::duration_cast<std::chrono::milliseconds>(reconnect).count());
          auto until = now() + reconnect;
          while (now() < until && !o.stop->load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
          }
          reconnect = std::min(reconnect * 2, o.reconnect_max);
          Status s = t->Reconnect();
          if (!s.ok()) I.log->warn("worker {}: {}", o.id, s.ToString());
          hello();
          liveness = o.liveness;
          last_heard = now();
        }
      }
    }
  }
out : {
  v1::Envelope d;
  d.mutable_disconnect()->set_reason(result.ok() ? "worker stopping" : result.ToString());
  send(std::move(d));
}
  I.quit = true;
  I.cv.notify_all();
  for (auto& th : I.executors) th.join();
  I.executors.clear();
  return result;
}

}  // namespace bridgework::workers
