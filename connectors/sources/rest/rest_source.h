// The REST reader: a SourceConnector over a vendor's REST shape (rest_profile.h), as served by a
// vendor's API or by the source REST simulator (tests/emulators/source_rest).
//
// Describe comes from the profile. PlanShards splits an object into N partitions that the server
// filters by CRC-32 of the id (`partition=i&partitions=N`; docs/sources-rest.md), so N workers
// read one object in parallel without overlap. Open walks a shard page by page in the vendor's
// pagination style (cursor, next URL, page number or offset), with the modified-since filter
// for delta. Every request goes through RestFetcher: the shared RateLimiter first, then 429 /
// Retry-After, retries with backoff and jitter under a deadline. An item that is not a record
// (not a JSON object, no primary key) is a RowError in the stream; the shard goes on.
//
// Thread contract: the source may be shared by threads (Open from any); a cursor is used by one.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/rate_limiter.h"
#include "connectors/http/http_client.h"
#include "connectors/source_connector.h"
#include "connectors/sources/rest/rest_fetcher.h"
#include "connectors/sources/rest/rest_profile.h"

namespace bridgework::connectors::rest {

struct RestSourceOptions {
  std::string base_url;      // "http://127.0.0.1:8100"; the profile's base_path is appended
  std::string bearer_token;  // read from the environment by cli/, never logged
  int page_size = 500;       // clamped to the profile's max_limit
  FetchPolicy fetch;
  uint64_t jitter_seed = 0;  // 0: from the clock
};

// `http` is shared (the caller may keep a wrapper around it); `limiter` may be null (no limit)
// and must outlive the source; `clock` too.
std::unique_ptr<SourceConnector> NewRestSource(RestProfile profile, RestSourceOptions options,
                                               std::shared_ptr<HttpClient> http,
                                               RateLimiter* limiter, Clock* clock = Clock::Real());

}  // namespace bridgework::connectors::rest
