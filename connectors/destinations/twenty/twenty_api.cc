#include "connectors/destinations/twenty/twenty_api.h"

#include <algorithm>
#include <random>

#include "common/logging.h"

namespace bridgework::connectors::twenty {
namespace {

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

bool Contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

// The metadata endpoints answer an over-limit request with HTTP 200 and GraphQL-style errors.
bool IsThrottledOk(const HttpResponse& response) {
  return response.status / 100 == 2 && Contains(response.body, "Too many requests") &&
         Contains(response.body, "\"errors\"");
}

// Transient answers that say nothing was done: resend after waiting.
bool IsRateLimited(const HttpResponse& response) {
  return response.status == 429 || IsThrottledOk(response);
}

// Transient answers after which a write may or may not have happened.
bool IsTransientAnswer(const HttpResponse& response) {
  if (response.status >= 500) return true;
  return response.status == 400 && Contains(response.body, "Query read timeout");
}

// Twenty quotes offending values with single quotes (Node's util.inspect): "Invalid string value
// 'x@' for email field". Those may be patient values: keep only their kind and length.
std::string RedactQuoted(const std::string& text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t open = text.find('\'', i);
    if (open == std::string::npos) break;
    size_t close = open + 1;
    while (close < text.size() && text[close] != '\'') close += text[close] == '\\' ? 2 : 1;
    if (close >= text.size()) break;
    out.append(text, i, open - i);
    out += "<" + DescribeValueKind(text.substr(open + 1, close - open - 1)) + ">";
    i = close + 1;
  }
  out.append(text, std::min(i, text.size()), std::string::npos);
  return out;
}

}  // namespace

Backoff::Backoff(const TwentyOptions& options)
    : options_(options), deadline_(options.clock->Now() + options.retry_deadline) {}

bool Backoff::Wait() {
  ++attempt_;
  if (attempt_ >= options_.max_attempts) return false;
  Duration cap = options_.backoff_initial * (int64_t{1} << std::min(attempt_ - 1, 20));
  cap = std::min(cap, options_.backoff_max);
  std::uniform_int_distribution<int64_t> dist(0, cap.count());
  Duration wait{dist(Rng())};
  if (options_.clock->Now() + wait > deadline_) return false;
  options_.clock->SleepFor(wait);
  return true;
}

TwentyApi::TwentyApi(const TwentyOptions& options, std::unique_ptr<HttpClient> http)
    : options_(options), http_(std::move(http)) {}

RateLimiter* TwentyApi::limiter() const {
  if (options_.limiter != nullptr) return options_.limiter;
  return options_.owned_limiter.get();
}

StatusOr<HttpResponse> TwentyApi::SendOnce(const HttpRequest& request) {
  if (RateLimiter* l = limiter()) {
    BW_RETURN_IF_ERROR(l->Acquire(options_.limiter_deadline).Annotate("twenty rate limiter"));
  }
  return http_->Send(request);
}

StatusOr<Json> TwentyApi::Call(const std::string& method, const std::string& path, const Json* body,
                               RetryUnknown retry) {
  HttpRequest request;
  request.method = method;
  request.url = options_.base_url + path;
  request.headers = {{"Authorization", "Bearer " + options_.api_key},
                     {"Accept", "application/json"}};
  if (body != nullptr) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body->dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  request.timeout = options_.request_timeout;
  return Exchange(request, retry);
}

StatusOr<std::string> TwentyApi::UploadFile(const std::string& filename,
                                            const std::string& content) {
  // graphql-multipart-request: operations, map, then the file part.
  std::string boundary = "bridgework-" + std::to_string(std::random_device{}()) + "-boundary";
  Json operations = {{"query",
                      "mutation UploadFile($file: Upload!) { uploadFile(file: $file, fileFolder: "
                      "Attachment) { path token } }"},
                     {"variables", {{"file", nullptr}}}};
  Json map = {{"0", {"variables.file"}}};
  std::string safe_name;
  for (char c : filename) safe_name.push_back(c == '"' || c == '\r' || c == '\n' ? '_' : c);
  std::string body;
  auto part = [&](const std::string& disposition, const std::string& type,
                  const std::string& data) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; " + disposition + "\r\n";
    if (!type.empty()) body += "Content-Type: " + type + "\r\n";
    body += "\r\n" + data + "\r\n";
  };
  part("name=\"operations\"", "", operations.dump());
  part("name=\"map\"", "", map.dump());
  part("name=\"0\"; filename=\"" + safe_name + "\"", "application/octet-stream", content);
  body += "--" + boundary + "--\r\n";

  HttpRequest request;
  request.method = "POST";
  request.url = options_.base_url + "/graphql";
  request.headers = {{"Authorization", "Bearer " + options_.api_key},
                     {"Accept", "application/json"},
                     {"apollo-require-preflight", "true"},
                     {"Content-Type", "multipart/form-data; boundary=" + boundary}};
  request.body = std::move(body);
  request.timeout = options_.request_timeout;
  // An upload that failed in transit leaves at most an orphan file: resending is safe.
  BW_ASSIGN_OR_RETURN(Json answer, Exchange(request, RetryUnknown::kYes));
  if (answer.contains("errors") && answer["errors"].is_array() && !answer["errors"].empty()) {
    return InvalidArgument("uploadFile: " + answer["errors"][0].value("message", "refused"));
  }
  const Json* data = answer.contains("data") ? &answer["data"] : nullptr;
  const Json* uploaded =
      data != nullptr && data->contains("uploadFile") ? &(*data)["uploadFile"] : nullptr;
  if (uploaded != nullptr && uploaded->is_string()) return uploaded->get<std::string>();
  if (uploaded != nullptr && uploaded->is_object() && uploaded->contains("path") &&
      (*uploaded)["path"].is_string()) {
    return (*uploaded)["path"].get<std::string>();
  }
  return Internal("uploadFile: answer has no path");
}

