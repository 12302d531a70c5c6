// Revert deletes created records in batches (DELETE /rest/<objects>?filter=id[in]:[...]) against
// the Twenty emulator: hundreds of records in a few requests with the workspace back to its
// snapshot, records already gone, a server cap lower than the batch, a batch whose answer was
// lost, and a refused batch falling back to one delete per record. Each test starts its own
// emulator on a free port.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "common/ids.h"
#include "connectors/destinations/twenty/twenty_destination.h"
#include "tests/destinations/twenty/twenty_emulator_process.h"

namespace bridgework::connectors::twenty {
namespace {

using testing::kTestApiKey;
using testing::TwentyEmulatorProcess;
using namespace std::chrono_literals;

constexpr const char* kMigration = "sensei-to-twenty";

TargetRecord Rec(std::string model, std::string object, std::string id, Json values) {
  TargetRecord r;
  r.model = std::move(model);
  r.object = std::move(object);
  r.source_id = std::move(id);
  r.target = "record";
  r.values = std::move(values);
  return r;
}

std::string IdOf(const std::string& object, const std::string& id) {
  return RecordUuid(kMigration, object + "/" + id + "/record");
}

// A load as the Sensei Cloud -> Twenty map writes it: companies, people linked to them, notes
// and the noteTargets linking notes to people.
struct Load {
  std::vector<TargetRecord> companies, people, notes, targets;
};

Load MakeLoad(int people, int notes) {
  Load load;
  for (int c = 0; c < 3; ++c) {
    load.companies.push_back(Rec("companies", "practices", "C" + std::to_string(c),
                                 {{"name", "Practice " + std::to_string(c)}}));
  }
  for (int p = 0; p < people; ++p) {
    const std::string n = std::to_string(p);
    load.people.push_back(Rec("people", "patients", "P" + n,
                              {{"name.firstName", "Pat" + n},
                               {"emails.primaryEmail", "p" + n + "@example.org"},
                               {"companyId", IdOf("practices", "C" + std::to_string(p % 3))}}));
  }
  for (int i = 0; i < notes; ++i) {
    const std::string n = std::to_string(i);
    load.notes.push_back(Rec("notes", "chart_notes", "N" + n,
                             {{"title", "Visit " + n}, {"bodyV2.markdown", "Body " + n}}));
    load.targets.push_back(Rec("noteTargets", "chart_note_links", "N" + n,
                               {{"noteId", IdOf("chart_notes", "N" + n)},
                                {"personId", IdOf("patients", "P" + std::to_string(i))}}));
  }
  return load;
}

class TwentyRevertBatchTest : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> args = {}) {
    auto emu = TwentyEmulatorProcess::Start(std::move(args));
    ASSERT_TRUE(emu.ok()) << emu.status().ToString();
    emu_ = std::move(emu).value();
  }

  TwentyOptions Options() {
    TwentyOptions o;
    o.base_url = emu_->url();
    o.api_key = kTestApiKey;
    o.backoff_initial = 5ms;
    o.backoff_max = 50ms;
    o.retry_deadline = 30s;
    return o;
  }

  // Writes `records` and appends their manifest entries (every one must be created).
  void Write(DestinationConnector* d, const std::vector<TargetRecord>& records, int depth,
             std::vector<ManifestEntry>* manifest) {
    auto out = d->Upsert(kMigration, records);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    for (size_t i = 0; i < out->size(); ++i) {
      const WriteOutcome& o = (*out)[i];
      ASSERT_EQ(o.action, WriteAction::kCreated) << o.key << ": " << o.error.ToString();
      ManifestEntry e;
      e.key = o.key;
      e.model = records[i].model;
      e.destination_id = o.destination_id;
      e.action = o.action;
      e.depth = depth;
      manifest->push_back(std::move(e));
    }
  }

  // Loads everything of `load` and returns the manifest, children first (as rollback orders it).
  std::vector<ManifestEntry> LoadAll(DestinationConnector* d, const Load& load) {
    std::vector<ManifestEntry> m;
    Write(d, load.companies, 0, &m);
    Write(d, load.people, 1, &m);
    if (!load.notes.empty()) Write(d, load.notes, 1, &m);
    if (!load.targets.empty()) Write(d, load.targets, 2, &m);
    std::stable_sort(m.begin(), m.end(), [](const ManifestEntry& a, const ManifestEntry& b) {
      return a.depth > b.depth;
    });
    return m;
  }

