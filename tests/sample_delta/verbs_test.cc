// `sample` and `delta` as a user runs them, in one process: the engine (coordinator + worker
// threads), a real redis-server the test starts, a synthetic source the test edits between runs
// and the in-memory destination. Checks what an operator checks: the sample moves only its slice
// and diffs clean, a later migrate does not double it, a delta applies every change once and
// reports deletions, and a second delta writes nothing.
#include "cli/verbs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "cli/config.h"
#include "cli/delta/delta_verb.h"
#include "cli/engine_run.h"
#include "cli/sample/sample_verb.h"
#include "connectors/destinations/memory/memory_destination.h"
#include "connectors/sources/synthetic/synthetic_source.h"
#include "state/redis_state_store.h"
#include "tests/fakes/redis_server.h"

namespace bridgework::cli {
namespace {

namespace fs = std::filesystem;

// The synthetic source with a test's edits: replaced and added records (added ones come after
// the last shard's rows), deleted ids. Honours modified_since as the bundle and REST readers do.
// Edits happen between runs only.
class EditableSource : public connectors::SourceConnectorWrapper {
 public:
  explicit EditableSource(std::unique_ptr<connectors::SourceConnector> base)
      : SourceConnectorWrapper(base.get()), base_(std::move(base)) {}

  std::map<std::string, std::map<std::string, SourceRecord>> changed;
  std::map<std::string, std::vector<SourceRecord>> added;
  std::set<std::string> deleted;  // "<object>/<id>"

  StatusOr<std::unique_ptr<connectors::RecordCursor>> Open(
      const connectors::ShardSpec& shard, const connectors::ReadOptions& options) override {
    BW_ASSIGN_OR_RETURN(auto inner, target()->Open(shard, options));
    std::vector<SourceRecord> extra;
    if (auto it = added.find(shard.object); it != added.end() && shard.index == shard.count - 1) {
      extra = it->second;
    }
    const std::map<std::string, SourceRecord>* repl = nullptr;
    if (auto it = changed.find(shard.object); it != changed.end()) repl = &it->second;
    return std::unique_ptr<connectors::RecordCursor>(
        new Cursor(std::move(inner), std::move(extra), repl, &deleted, options.modified_since));
  }

 private:
  class Cursor : public connectors::RecordCursor {
   public:
    Cursor(std::unique_ptr<connectors::RecordCursor> inner, std::vector<SourceRecord> extra,
           const std::map<std::string, SourceRecord>* repl, const std::set<std::string>* deleted,
           std::string since)
        : inner_(std::move(inner)),
          extra_(std::move(extra)),
          repl_(repl),
          deleted_(deleted),
          since_(std::move(since)) {}

    StatusOr<bool> Next(connectors::SourceRow* row) override {
      while (true) {
        if (inner_) {
          BW_ASSIGN_OR_RETURN(bool more, inner_->Next(row));
          if (!more) {
            inner_.reset();
            continue;
          }
        } else if (next_extra_ < extra_.size()) {
          row->error.reset();
          row->record = extra_[next_extra_++];
        } else {
          return false;
        }
        if (!row->record) return true;
        SourceRecord& r = *row->record;
        if (deleted_->count(r.object + "/" + r.id)) continue;
        if (repl_ != nullptr) {
          if (auto it = repl_->find(r.id); it != repl_->end()) r = it->second;
        }
        if (!since_.empty() && r.modified_at < since_) continue;
        return true;
      }
    }

   private:
    std::unique_ptr<connectors::RecordCursor> inner_;
    std::vector<SourceRecord> extra_;
    size_t next_extra_ = 0;
    const std::map<std::string, SourceRecord>* repl_;
    const std::set<std::string>* deleted_;
    std::string since_;
  };

  std::unique_ptr<connectors::SourceConnector> base_;
};

// Counts the records written; can drop a field on the way (a destination that loses data).
class CountingDestination : public connectors::DestinationConnectorWrapper {
 public:
  using DestinationConnectorWrapper::DestinationConnectorWrapper;
  std::atomic<int64_t> written{0};
  std::string drop_field;

