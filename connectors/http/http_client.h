// The HTTP seam every remote connector uses (Odoo XML-RPC, Twenty REST, source REST): one
// request, one deadline, an answer or a Status. TLS certificates are verified unless the config
// says otherwise. Secrets go in headers the caller builds and never into logs.
//
// Thread contract: a client is safe to use from several threads (one curl handle per thread,
// kept alive between requests).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace bridgework::connectors {

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PATCH, PUT, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  Duration timeout = std::chrono::seconds(60);
};

struct HttpResponse {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct HttpClientOptions {
  bool verify_tls = true;
  std::string ca_file;  // empty: the system's CA store
  Duration connect_timeout = std::chrono::seconds(10);
  std::string user_agent = "bridgework/0.1";
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // A transport failure (refused, reset, timed out, TLS) is a transient Status (kUnavailable or
  // kDeadlineExceeded); any HTTP answer, 4xx and 5xx included, is a response for the caller.
  virtual StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

// The libcurl implementation.
std::unique_ptr<HttpClient> NewCurlHttpClient(const HttpClientOptions& options);

// Forwards every call; fault injectors subclass it.
class HttpClientWrapper : public HttpClient {
 public:
  explicit HttpClientWrapper(HttpClient* target) : target_(target) {}
  StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    return target_->Send(request);
  }

 private:
  HttpClient* target_;
};

// Parses Retry-After (seconds or an HTTP date) into a wait; `fallback` when absent or unreadable.
Duration RetryAfter(const HttpResponse& response, Duration fallback);

}  // namespace bridgework::connectors
