// Options of the Twenty destination: one struct, each default beside its field. Only cli/ fills
// it (from the migration config and the environment); the connector never reads either.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/rate_limiter.h"

namespace bridgework::connectors {

// What to do when a record's unique value (a person's primary email, a company's domain) is
// already held by another record, live or soft-deleted. Never a silent overwrite.
enum class UniqueConflictRule {
  kReport,           // the record fails with "primary email already held by another person (id)"
  kSkipUniqueField,  // the record is written without the colliding value and flagged
  kLinkExisting,     // nothing is written; the key maps to the live holder's id (flagged)
};

// How Revert removes the records a run created. Twenty's REST DELETE destroys unless asked
// to soft-delete; a soft-deleted row keeps holding its id and unique values.
enum class DeleteMode { kHard, kSoft };

struct TwentyOptions {
  std::string base_url;  // "https://crm.example.com" (no trailing /rest)
  std::string api_key;   // bearer key; never logged
  bool verify_tls = true;
  std::string ca_file;

  // Records per POST /rest/batch/<objects>; the server's cap changed across releases (60 in the
  // docs, 200 and 10,000 in later code), so it is configurable.
  int batch_size = 60;
  // Ids or values per lookup filter (GET ...?filter=id[in]:[...]); keeps URLs well under the
  // 16 KB header limit of Node servers.
  int lookup_chunk = 100;
  // Ids per DELETE /rest/<objects>?filter=id[in]:[...] when Revert removes created records.
  // Twenty caps how many records one update/delete-many may affect
  // (MUTATION_MAXIMUM_AFFECTED_RECORDS, default 100); set this lower for a server configured
  // lower. A batch refused as too large is halved anyway, and the smaller size kept.
  int delete_batch_size = 100;
  // Rows per page when listing (GET ... limit).
  int page_size = 200;

  // Upsert strategy. true: a model's batches are first sent as plain creates (one request per
  // batch; a batch that succeeds created exactly its records, as Twenty refuses existing ids and
  // unique values all-or-nothing); a refused batch, and every later batch of that model until
  // one finds no existing record, takes the careful path: look up ids and unique values, then
  // create the new and PATCH the changed. false: always the careful path.
  bool create_first = true;

  // Largest file uploaded for an attachment (value key "uploadFromPath").
  int64_t max_upload_bytes = 25 * 1024 * 1024;

  UniqueConflictRule unique_conflict = UniqueConflictRule::kReport;
  DeleteMode delete_mode = DeleteMode::kHard;

  // Shared by every worker of the migration (state/ implements it over Redis). Acquired before
  // every request. Null: `owned_limiter` if set, else no limit.
  RateLimiter* limiter = nullptr;
  std::shared_ptr<RateLimiter> owned_limiter;  // kept alive with the connector (wiring's default)
  Duration limiter_deadline = std::chrono::seconds(120);

  // Transient faults (transport, 5xx, 429, "Query read timeout") are retried with exponential
  // backoff and full jitter, at most `max_attempts` times and within `retry_deadline` per call.
  int max_attempts = 8;
  Duration retry_deadline = std::chrono::seconds(120);
  Duration backoff_initial = std::chrono::milliseconds(200);
  Duration backoff_max = std::chrono::seconds(10);
  Duration default_retry_after = std::chrono::seconds(1);  // 429 without Retry-After
  Duration request_timeout = std::chrono::seconds(60);

  Clock* clock = Clock::Real();
};

}  // namespace bridgework::connectors
