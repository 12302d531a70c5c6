#include "cli/engine_run.h"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cli/delta/watermark_store.h"
#include "cli/verbs.h"
#include "cli/wiring.h"
#include "cli/workflow/guards.h"
#include "common/ids.h"
#include "common/logging.h"
#include "coordinator/http_server.h"
#include "coordinator/metrics.h"
#include "mapping/mapper.h"
#include "state/memory_state_store.h"
#include "state/redis_state_store.h"
#include "transport/transport.h"
#include "workers/task_runner.h"

namespace bridgework::cli {
namespace {

namespace fs = std::filesystem;
std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

StatusOr<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::chrono::milliseconds ConnectDeadline() {
  const char* v = std::getenv("BW_STATE_CONNECT_SECONDS");
  int s = v != nullptr ? std::atoi(v) : 30;
  return std::chrono::seconds(s > 0 ? s : 30);
}

Json CountersJson(const state::ObjectCounters& c) {
  return Json{{"read", c.read},        {"loaded", c.loaded}, {"updated", c.updated},
              {"skipped", c.skipped},  {"failed", c.failed}, {"flagged", c.flagged},
              {"unlinked", c.unlinked}};
}

// Writes failures.csv (object,id,field,reason,kind; no patient values) from the store.
StatusOr<int64_t> WriteFailures(state::StateStore* store, const Config& config,
                                const RunFolder& folder, const std::string& run_id) {
  std::string csv = "object,id,field,reason,kind\n";
  auto quote = [](const std::string& s) {
    std::string q = "\"";
    for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  int64_t n = 0;
  for (int64_t off = 0;; off += 10000) {
    BW_ASSIGN_OR_RETURN(auto page, store->Failures(config.migration, run_id, off, 10000));
    for (const auto& f : page) {
      csv += quote(f.object) + "," + quote(f.id) + "," + quote(f.field) + "," + quote(f.reason) +
             "," + f.kind + "\n";
      ++n;
    }
    if (page.size() < 10000) break;
  }
  BW_RETURN_IF_ERROR(folder.WriteFile("failures.csv", csv));
  return n;
}

// The map's fallbacks for the modules the destination lacks (no Accounting, no Calendar),
// decided before the first write: the workers' mappers apply the same ones (workers/worker.cc),
// and a missing module the map has no fallback for refuses the run here, before any record
// moves, instead of failing every record of that target. An empty list: nothing replaced.
StatusOr<Json> FallbacksBeforeRun(const Config& config, const EngineRunOptions& options,
                                  const mapping::MapFile& map) {
  bool needs_modules = false;
  for (const auto& o : map.objects) {
    for (const auto& t : o.targets) needs_modules = needs_modules || !t.module.empty();
  }
  if (!needs_modules) return Json::array();  // nothing to fall back from: no call to make
  std::unique_ptr<connectors::DestinationConnector> destination;
  if (options.parts) {  // injected parts (tests)
    workers::WorkerSetup setup;
    setup.migration = config.migration;
    setup.config_dir = config.dir;
    BW_ASSIGN_OR_RETURN(workers::WorkerParts parts, options.parts(setup));
    destination = std::move(parts.destination);
  } else {
    BW_ASSIGN_OR_RETURN(destination, MakeDestination(config));
  }
  if (destination == nullptr) return Json::array();
  auto schema = destination->Discover();
  if (!schema.ok()) return schema.status().Annotate("discovering the destination's modules");
  // A destination that reports no modules (null, Twenty) has nothing to fall back from.
  if (schema->modules.empty()) return Json::array();
  mapping::MapperOptions mo;
  mo.modules = schema->modules;
  BW_ASSIGN_OR_RETURN(auto mapper, mapping::Mapper::Create(map, mo));
  return Json(mapper->AppliedFallbacks());
}

}  // namespace

const std::atomic<bool>& StopFlag() { return g_stop; }

void InstallStopHandlers() {
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
}

StatusOr<StateHandle> OpenState(const Config& config, bool allow_embedded, bool runs_here) {
  StateHandle h;
  if (config.redis == state::kMemoryStateUrl) {
    if (!runs_here) {
      return InvalidArgument(
          "config: `redis: \"memory:\"` keeps the run state inside the one `migrate` process; "
          "this verb has none to read and distributed mode needs a shared Redis (name one, or "
          "leave `redis:` out for the embedded redis-server)");
    }
    h.url = config.redis;
    h.store = std::make_shared<state::MemoryStateStore>();
    return h;
  }
  if (config.redis.empty()) {
    if (!allow_embedded) {
      return InvalidArgument(
          "config: distributed mode needs `redis:` (workers on other hosts "
          "must reach the state store)");
    }
    state::EmbeddedRedisOptions eo;
    eo.dir = (fs::path(config.run_dir) / "state" / config.migration).string();
    BW_ASSIGN_OR_RETURN(h.embedded, state::EmbeddedRedis::Start(eo));
    h.url = h.embedded->url();
  } else {
    h.url = config.redis;
  }
  state::RedisStateStoreOptions so;
  so.url = h.url;
  so.connect_deadline = ConnectDeadline();
  auto store = state::RedisStateStore::Connect(so);
  if (!store.ok()) return store.status().Annotate("state store");
  h.store = std::shared_ptr<state::StateStore>(std::move(*store));
  return h;
}

workers::PartsFactory MakePartsFactory() {
  return [](const workers::WorkerSetup& setup) -> StatusOr<workers::WorkerParts> {
    BW_ASSIGN_OR_RETURN(Config config, ParseConfig(setup.config_yaml, setup.config_dir));
    workers::WorkerParts parts;
    if (config.source.rest) {
      BW_ASSIGN_OR_RETURN(parts.limiter, MakeSourceRateLimiter(config, setup.state_url));
    }
    BW_ASSIGN_OR_RETURN(parts.source, MakeSource(config, parts.limiter.get()));
    BW_ASSIGN_OR_RETURN(parts.destination, MakeDestination(config));
    return parts;
  };
}

int RunEngine(const Config& config, const EngineRunOptions& options) {
  InstallStopHandlers();
  auto log = Logger("cli");
  auto fail = [&](const std::string& reason) {
    std::fprintf(stderr, "bridgework: %s\n", reason.c_str());
    return kExitFailed;
  };

  auto config_text = ReadText(config.path);
  if (!config_text.ok()) return fail(config_text.status().message());
  std::string map_text;
  std::unique_ptr<mapping::MapFile> map;
  if (!config.map.empty()) {
    auto text = ReadText(config.map);
    if (!text.ok()) return fail(text.status().message());
    map_text = *text;
    auto parsed = mapping::ParseMapFile(map_text);
    if (!parsed.ok()) return fail("map " + config.map + ": " + parsed.status().ToString());
    map = std::make_unique<mapping::MapFile>(std::move(*parsed));
  }

  auto st = OpenState(config, options.embedded_workers > 0, options.embedded_workers > 0);
  if (!st.ok()) return fail(st.status().ToString());
  if (map) {
    // DESIGN guarantee 4: no record moves under a map nobody confirmed, or one changed since.
    Status s = workflow::CheckMapConfirmed(config.map, config.path);
    if (!s.ok()) return fail(s.message());
  }
  Json fallbacks = Json::array();
  if (map) {
    auto applied = FallbacksBeforeRun(config, options, *map);
    if (!applied.ok()) return fail(applied.status().ToString());
    fallbacks = std::move(*applied);
    for (const auto& f : fallbacks) log->info("fallback: {}", f.get<std::string>());
  }
  Json run_options = options.run_options;
  std::string modified_since = options.modified_since;
  if (options.before_run) {
    Status s = options.before_run(st->store.get(), &run_options, &modified_since);
    if (!s.ok()) return fail(s.message());
  }
  StatusOr<std::unique_ptr<connectors::SourceConnector>> source =
      std::unique_ptr<connectors::SourceConnector>();
  if (options.source == nullptr) source = MakeSource(config, nullptr);
  if (!source.ok()) return fail(source.status().ToString());
  connectors::SourceConnector* plan_source =
      options.source != nullptr ? options.source : source->get();

  transport::Context context;
  auto router = transport::BindRouter(&context, options.bind);
  if (!router.ok()) return fail(router.status().ToString());

  coordinator::CoordinatorOptions co;
  co.migration = config.migration;
  co.new_run_id = NewRunId();
  co.config_yaml = *config_text;
  co.config_dir = config.dir;
  co.map_yaml = map_text;
  co.state_url = st->url;
  co.batch_size = config.batch_size;
  co.max_attempts = config.max_attempts;
  co.lease = std::chrono::seconds(config.lease_seconds);
  co.max_shards_per_object = std::max(8, config.workers * 8);
  co.stop = &g_stop;
  co.modified_since = modified_since;
  if (!run_options.is_null()) {
    // A shaped run must be a new one: resuming another run would silently drop its options.
    auto current = st->store->CurrentRun(config.migration);
    if (!current.ok()) return fail(current.status().ToString());
    if (*current && (*current)->status == "running") {
      return fail("run " + (*current)->plan.run_id +
                  " is still in progress; finish it with `bridgework migrate` first");
    }
    Status ro = st->store->SetValue(config.migration, workers::kRunOptionsValue + co.new_run_id,
                                    run_options.dump());
    if (!ro.ok()) return fail(ro.ToString());
  }
  coordinator::Coordinator coord(co, router->get(), st->store.get(), plan_source, map.get());
  Status s = coord.Start();
  if (!s.ok()) return fail("cannot start the run: " + s.ToString());
  auto folder = RunFolder::Create(config.run_dir, coord.run_id());
  if (!folder.ok()) return fail(folder.status().ToString());

  std::unique_ptr<coordinator::MetricsServer> metrics;
  if (options.metrics_port >= 0) {
    metrics = std::make_unique<coordinator::MetricsServer>([&] { return coord.GetSnapshot(); });
    Status ms = metrics->Start(options.metrics_host, options.metrics_port);
    if (!ms.ok()) return fail(ms.ToString());
    log->info("metrics on http://{}:{}/metrics", options.metrics_host, metrics->port());
  }

  // Embedded workers: threads of this process over inproc, one store shared by all.
  std::atomic<bool> workers_stop{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < options.embedded_workers; ++i) {
    threads.emplace_back([&, i] {
      workers::WorkerOptions wo;
      wo.id = "embedded-" + std::to_string(i);
      wo.endpoint = (*router)->endpoint();
      wo.context = &context;
      wo.parts = options.parts ? options.parts : MakePartsFactory();
      auto shared = st->store;
      wo.store = [shared](const std::string&) -> StatusOr<std::shared_ptr<state::StateStore>> {
        return shared;
      };
      wo.stop = &workers_stop;
      workers::Worker w(std::move(wo));
      Status ws = w.Run();
      if (!ws.ok()) log->error("{}", ws.ToString());
    });
  }

  // Progress: a live line on a terminal, a log line every 10 s otherwise.
  std::atomic<bool> progress_stop{false};
  std::thread progress([&] {
    const bool tty = ::isatty(STDERR_FILENO) != 0;
    coordinator::Snapshot prev = coord.GetSnapshot();
    int ticks = 0;
    while (!progress_stop.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      if (++ticks % (tty ? 2 : 20) != 0) continue;
      coordinator::Snapshot now = coord.GetSnapshot();
      std::string line = coordinator::RenderProgressLine(now, &prev);
      if (tty) {
        std::fprintf(stderr, "\r\033[K%s", line.c_str());
      } else {
        log->info("progress: {}", line);
      }
      prev = std::move(now);
    }
    if (tty) std::fprintf(stderr, "\n");
  });

  auto summary = coord.Run();
  progress_stop = true;
  progress.join();
  workers_stop = true;
  for (auto& t : threads) t.join();
  if (metrics) metrics->Stop();
  if (!summary.ok()) return fail(summary.status().message());

  Json result = NewVerbResult(options.verb, summary->run_id);
  result["migration"] = config.migration;
  // "<object>: module M missing -> action (reason)" for each target the destination could not
  // take (its module is not installed), decided before the first write.
  result["fallbacks"] = fallbacks;
  int64_t failed = 0;
  for (const auto& obj : summary->order) {
    const auto& c = summary->objects[obj];
    result["objects"][obj] = CountersJson(c);
    failed += c.failed + c.unlinked;
  }
  auto failures = WriteFailures(st->store.get(), config, *folder, summary->run_id);
  if (!failures.ok())
    return fail("cannot write the failures file: " + failures.status().ToString());
  result["files"]["failures"] = folder->File("failures.csv");
  result["failed_tasks"] = summary->failed_tasks;
  result["ok"] = failed == 0 && summary->failed_tasks == 0;
  // Failed records do not hold the watermark back: they are in failures.csv, and a delta reads
  // one again once it is fixed in the source (its modified-at moves). A failed task does: the
  // run may not have read everything up to the watermark.
  if (summary->failed_tasks == 0 && (options.verb == "migrate" || options.verb == "delta")) {
    auto w = delta::AdvanceWatermark(st->store.get(), config.migration, summary->run_id,
                                     summary->objects, kWatermarkValue);
    if (!w.ok()) return fail("cannot record the delta watermark: " + w.status().ToString());
    result["watermark"] = *w;
  }
  if (options.after_run) {
    Status as = options.after_run(st->store.get(), *folder, summary->run_id, &result);
    if (!as.ok()) return fail(as.ToString());
  }
  Status ws = folder->WriteJson(options.verb + ".json", result);
  if (!ws.ok()) return fail(ws.ToString());
  if (summary->failed_tasks > 0) {
    return fail(std::to_string(summary->failed_tasks) + " task(s) failed; see " +
                folder->File("failures.csv"));
  }
  if (failed > 0) {
    return fail(std::to_string(failed) + " record(s) failed or unlinked; see " +
                folder->File("failures.csv"));
  }
  std::fprintf(stdout, "run %s done: %s\n", summary->run_id.c_str(),
               folder->File(options.verb + ".json").c_str());
  return kExitOk;
}

}  // namespace bridgework::cli
