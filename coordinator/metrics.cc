#include "coordinator/metrics.h"

#include <fmt/format.h>

namespace bridgework::coordinator {

std::string RenderPrometheus(const Snapshot& s) {
  std::string out;
  auto gauge = [&](const char* name, const char* help, const char* type) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  const std::string run = fmt::format("migration=\"{}\",run=\"{}\"", s.migration, s.run_id);

  gauge("bridgework_tasks", "Tasks of the run by kind and state.", "gauge");
  for (const auto& [obj, c] : s.objects) {
    auto line = [&](const char* kind, const char* state, int64_t v) {
      out += fmt::format("bridgework_tasks{{{},object=\"{}\",kind=\"{}\",state=\"{}\"}} {}\n", run,
                         obj, kind, state, v);
    };
    line("extract", "done", c.extract_done);
    line("extract", "failed", c.extract_failed);
    line("extract", "pending", c.extract_total - c.extract_done - c.extract_failed);
    line("load", "done", c.load_done);
    line("load", "failed", c.load_failed);
    line("load", "queued", c.queued_loads);
    line("load", "pending", c.load_total - c.load_done - c.load_failed);
  }
  gauge("bridgework_records", "Records of the run per object and outcome.", "counter");
  for (const auto& [obj, c] : s.objects) {
    auto line = [&](const char* what, int64_t v) {
      out += fmt::format("bridgework_records{{{},object=\"{}\",outcome=\"{}\"}} {}\n", run, obj,
                         what, v);
    };
    line("read", c.read);
    line("loaded", c.loaded);
    line("updated", c.updated);
    line("skipped", c.skipped);
    line("failed", c.failed);
    line("flagged", c.flagged);
    line("unlinked", c.unlinked);
  }
  gauge("bridgework_queue_depth", "Staged batches waiting for a load worker.", "gauge");
  int64_t depth = 0;
  for (const auto& [obj, c] : s.objects) {
    out += fmt::format("bridgework_queue_depth{{{},object=\"{}\"}} {}\n", run, obj, c.queued_loads);
    depth += c.queued_loads;
  }
  gauge("bridgework_queue_depth_total", "Staged batches waiting, all objects.", "gauge");
  out += fmt::format("bridgework_queue_depth_total{{{}}} {}\n", run, depth);
  gauge("bridgework_task_retries", "Task attempts after the first.", "counter");
  int64_t retries = 0;
  for (const auto& [obj, c] : s.objects) retries += c.retries;
  out += fmt::format("bridgework_task_retries{{{}}} {}\n", run, retries);
  gauge("bridgework_workers_connected", "Workers that said hello and still heartbeat.", "gauge");
  out += fmt::format("bridgework_workers_connected{{{}}} {}\n", run, s.workers);
  gauge("bridgework_tasks_in_flight", "Tasks handed to workers and not yet answered.", "gauge");
  out += fmt::format("bridgework_tasks_in_flight{{{}}} {}\n", run, s.tasks_in_flight);
  gauge("bridgework_rate_limit_waits", "Waits for the shared source rate limit.", "counter");
  out += fmt::format("bridgework_rate_limit_waits{{{}}} {}\n", run, s.rate_limit_waits);
  gauge("bridgework_messages_dropped", "Malformed or unexpected messages dropped.", "counter");
  out += fmt::format("bridgework_messages_dropped{{{}}} {}\n", run, s.messages_dropped);
  gauge("bridgework_state_store_up", "1 when the state store answered the last call.", "gauge");
  out += fmt::format("bridgework_state_store_up{{{}}} {}\n", run, s.store_ok ? 1 : 0);
  gauge("bridgework_batch_latency_seconds", "Time to load one staged batch.", "histogram");
  for (size_t b = 0; b < kLatencyBucketCount; ++b) {
    out += fmt::format("bridgework_batch_latency_seconds_bucket{{{},le=\"{}\"}} {}\n", run,
                       kLatencyBuckets[b], s.latency_buckets[b]);
  }
  out += fmt::format("bridgework_batch_latency_seconds_bucket{{{},le=\"+Inf\"}} {}\n", run,
                     s.latency_count);
  out += fmt::format("bridgework_batch_latency_seconds_sum{{{}}} {}\n", run, s.latency_sum_s);
  out += fmt::format("bridgework_batch_latency_seconds_count{{{}}} {}\n", run, s.latency_count);
  return out;
}

Json RenderStatus(const Snapshot& s) {
  Json objects = Json::object();
  for (const auto& obj : s.order) {
    auto it = s.objects.find(obj);
    state::ObjectCounters c = it == s.objects.end() ? state::ObjectCounters{} : it->second;
    objects[obj] = {
        {"read", c.read},
        {"loaded", c.loaded},
        {"updated", c.updated},
        {"skipped", c.skipped},
        {"failed", c.failed},
        {"flagged", c.flagged},
        {"unlinked", c.unlinked},
        {"extract_tasks",
         {{"total", c.extract_total}, {"done", c.extract_done}, {"failed", c.extract_failed}}},
        {"load_tasks",
         {{"total", c.load_total},
          {"done", c.load_done},
          {"failed", c.load_failed},
          {"queued", c.queued_loads}}},
        {"retries", c.retries},
        {"extracted", c.ExtractFinished()},
        {"loaded_all", c.FullyLoaded()}};
  }
  return Json{{"migration", s.migration},
              {"run_id", s.run_id},
              {"status", s.status},
              {"workers", s.workers},
              {"tasks_in_flight", s.tasks_in_flight},
              {"started_ms", s.started_ms},
              {"now_ms", s.now_ms},
              {"state_store", s.store_ok ? "up" : s.store_error},
              {"objects", objects}};
}

std::string RenderProgressLine(const Snapshot& s, const Snapshot* prev) {
  std::string out;
  for (const auto& obj : s.order) {
    auto it = s.objects.find(obj);
    if (it == s.objects.end()) continue;
    const auto& c = it->second;
    const int64_t done = c.loaded + c.failed + c.unlinked + c.skipped;
    std::string rate, eta;
    if (prev != nullptr && s.now_ms > prev->now_ms) {
      auto p = prev->objects.find(obj);
      int64_t before = p == prev->objects.end() ? 0
                                                : p->second.loaded + p->second.failed +
                                                      p->second.unlinked + p->second.skipped;
      double per_s = static_cast<double>(done - before) * 1000.0 /
                     static_cast<double>(s.now_ms - prev->now_ms);
      rate = fmt::format(" {:.0f}/s", per_s);
      if (per_s > 0 && c.ExtractFinished() && c.read > done) {
        eta = fmt::format(" ETA {:.0f}s", static_cast<double>(c.read - done) / per_s);
      }
    }
    if (!out.empty()) out += " | ";
    out +=
        fmt::format("{} {}/{}{}{}{}{}", obj, done, c.read, c.ExtractFinished() ? "" : "+",
                    c.failed + c.unlinked > 0 ? fmt::format(" ({} failed)", c.failed + c.unlinked)
                                              : std::string(),
                    rate, eta);
  }
  if (!s.store_ok) out += " | state store unreachable, waiting";
  return out;
}

}  // namespace bridgework::coordinator