  Json Snapshot() {
    auto snap = emu_->Snapshot();
    EXPECT_TRUE(snap.ok()) << snap.status().ToString();
    return snap.ok() ? *snap : Json();
  }

  Json Stats() {
    auto stats = emu_->Stats();
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return stats.ok() ? *stats : Json();
  }

  void ResetStats() {
    ASSERT_TRUE(emu_->Control("POST", "/_emulator/stats/reset", Json::object()).ok());
  }

  // DELETE requests the emulator served for `objects` (single and by filter alike).
  static int Deletes(const Json& stats, const std::string& objects) {
    return stats["routes"].value("DELETE /rest/" + objects, 0);
  }

  std::unique_ptr<TwentyEmulatorProcess> emu_;
};

int Count(const std::vector<RevertOutcome>& outcomes, const std::string& action) {
  return static_cast<int>(
      std::count_if(outcomes.begin(), outcomes.end(),
                    [&](const RevertOutcome& o) { return o.action == action; }));
}

TEST_F(TwentyRevertBatchTest, HundredsOfRecordsGoInBatchesAndTheWorkspaceIsAsBefore) {
  Start();  // a fresh workspace: its 5 people and 5 companies are not ours and must stay
  auto d = NewTwentyDestination(Options());
  const Json before = Snapshot();
  std::vector<ManifestEntry> manifest = LoadAll(d.get(), MakeLoad(300, 40));
  ASSERT_EQ(manifest.size(), 383u);
  ResetStats();

  auto undo = d->Revert(kMigration, manifest);
  ASSERT_TRUE(undo.ok()) << undo.status().ToString();
  ASSERT_EQ(undo->size(), manifest.size());
  for (size_t i = 0; i < undo->size(); ++i) {
    EXPECT_EQ((*undo)[i].key, manifest[i].key);
    EXPECT_EQ((*undo)[i].action, "deleted")
        << (*undo)[i].key << ": " << (*undo)[i].error.ToString();
  }
  EXPECT_EQ(Snapshot(), before);
  const Json stats = Stats();
  // One request per 100 records of an object instead of one per record.
  EXPECT_EQ(Deletes(stats, "noteTargets"), 1);
  EXPECT_EQ(Deletes(stats, "notes"), 1);
  EXPECT_EQ(Deletes(stats, "people"), 3);
  EXPECT_EQ(Deletes(stats, "companies"), 1);
  EXPECT_EQ(stats["records"]["destroyed"], 383);

  // Repeatable: everything is already gone and nothing is sent to delete.
  ResetStats();
  auto again = d->Revert(kMigration, manifest);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Count(*again, "already-gone"), 383);
  EXPECT_EQ(Deletes(Stats(), "people"), 0);
  EXPECT_EQ(Snapshot(), before);
}

// Rollback orders entries by depth, then by key, so one source object's targets alternate
// (chart_notes/N1/note, chart_notes/N1/target, chart_notes/N10/note, ...): still one batch per
// model and per 100 records, the noteTargets (which point at the notes) first.
TEST_F(TwentyRevertBatchTest, AlternatingTargetsOfOneSourceObjectAreBatchedPerModel) {
  Start({"--empty-workspace"});
  auto d = NewTwentyDestination(Options());
  const Json before = Snapshot();
  Load load = MakeLoad(150, 0);
  std::vector<ManifestEntry> m;
  Write(d.get(), load.companies, 0, &m);
  Write(d.get(), load.people, 1, &m);
  std::vector<TargetRecord> notes, targets;
  for (int i = 0; i < 120; ++i) {
    const std::string n = "N" + std::to_string(i);
    TargetRecord note = Rec("notes", "chart_notes", n, {{"title", "Visit " + n}});
    note.target = "note";
    notes.push_back(note);
    TargetRecord link = Rec("noteTargets", "chart_notes", n,
                            {{"noteId", RecordUuid(kMigration, "chart_notes/" + n + "/note")},
                             {"personId", IdOf("patients", "P" + std::to_string(i))}});
    link.target = "target";
    targets.push_back(link);
  }
  Write(d.get(), notes, 2, &m);
  Write(d.get(), targets, 2, &m);
  std::stable_sort(m.begin(), m.end(), [](const ManifestEntry& a, const ManifestEntry& b) {
    return a.depth != b.depth ? a.depth > b.depth : a.key < b.key;
  });
  ASSERT_EQ(m[0].key, "chart_notes/N0/note");
  ASSERT_EQ(m[1].key, "chart_notes/N0/target");
  ResetStats();
  auto undo = d->Revert(kMigration, m);
  ASSERT_TRUE(undo.ok()) << undo.status().ToString();
  for (size_t i = 0; i < m.size(); ++i) {
    EXPECT_EQ((*undo)[i].action, "deleted") << m[i].key << ": " << (*undo)[i].error.ToString();
  }
  EXPECT_EQ(Snapshot(), before);
  const Json stats = Stats();
  EXPECT_EQ(Deletes(stats, "notes"), 2);
  EXPECT_EQ(Deletes(stats, "noteTargets"), 2);
  EXPECT_EQ(stats["records"]["destroyed"], 3 + 150 + 120 + 120);  // each by its own DELETE
  EXPECT_EQ(Deletes(stats, "people"), 2);
  EXPECT_EQ(Deletes(stats, "companies"), 1);
}

