// libcurl implementation of HttpClient. Handles are pooled so that keep-alive connections are
// reused across requests while several threads send at once.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <mutex>
#include <vector>

#include "connectors/http/http_client.h"

namespace bridgework::connectors {
namespace {

size_t WriteBody(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* body = static_cast<std::string*>(userdata);
  body->append(ptr, size * nmemb);
  return size * nmemb;
}

size_t WriteHeader(char* ptr, size_t size, size_t nmemb, void* userdata) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(userdata);
  std::string line(ptr, size * nmemb);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after 100-continue or a redirect)
    return size * nmemb;
  }
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::string value = line.substr(colon + 1);
    auto b = value.find_first_not_of(" \t");
    auto e = value.find_last_not_of(" \t\r\n");
    (*headers)[name] = b == std::string::npos ? "" : value.substr(b, e - b + 1);
  }
  return size * nmemb;
}

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

class CurlHttpClient : public HttpClient {
 public:
  explicit CurlHttpClient(HttpClientOptions options) : options_(std::move(options)) {
    static CurlGlobal global;
    (void)global;
  }
  ~CurlHttpClient() override {
    for (CURL* h : pool_) curl_easy_cleanup(h);
  }

  StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    CURL* h = Acquire();
    HttpResponse response;
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) {
      headers = curl_slist_append(headers, (name + ": " + value).c_str());
    }
    // libcurl adds "Expect: 100-continue" to large POSTs; servers that do not answer it stall.
    headers = curl_slist_append(headers, "Expect:");
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "GET") {
      curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else {
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(
        h, CURLOPT_TIMEOUT_MS,
        static_cast<long>(
            std::chrono::duration_cast<std::chrono::milliseconds>(request.timeout).count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           options_.connect_timeout)
                                           .count()));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, WriteBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, WriteHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.headers);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");

    CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
      // The connection may be half-broken: do not reuse this handle.
      curl_easy_cleanup(h);
      std::string what = std::string(curl_easy_strerror(rc)) + " (" + request.method + " " +
                         StripQuery(request.url) + ")";
      if (rc == CURLE_OPERATION_TIMEDOUT) return DeadlineExceeded(what);
      if (rc == CURLE_SSL_CACERT || rc == CURLE_PEER_FAILED_VERIFICATION ||
          rc == CURLE_SSL_CERTPROBLEM) {
        return PermissionDenied("TLS verification failed: " + what);
      }
      if (rc == CURLE_URL_MALFORMAT || rc == CURLE_UNSUPPORTED_PROTOCOL) {
        return InvalidArgument(what);
      }
      return Unavailable(what);
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    Release(h);
    return response;
  }

 private:
  // URLs may carry tokens or filters with values in their query: never put those in errors.
  static std::string StripQuery(const std::string& url) { return url.substr(0, url.find('?')); }

  CURL* Acquire() {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!pool_.empty()) {
        CURL* h = pool_.back();
        pool_.pop_back();
        curl_easy_reset(h);  // keeps the connection cache, clears options
        return h;
      }
    }
    return curl_easy_init();
  }

  void Release(CURL* h) {
    std::lock_guard<std::mutex> l(mu_);
    pool_.push_back(h);
  }

  HttpClientOptions options_;
  std::mutex mu_;
  std::vector<CURL*> pool_;
};

}  // namespace

std::unique_ptr<HttpClient> NewCurlHttpClient(const HttpClientOptions& options) {
  return std::make_unique<CurlHttpClient>(options);
}

Duration RetryAfter(const HttpResponse& response, Duration fallback) {
  auto it = response.headers.find("retry-after");
  if (it == response.headers.end() || it->second.empty()) return fallback;
  const std::string& v = it->second;
  if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::chrono::seconds(std::stoll(v));
  }
  std::tm tm{};
  if (strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm) != nullptr) {
    time_t when = timegm(&tm);
    time_t now = std::time(nullptr);
    return std::chrono::seconds(std::max<time_t>(0, when - now));
  }
  return fallback;
}

}  // namespace bridgework::connectors