  StatusOr<std::vector<WriteOutcome>> Upsert(const std::string& m,
                                             const std::vector<TargetRecord>& records) override {
    written += static_cast<int64_t>(records.size());
    if (drop_field.empty()) return target()->Upsert(m, records);
    std::vector<TargetRecord> copy = records;
    for (auto& r : copy) r.values.erase(drop_field);
    return target()->Upsert(m, copy);
  }
};

constexpr int kAppointmentsPerPatient = 2;

struct Harness {
  testing::RedisServer redis;
  std::string dir = testing::TempDir();
  std::unique_ptr<EditableSource> source;
  std::unique_ptr<connectors::MemoryDestination> memory = connectors::NewMemoryDestination();
  CountingDestination destination{memory.get()};
  Config config;
  int64_t patients;

  explicit Harness(int64_t n, const std::string& map_line = "") : patients(n) {
    EXPECT_TRUE(redis.Start());
    connectors::SyntheticSourceOptions so;
    so.patients = n;
    so.appointments_per_patient = kAppointmentsPerPatient;
    so.notes_per_patient = 1;
    source = std::make_unique<EditableSource>(connectors::NewSyntheticSource(so));
    const std::string path = dir + "/migration.yaml";
    std::ofstream(path) << "migration: sd-test\n"
                        << "source: {kind: synthetic}\n"
                        << "destination: {kind: null}\n"
                        << map_line << "run_dir: " << dir << "/runs\n"
                        << "redis: " << redis.url() << "\n"
                        << "workers: 2\n"
                        << "batch_size: 16\n";
    auto c = LoadConfig(path);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    if (c.ok()) config = *c;
  }
  ~Harness() { fs::remove_all(dir); }

