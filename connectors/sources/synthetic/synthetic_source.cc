#include "connectors/sources/synthetic/synthetic_source.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>

namespace bridgework::connectors {
namespace {

// Records per shard below which an object is not split further.
constexpr int64_t kMinShardRecords = 1000;

constexpr std::array<const char*, 8> kFirstNames = {"Ada",  "Bruno", "Chloe", "Dmitri",
                                                    "Emma", "Farid", "Grace", "Hana"};
constexpr std::array<const char*, 8> kLastNames = {"Okafor", "Lindqvist", "Moreau", "Tanaka",
                                                   "Novak",  "Haddad",    "Silva",  "Kowalski"};
constexpr std::array<const char*, 4> kStatuses = {"booked", "confirmed", "completed", "cancelled"};

// SplitMix64: a fast, well-mixed hash so every field is a pure function of (seed, object, index).
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string Id(char prefix, int64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%c-%" PRId64, prefix, n);
  return buf;
}

std::string Date(uint64_t h, int year0, int years) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year0 + static_cast<int>(h % years),
                static_cast<int>((h >> 8) % 12) + 1, static_cast<int>((h >> 16) % 28) + 1);
  return buf;
}

std::string Timestamp(uint64_t h) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:00Z", Date(h, 2019, 6).c_str(),
                static_cast<int>((h >> 24) % 10) + 8, static_cast<int>((h >> 32) % 4) * 15);
  return buf;
}

class SyntheticCursor : public RecordCursor {
 public:
  SyntheticCursor(const SyntheticSourceOptions& o, std::string object, int64_t begin, int64_t end)
      : o_(o), object_(std::move(object)), next_(begin), end_(end) {}

  StatusOr<bool> Next(SourceRow* row) override {
    if (next_ >= end_) return false;
    row->error.reset();
    row->record.emplace();
    Fill(next_++, &*row->record);
    return true;
  }

 private:
  void Fill(int64_t i, SourceRecord* r) const {
    const uint64_t h = Mix(static_cast<uint64_t>(o_.seed) * 1000003ULL + static_cast<uint64_t>(i) +
                           (object_.size() << 56));
    r->object = object_;
    r->file = "synthetic:" + object_;
    r->line = i;
    r->modified_at = Timestamp(h);
    if (object_ == "patients") {
      r->id = Id('p', i);
      const char* first = kFirstNames[h % kFirstNames.size()];
      const char* last = kLastNames[(h >> 4) % kLastNames.size()];
      r->Set("id", r->id);
      r->Set("first_name", first);
      r->Set("last_name", last);
      r->Set("email", std::string(first) + "." + last + "." + std::to_string(i) + "@example.org");
      r->Set("phone", "+1555" + std::to_string(1000000 + (h >> 12) % 9000000));
      r->Set("birth_date", Date(h >> 20, 1940, 80));
    } else if (object_ == "appointments") {
      const int64_t patient = i / o_.appointments_per_patient;
      r->id = Id('a', i);
      r->Set("id", r->id);
      r->Set("patient_id", Id('p', patient));
      r->Set("start", Timestamp(h >> 3));
      r->Set("status", kStatuses[(h >> 7) % kStatuses.size()]);
    } else {
      const int64_t patient = i / o_.notes_per_patient;
      const int64_t k = i % o_.notes_per_patient;
      r->id = Id('n', i);
      r->Set("id", r->id);
      r->Set("patient_id", Id('p', patient));
      // Every other note belongs to one of its patient's appointments; the rest to the patient.
      if (o_.appointments_per_patient > 0 && k % 2 == 0) {
        r->Set("appointment_id",
               Id('a', patient * o_.appointments_per_patient + k % o_.appointments_per_patient));
      } else {
        r->Set("appointment_id", std::nullopt);
      }
      r->Set("body", "Synthetic note " + std::to_string(i) + ", " + std::to_string(20 + h % 400) +
                         " words of clinical text.");
    }
  }

  const SyntheticSourceOptions o_;
  const std::string object_;
  int64_t next_;
  const int64_t end_;
};

class SyntheticSource : public SourceConnector {
 public:
  explicit SyntheticSource(const SyntheticSourceOptions& o) : o_(o) {}

  StatusOr<SourceDescription> Describe() override {
    SourceDescription d;
    d.kind = "synthetic";
    d.objects.push_back({"patients", "Patient", "id", "modified_at", {}, {}});
    d.objects.push_back(
        {"appointments", "Appointment", "id", "modified_at", {{"patient_id", "patients"}}, {}});
    d.objects.push_back({"notes",
                         "Clinical Note",
                         "id",
                         "modified_at",
                         {{"patient_id", "patients"}, {"appointment_id", "appointments"}},
                         {}});
    return d;
  }

  StatusOr<std::vector<ShardSpec>> PlanShards(const std::string& object, int max_shards) override {
    BW_ASSIGN_OR_RETURN(int64_t total, Count(object));
    int64_t shards = std::clamp<int64_t>((total + kMinShardRecords - 1) / kMinShardRecords, 1,
                                         std::max(1, max_shards));
    std::vector<ShardSpec> out;
    for (int64_t s = 0; s < shards; ++s) {
      int64_t begin = total * s / shards;
      int64_t end = total * (s + 1) / shards;
      out.push_back({object, static_cast<int>(s), static_cast<int>(shards),
                     std::to_string(begin) + "-" + std::to_string(end)});
    }
    return out;
  }

  StatusOr<std::unique_ptr<RecordCursor>> Open(const ShardSpec& shard,
                                               const ReadOptions& /*options*/) override {
    BW_ASSIGN_OR_RETURN(int64_t total, Count(shard.object));
    long long begin = 0, end = 0;
    if (std::sscanf(shard.token.c_str(), "%lld-%lld", &begin, &end) != 2 || begin < 0 ||
        end < begin || end > total) {
      return InvalidArgument("synthetic: bad shard token for " + shard.object);
    }
    return std::unique_ptr<RecordCursor>(new SyntheticCursor(o_, shard.object, begin, end));
  }

  StatusOr<std::string> ReadAttachment(const std::string& path) override {
    return NotFound("synthetic: no attachment " + path);
  }

 private:
  StatusOr<int64_t> Count(const std::string& object) const {
    if (object == "patients") return o_.patients;
    if (object == "appointments") return o_.patients * o_.appointments_per_patient;
    if (object == "notes") return o_.patients * o_.notes_per_patient;
    return NotFound("synthetic: no object " + object);
  }

  const SyntheticSourceOptions o_;
};

}  // namespace

std::unique_ptr<SourceConnector> NewSyntheticSource(const SyntheticSourceOptions& options) {
  SyntheticSourceOptions o = options;
  o.patients = std::max<int64_t>(0, o.patients);
  o.appointments_per_patient = std::max(0, o.appointments_per_patient);
  o.notes_per_patient = std::max(0, o.notes_per_patient);
  return std::make_unique<SyntheticSource>(o);
}

}  // namespace bridgework::connectors