TEST_F(TwentyRevertBatchTest, RecordsAlreadyDeletedAreAlreadyGoneAndTheRestIsDeleted) {
  Start({"--empty-workspace"});
  auto d = NewTwentyDestination(Options());
  const Json before = Snapshot();
  Load load = MakeLoad(250, 30);
  std::vector<ManifestEntry> m;
  Write(d.get(), load.companies, 0, &m);
  Write(d.get(), load.people, 1, &m);
  Write(d.get(), load.notes, 1, &m);
  Write(d.get(), load.targets, 2, &m);
  // Someone destroyed 10 patients and moved 5 others to the trash in Twenty meanwhile.
  for (int p = 0; p < 15; ++p) {
    const std::string id = IdOf("patients", "P" + std::to_string(100 + p));
    auto gone =
        emu_->Rest("DELETE", "/rest/people/" + id + (p < 10 ? "" : "?soft_delete=true"), Json());
    ASSERT_TRUE(gone.ok()) << gone.status().ToString();
  }
  // Notes before their targets: destroying the notes takes the targets with them (CASCADE), so
  // the targets' batch finds them gone although the lookup before it saw them.
  std::vector<ManifestEntry> order;
  for (const auto& e : m) {
    if (e.model == "notes") order.push_back(e);
  }
  for (const auto& e : m) {
    if (e.model == "noteTargets") order.push_back(e);
  }
  for (const auto& e : m) {
    if (e.model == "people") order.push_back(e);
  }
  for (const auto& e : m) {
    if (e.model == "companies") order.push_back(e);
  }
  auto undo = d->Revert(kMigration, order);
  ASSERT_TRUE(undo.ok()) << undo.status().ToString();
  for (size_t i = 0; i < order.size(); ++i) {
    const std::string& key = order[i].key;
    const RevertOutcome& o = (*undo)[i];
    EXPECT_EQ(o.key, key);
    std::string expected = "deleted";
    if (order[i].model == "noteTargets") expected = "already-gone";
    for (int p = 0; p < 10; ++p) {
      if (key == "patients/P" + std::to_string(100 + p) + "/record") expected = "already-gone";
    }
    EXPECT_EQ(o.action, expected) << key << ": " << o.error.ToString();
  }
  EXPECT_EQ(Count(*undo, "already-gone"), 40);       // 30 targets + 10 destroyed patients
  EXPECT_EQ(Count(*undo, "deleted"), 3 + 240 + 30);  // the 5 in the trash are destroyed too
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(TwentyRevertBatchTest, ASmallerServerCapHalvesTheBatchOrIsConfigured) {
  Start({"--empty-workspace", "--mutation-max", "30"});
  const Json before = Snapshot();
  {
    auto d = NewTwentyDestination(Options());  // batches of 100 (the default)
    std::vector<ManifestEntry> m = LoadAll(d.get(), MakeLoad(200, 0));
    ResetStats();
    auto undo = d->Revert(kMigration, m);
    ASSERT_TRUE(undo.ok()) << undo.status().ToString();
    EXPECT_EQ(Count(*undo, "deleted"), 203);
    EXPECT_EQ(Snapshot(), before);
    const Json stats = Stats();
    // 100 refused, 50 refused, then 200 in batches of 25; the lowered size sticks.
    EXPECT_EQ(stats["status"].value("400", 0), 2);
    EXPECT_EQ(Deletes(stats, "people"), 2 + 8);
    EXPECT_EQ(Deletes(stats, "companies"), 1);
  }
  {
    TwentyOptions o = Options();
    o.delete_batch_size = 30;  // the server's cap, known from its configuration
    auto d = NewTwentyDestination(o);
    std::vector<ManifestEntry> m = LoadAll(d.get(), MakeLoad(200, 0));
    ResetStats();
    auto undo = d->Revert(kMigration, m);
    ASSERT_TRUE(undo.ok()) << undo.status().ToString();
    EXPECT_EQ(Count(*undo, "deleted"), 203);
    EXPECT_EQ(Snapshot(), before);
    const Json stats = Stats();
    EXPECT_EQ(stats["status"].value("400", 0), 0);
    EXPECT_EQ(Deletes(stats, "people"), 7);  // 6 x 30 + 20
  }
}

TEST_F(TwentyRevertBatchTest, ABatchWhoseAnswerWasLostIsCheckedNotCountedTwice) {
  Start({"--empty-workspace"});
  auto d = NewTwentyDestination(Options());
  const Json before = Snapshot();
  std::vector<ManifestEntry> m = LoadAll(d.get(), MakeLoad(150, 0));
  // The first people batch is destroyed but answers "Query read timeout" (DESTINATION-APIS.md
  // part C); the second gets a 503 and nothing is deleted.
  ASSERT_TRUE(
      emu_->SetFaults({{"next", {"timeout_after_commit", "503"}}, {"methods", {"DELETE"}}}).ok());
  auto undo = d->Revert(kMigration, m);
  ASSERT_TRUE(undo.ok()) << undo.status().ToString();
  for (const auto& o : *undo) EXPECT_EQ(o.action, "deleted") << o.key << ": " << o.error.ToString();
  EXPECT_EQ(Snapshot(), before);
  const Json stats = Stats();
  EXPECT_EQ(stats["faults"]["timeout_after_commit"], 1);
  EXPECT_EQ(stats["faults"]["503"], 1);
  EXPECT_EQ(stats["records"]["destroyed"], 153);
}

// A batch the server refuses (here: workspace members, which no API key may delete) is retried
// one record at a time, so each record reports Twenty's own message and the other objects'
// batches are not held up.
TEST_F(TwentyRevertBatchTest, ARefusedBatchFallsBackToOneDeletePerRecordWithItsMessage) {
  Start({"--empty-workspace"});
  auto d = NewTwentyDestination(Options());
  std::vector<ManifestEntry> m = LoadAll(d.get(), MakeLoad(5, 0));
  auto members = emu_->Rest("GET", "/rest/workspaceMembers", Json());
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  const Json& rows = (*members)["data"]["workspaceMembers"];
  ASSERT_EQ(rows.size(), 3u);
  std::vector<ManifestEntry> order;
  for (const Json& row : rows) {
    ManifestEntry e;
    e.key = "staff/" + row["id"].get<std::string>() + "/record";
    e.model = "workspaceMembers";
    e.destination_id = row["id"];
    e.action = WriteAction::kCreated;
    e.depth = 2;
    order.push_back(std::move(e));
  }
  order.insert(order.end(), m.begin(), m.end());
  ResetStats();
  auto undo = d->Revert(kMigration, order);
  ASSERT_TRUE(undo.ok()) << undo.status().ToString();
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*undo)[i].action, "failed");
    EXPECT_NE(
        (*undo)[i].error.message().find("Entity performing the request does not have permission"),
        std::string::npos)
        << (*undo)[i].error.ToString();
  }
  for (size_t i = 3; i < undo->size(); ++i) {
    EXPECT_EQ((*undo)[i].action, "deleted")
        << (*undo)[i].key << ": " << (*undo)[i].error.ToString();
  }
  const Json stats = Stats();
  EXPECT_EQ(Deletes(stats, "workspaceMembers"), 1 + 3);  // the batch, then one per member
  EXPECT_EQ(Deletes(stats, "people"), 1);
  auto after = emu_->Rest("GET", "/rest/workspaceMembers", Json());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((*after)["totalCount"], 3);
}

}  // namespace
}  // namespace bridgework::connectors::twenty