  workers::PartsFactory Parts() {
    return [this](const workers::WorkerSetup&) -> StatusOr<workers::WorkerParts> {
      workers::WorkerParts p;
      p.source = std::make_unique<connectors::SourceConnectorWrapper>(source.get());
      p.destination = std::make_unique<connectors::DestinationConnectorWrapper>(&destination);
      return p;
    };
  }
  sample::VerbEnv Env() {
    sample::VerbEnv env;
    env.run_engine = RunEngine;
    env.source = source.get();
    env.destination = &destination;
    env.engine_parts = Parts();
    env.engine_source = source.get();
    return env;
  }
  int Migrate() {
    EngineRunOptions o;
    o.bind = "inproc://sd-test-migrate";
    o.embedded_workers = 2;
    o.verb = "migrate";
    o.parts = Parts();
    o.source = source.get();
    return RunEngine(config, o);
  }
  Json Latest(const std::string& file) {
    std::ifstream in(dir + "/runs/latest/" + file);
    std::stringstream ss;
    ss << in.rdbuf();
    return Json::parse(ss.str(), nullptr, false);
  }
  std::shared_ptr<state::StateStore> Store() {
    state::RedisStateStoreOptions so;
    so.url = redis.url();
    auto s = state::RedisStateStore::Connect(so);
    EXPECT_TRUE(s.ok());
    return std::shared_ptr<state::StateStore>(std::move(*s));
  }
  int64_t Stored(const std::string& model) {
    auto snap = memory->TakeSnapshot();
    return snap.count(model) ? static_cast<int64_t>(snap[model].size()) : 0;
  }
  Json StoredValues(const std::string& model, const std::string& key) {
    const auto snap = memory->TakeSnapshot();
    auto m = snap.find(model);
    if (m == snap.end()) return nullptr;
    for (const auto& [id, rec] : m->second) {
      if (rec.key == key) return rec.values;
    }
    return nullptr;
  }
};

int64_t Counter(const Json& j, const std::string& object, const std::string& name) {
  if (!j.is_object() || !j.contains("objects") || !j["objects"].contains(object)) return -1;
  return j["objects"][object].value(name, int64_t{-1});
}

TEST(SampleVerb, MigratesOnlyTheSliceDiffsCleanAndALaterMigrateDoesNotDoubleIt) {
  Harness h(60);
  ASSERT_EQ(sample::RunSample(h.config, 5, h.Env()), kExitOk);
  Json j = h.Latest("sample.json");
  ASSERT_TRUE(j.is_object());
  Json sel = h.Latest("sample-selection.json");
  ASSERT_TRUE(sel.is_object());
  EXPECT_EQ(sel["root_object"], "patients");
  const int64_t sampled = sel["counts"]["patients"].get<int64_t>();
  EXPECT_GE(sampled, 5);
  EXPECT_LT(sampled, 60);
  // Every child of a sampled patient came along; nothing else was read or written.
  EXPECT_EQ(sel["counts"]["appointments"].get<int64_t>(), sampled * kAppointmentsPerPatient);
  for (const char* object : {"patients", "appointments", "notes"}) {
    EXPECT_EQ(Counter(j, object, "read"), sel["counts"][object].get<int64_t>()) << object;
    EXPECT_EQ(Counter(j, object, "loaded"), Counter(j, object, "read")) << object;
    EXPECT_EQ(h.Stored(object), Counter(j, object, "loaded")) << object;
  }
  EXPECT_EQ(j["unexpected_differences"], 0);
  EXPECT_GT(j["diff"].value("equal", 0), 0);
  Json diff = h.Latest("sample-diff.json");
  EXPECT_TRUE(diff.is_object());
  struct stat st {};
  ASSERT_EQ(::stat((h.dir + "/runs/latest/sample-diff.csv").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  ASSERT_EQ(::stat((h.dir + "/runs/latest/sample-diff.html").c_str(), &st), 0);

  // The full run afterwards updates the sampled records and creates the rest, once each.
  ASSERT_EQ(h.Migrate(), kExitOk);
  Json m = h.Latest("migrate.json");
  EXPECT_EQ(Counter(m, "patients", "loaded"), 60);
  EXPECT_EQ(Counter(m, "patients", "updated"), sampled);
  EXPECT_EQ(h.Stored("patients"), 60);
  EXPECT_EQ(h.Stored("appointments"), 60 * kAppointmentsPerPatient);
  EXPECT_EQ(h.Stored("notes"), 60);
  EXPECT_EQ(h.memory->creates(), 60 + 60 * kAppointmentsPerPatient + 60);
}

TEST(SampleVerb, ReportsWhatTheDestinationLostAndStillExitsZero) {
  Harness h(20);
  h.destination.drop_field = "last_name";
  ASSERT_EQ(sample::RunSample(h.config, 3, h.Env()), kExitOk);
  Json j = h.Latest("sample.json");
  const int64_t sampled = h.Latest("sample-selection.json")["counts"]["patients"].get<int64_t>();
  EXPECT_EQ(j["unexpected_differences"].get<int64_t>(), sampled);  // one field per patient
  std::ifstream csv(h.dir + "/runs/latest/sample-diff.csv");
  std::stringstream ss;
  ss << csv.rdbuf();
  EXPECT_NE(ss.str().find("last_name"), std::string::npos);
}

TEST(SampleVerb, RefusesAnUnconfirmedMap) {
  const char* src = std::getenv("BW_SOURCE_DIR");
  ASSERT_NE(src, nullptr);
  const std::string tmp = testing::TempDir();
  const std::string map = tmp + "/map.yaml";
  fs::copy_file(std::string(src) + "/maps/sensei-cloud-to-odoo.yaml", map);
  Harness h(10, "map: " + map + "\n");
  EXPECT_EQ(sample::RunSample(h.config, 3, h.Env()), kExitFailed);
  EXPECT_EQ(h.destination.written.load(), 0);
  EXPECT_FALSE(fs::exists(h.dir + "/runs/latest"));
  fs::remove_all(tmp);
}

TEST(DeltaVerb, RefusesBeforeAnyMigrateSetAWatermark) {
  Harness h(5);
  EXPECT_NE(delta::RunDelta(h.config, h.Env()), kExitOk);
  EXPECT_EQ(h.destination.written.load(), 0);
}

SourceRecord Edited(const SourceRecord& base, const std::string& field, const std::string& value,
                    const std::string& modified_at) {
  SourceRecord r = base;
  r.Set(field, value);
  r.modified_at = modified_at;
  return r;
}

StatusOr<SourceRecord> Find(connectors::SourceConnector* s, const std::string& object,
                            const std::string& id) {
  BW_ASSIGN_OR_RETURN(auto shards, s->PlanShards(object, 1));
  BW_ASSIGN_OR_RETURN(auto cursor, s->Open(shards.at(0), {}));
  connectors::SourceRow row;
  while (true) {
    BW_ASSIGN_OR_RETURN(bool more, cursor->Next(&row));
    if (!more) return NotFound(id);
    if (row.record && row.record->id == id) return *row.record;
  }
}

TEST(DeltaVerb, AppliesEveryChangeOnceReportsDeletionsAndASecondDeltaWritesNothing) {
  Harness h(40);
  ASSERT_EQ(h.Migrate(), kExitOk);
  Json m = h.Latest("migrate.json");
  const std::string watermark = m.value("watermark", "");
  ASSERT_FALSE(watermark.empty());
  const int64_t creates = h.memory->creates();
  const Json before = h.StoredValues("patients", "patients/p-3/record");
  ASSERT_TRUE(before.is_object());

  // Cutover-window edits: one patient and one appointment changed, a patient with an
  // appointment added, a note and a patient deleted.
  const std::string later = "2030-01-01T00:00:00Z";
  auto p3 = Find(h.source.get(), "patients", "p-3");
  auto a7 = Find(h.source.get(), "appointments", "a-7");
  ASSERT_TRUE(p3.ok() && a7.ok());
  h.source->changed["patients"]["p-3"] = Edited(*p3, "last_name", "Changed", later);
  h.source->changed["appointments"]["a-7"] = Edited(*a7, "status", "cancelled-late", later);
  SourceRecord p900 = Edited(*p3, "id", "p-900", later);
  p900.id = "p-900";
  SourceRecord a900 = Edited(*a7, "patient_id", "p-900", later);
  a900.id = "a-900";
  a900.Set("id", "a-900");
  h.source->added["patients"].push_back(p900);
  h.source->added["appointments"].push_back(a900);
  h.source->deleted = {"notes/n-5", "patients/p-11"};

  ASSERT_EQ(delta::RunDelta(h.config, h.Env()), kExitOk);
  Json d = h.Latest("delta.json");
  ASSERT_TRUE(d.is_object());
  EXPECT_EQ(d["verb"], "delta");
  EXPECT_LE(d["modified_since"].get<std::string>(), watermark);
  EXPECT_EQ(d["watermark"], later);
  EXPECT_EQ(Counter(d, "patients", "loaded"), 2);  // p-3 updated, p-900 created
  EXPECT_EQ(Counter(d, "patients", "updated"), 1);
  EXPECT_EQ(Counter(d, "appointments", "loaded"), 2);
  EXPECT_EQ(Counter(d, "appointments", "updated"), 1);
  EXPECT_EQ(Counter(d, "notes", "loaded"), 0);
  EXPECT_EQ(d["deleted_in_source"]["patients"], Json(std::vector<std::string>{"p-11"}));
  EXPECT_EQ(d["deleted_in_source"]["notes"], Json(std::vector<std::string>{"n-5"}));
  // Applied in place, no duplicates, deletions kept.
  EXPECT_EQ(h.memory->creates(), creates + 2);
  EXPECT_EQ(h.Stored("patients"), 41);
  EXPECT_EQ(h.StoredValues("patients", "patients/p-3/record")["last_name"], "Changed");
  EXPECT_EQ(h.StoredValues("appointments", "appointments/a-7/record")["status"], "cancelled-late");
  EXPECT_EQ(h.StoredValues("notes", "notes/n-5/record").is_object(), true);
  // The prior values of the update are in the delta run's manifest (rollback restores them).
  auto store = h.Store();
  bool found = false;
  std::string cursor = "0";
  do {
    auto page = store->ManifestPage("sd-test", d["run_id"].get<std::string>(), cursor, 100);
    ASSERT_TRUE(page.ok());
    cursor = page->first;
    for (const auto& e : page->second) {
      if (e.key != "patients/p-3/record") continue;
      found = true;
      EXPECT_EQ(e.action, WriteAction::kUpdated);
      EXPECT_EQ(e.prior_values["last_name"], before["last_name"]);
    }
  } while (cursor != "0");
  EXPECT_TRUE(found);

  // Again, with no source change: everything re-read in the lookback is skipped.
  const int64_t written = h.destination.written.load();
  ASSERT_EQ(delta::RunDelta(h.config, h.Env()), kExitOk);
  Json d2 = h.Latest("delta.json");
  EXPECT_NE(d2["run_id"], d["run_id"]);
  EXPECT_EQ(d2["modified_since"], "2029-12-31T23:00:00Z");
  int64_t skipped = 0;
  for (const char* object : {"patients", "appointments", "notes"}) {
    EXPECT_EQ(Counter(d2, object, "loaded"), 0) << object;
    skipped += Counter(d2, object, "skipped");
  }
  EXPECT_EQ(skipped, 4);  // the four records edited or added at `later`
  EXPECT_EQ(h.destination.written.load(), written);
  EXPECT_EQ(h.memory->creates(), creates + 2);
}

}  // namespace
}  // namespace bridgework::cli
