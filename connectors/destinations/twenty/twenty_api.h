// The Twenty REST transport: one request with the bearer key, the shared rate limiter acquired
// first, Twenty's error bodies turned into Status, and the retry policy for transient faults.
//
// Which faults are transient (DESTINATION-APIS.md part C): transport failures, 5xx (including
// "Metadata cache version not found", which clears on the next request), 429 and the metadata
// endpoints' "Too many requests." inside a 200, and 400 "Query read timeout". A write whose
// outcome is unknown after such a fault (a batch that timed out may have committed every row) is
// not resent here: the caller checks what exists first (RetryUnknown::kNo).
//
// Thread contract: safe to use from several threads at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/record.h"
#include "common/status.h"
#include "connectors/destinations/twenty/twenty_options.h"
#include "connectors/http/http_client.h"

namespace bridgework::connectors::twenty {

// Exponential backoff with full jitter under a deadline; one per logical call.
class Backoff {
 public:
  explicit Backoff(const TwentyOptions& options);
  // Sleeps before the next attempt; false when attempts or the deadline are used up.
  bool Wait();
  int attempts() const { return attempt_; }

 private:
  const TwentyOptions& options_;
  TimePoint deadline_;
  int attempt_ = 0;
};

enum class RetryUnknown { kYes, kNo };

class TwentyApi {
 public:
  TwentyApi(const TwentyOptions& options, std::unique_ptr<HttpClient> http);

  // Sends `method` to base_url + `path` (path includes the query string, already encoded) and
  // returns the parsed JSON body of a 2xx answer. 429s are always waited out and resent (the
  // server refused before doing anything); other transient faults are resent only for
  // RetryUnknown::kYes.
  StatusOr<Json> Call(const std::string& method, const std::string& path, const Json* body,
                      RetryUnknown retry);

  // Uploads a file through GraphQL uploadFile (multipart, folder Attachment); returns the
  // storage path to put in an attachment's fullPath. REST has no upload (twentyhq/twenty#6579).
  StatusOr<std::string> UploadFile(const std::string& filename, const std::string& content);

  // Every row of GET /rest/<objects>?filter=<filter>, following the cursor. `filter` is raw
  // (this encodes it); empty: no filter.
  StatusOr<std::vector<Json>> FindAll(const std::string& objects, const std::string& filter);

  const TwentyOptions& options() const { return options_; }

 private:
  StatusOr<HttpResponse> SendOnce(const HttpRequest& request);
  StatusOr<Json> Exchange(const HttpRequest& request, RetryUnknown retry);
  RateLimiter* limiter() const;

  const TwentyOptions& options_;
  std::unique_ptr<HttpClient> http_;
};

// Percent-encodes a query-string value.
std::string UrlEncode(std::string_view text);

// The first array under `data` of a Twenty answer ({"data":{"people":[...]}}), or nullptr.
const Json* DataArray(const Json& body);
// The first object under `data` ({"data":{"createPerson":{...}}}), or nullptr.
const Json* DataObject(const Json& body);

// Status for a non-2xx Twenty answer: "HTTP 400 BadRequestException: <messages>".
Status ErrorFromResponse(const HttpResponse& response);

}  // namespace bridgework::connectors::twenty