StatusOr<Json> TwentyApi::Exchange(const HttpRequest& request, RetryUnknown retry) {
  const std::string path = request.url.substr(options_.base_url.size());
  const std::string what = request.method + " " + path.substr(0, path.find('?'));

  Backoff backoff(options_);
  const TimePoint give_up = options_.clock->Now() + options_.retry_deadline;
  for (;;) {
    StatusOr<HttpResponse> sent = SendOnce(request);
    Status failure;
    if (!sent.ok()) {
      if (!sent.status().IsTransient()) return sent.status().Annotate(what);
      failure = sent.status().Annotate(what);
    } else if (IsRateLimited(*sent)) {
      // Nothing was done: everybody of this migration waits, then this request goes again.
      // The retry deadline bounds these waits, not the attempt budget: a 429 costs nothing.
      Duration wait = RetryAfter(*sent, options_.default_retry_after);
      Logger("twenty")->warn("{}: rate limited by the server; waiting {} ms", what,
                             std::chrono::duration_cast<std::chrono::milliseconds>(wait).count());
      if (options_.clock->Now() + wait > give_up) {
        return ResourceExhausted(what + ": rate limited (429) past the retry deadline");
      }
      if (RateLimiter* l = limiter()) {
        l->PushBack(wait);  // the next Acquire waits it out
      } else {
        options_.clock->SleepFor(wait);
      }
      continue;
    } else if (sent->status / 100 == 2) {
      if (sent->body.empty()) return Json::object();
      Json parsed = Json::parse(sent->body, nullptr, false);
      if (parsed.is_discarded()) return Internal(what + ": answer is not JSON");
      return parsed;
    } else if (IsTransientAnswer(*sent)) {
      failure = ErrorFromResponse(*sent).Annotate(what);
    } else {
      return ErrorFromResponse(*sent).Annotate(what);
    }
    if (retry == RetryUnknown::kNo) return failure;
    Logger("twenty")->info("{}: transient failure, retrying: {}", what, failure.message());
    if (!backoff.Wait()) return failure;
  }
}

StatusOr<std::vector<Json>> TwentyApi::FindAll(const std::string& objects,
                                               const std::string& filter) {
  std::vector<Json> rows;
  std::string cursor;
  for (;;) {
    std::string path = "/rest/" + objects + "?limit=" + std::to_string(options_.page_size);
    if (!filter.empty()) path += "&filter=" + UrlEncode(filter);
    if (!cursor.empty()) path += "&starting_after=" + UrlEncode(cursor);
    BW_ASSIGN_OR_RETURN(Json answer, Call("GET", path, nullptr, RetryUnknown::kYes));
    const Json* page = DataArray(answer);
    if (page == nullptr) return Internal("GET /rest/" + objects + ": answer has no data array");
    for (const Json& row : *page) rows.push_back(row);
    const Json& info = answer.contains("pageInfo") ? answer["pageInfo"] : Json::object();
    bool more = info.value("hasNextPage", false);
    std::string next = info.contains("endCursor") && info["endCursor"].is_string()
                           ? info["endCursor"].get<std::string>()
                           : std::string();
    if (!more || page->empty() || next.empty() || next == cursor) break;
    cursor = next;
  }
  return rows;
}

std::string UrlEncode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

const Json* DataArray(const Json& body) {
  if (!body.is_object() || !body.contains("data")) return nullptr;
  const Json& data = body["data"];
  if (data.is_array()) return &data;
  if (!data.is_object()) return nullptr;
  for (const auto& [name, value] : data.items()) {
    if (value.is_array()) return &value;
  }
  return nullptr;
}

const Json* DataObject(const Json& body) {
  if (!body.is_object() || !body.contains("data")) return nullptr;
  const Json& data = body["data"];
  if (!data.is_object()) return nullptr;
  if (data.contains("id")) return &data;
  for (const auto& [name, value] : data.items()) {
    if (value.is_object()) return &value;
  }
  return nullptr;
}

Status ErrorFromResponse(const HttpResponse& response) {
  std::string text;
  Json body = Json::parse(response.body, nullptr, false);
  std::string name;
  if (body.is_object()) {
    name = body.value("error", "");
    if (body.contains("messages") && body["messages"].is_array()) {
      for (const Json& m : body["messages"]) {
        if (!text.empty()) text += "; ";
        text += m.is_string() ? m.get<std::string>() : m.dump();
      }
    } else if (body.contains("message") && body["message"].is_string()) {
      text = body["message"].get<std::string>();
    } else if (body.contains("errors") && body["errors"].is_array()) {
      for (const Json& e : body["errors"]) {
        if (!text.empty()) text += "; ";
        text += e.value("message", e.dump());
      }
    }
  }
  if (text.empty()) text = response.body.substr(0, 200);
  text = RedactQuoted(text);
  std::string message =
      "HTTP " + std::to_string(response.status) + (name.empty() ? "" : " " + name) + ": " + text;
  long s = response.status;
  if (s == 401 || s == 403) return PermissionDenied(message);
  if (s == 404) return NotFound(message);
  if (s == 409) return AlreadyExists(message);
  if (s == 429) return ResourceExhausted(message);
  if (s >= 500) return Unavailable(message);
  if (Contains(text, "Query read timeout")) return DeadlineExceeded(message);
  if (Contains(text, "duplicate") || Contains(text, "already exists")) {
    return AlreadyExists(message);
  }
  return InvalidArgument(message);
}

}  // namespace bridgework::connectors::twenty
