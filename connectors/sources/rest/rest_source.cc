#include "connectors/sources/rest/rest_source.h"

#include <algorithm>
#include <deque>

#include "connectors/sources/rest/json_record.h"

namespace bridgework::connectors::rest {
namespace {

std::string UrlEncode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Origin(const std::string& url) {
  auto scheme = url.find("://");
  auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return url.substr(0, slash);
}

struct Query {
  std::vector<std::pair<std::string, std::string>> params;
  void Add(const std::string& k, const std::string& v) { params.emplace_back(k, v); }
  std::string ToString() const {
    std::string q;
    for (const auto& [k, v] : params)
      q += (q.empty() ? "?" : "&") + UrlEncode(k) + "=" + UrlEncode(v);
    return q;
  }
};

class RestCursor : public RecordCursor {
 public:
  RestCursor(const RestProfile* profile, const RestObject* object, std::string endpoint_url,
             Query base_query, int page_size, RestFetcher* fetcher, std::string origin)
      : profile_(profile),
        object_(object),
        endpoint_url_(std::move(endpoint_url)),
        base_query_(std::move(base_query)),
        page_size_(page_size),
        fetcher_(fetcher),
        origin_(std::move(origin)),
        page_(profile->first_page) {}

  StatusOr<bool> Next(SourceRow* row) override {
    while (items_.empty()) {
      if (done_) return false;
      BW_RETURN_IF_ERROR(FetchPage());
    }
    *row = ItemToRow(items_.front(), *object_, object_->endpoint, ++index_);
    items_.pop_front();
    return true;
  }

 private:
  std::string PageUrl() const {
    if (profile_->style == PageStyle::kNextUrl && !next_.empty()) return next_;
    Query q = base_query_;
    q.Add(profile_->limit_param, std::to_string(page_size_));
    switch (profile_->style) {
      case PageStyle::kCursor:
        if (!next_.empty()) q.Add(profile_->cursor_param, next_);
        break;
      case PageStyle::kNextUrl:
        break;
      case PageStyle::kPage:
        q.Add(profile_->page_param, std::to_string(page_));
        break;
      case PageStyle::kOffset:
        q.Add(profile_->offset_param, std::to_string(offset_));
        break;
    }
    return endpoint_url_ + q.ToString();
  }

  Status FetchPage() {
    const std::string url = PageUrl();
    Json body;
    // A 200 whose body does not parse was cut short on the way: fetch the same page again.
    for (int attempt = 0;; ++attempt) {
      BW_ASSIGN_OR_RETURN(HttpResponse res, fetcher_->Get(url));
      body = Json::parse(res.body, nullptr, /*allow_exceptions=*/false);
      if (!body.is_discarded() && body.is_object()) break;
      if (attempt >= 2) {
        return Unavailable("GET " + object_->endpoint + " answered a body that is not JSON");
      }
    }
    auto items = body.find(profile_->items_field);
    if (items == body.end() || !items->is_array()) {
      return Internal("GET " + object_->endpoint + " answered without an array in '" +
                      profile_->items_field + "'");
    }
    size_t n = items->size();
    for (auto& item : *items) items_.push_back(std::move(item));
    switch (profile_->style) {
      case PageStyle::kCursor:
      case PageStyle::kNextUrl: {
        auto next = body.find(profile_->next_field);
        if (next == body.end() || !next->is_string() || next->get<std::string>().empty()) {
          done_ = true;
        } else {
          next_ = next->get<std::string>();
          if (profile_->style == PageStyle::kNextUrl) {
            if (next_.front() == '/') next_ = origin_ + next_;
            // The bearer token goes only to the server it was configured for.
            if (Origin(next_) != origin_) {
              return PermissionDenied("GET " + object_->endpoint +
                                      " pointed its next page at another server");
            }
          }
        }
        break;
      }
      case PageStyle::kPage: {
        int64_t total_pages = body.value(profile_->total_pages_field, int64_t{-1});
        ++page_;
        done_ = n == 0 || (total_pages >= 0 && page_ - profile_->first_page >= total_pages);
        break;
      }
      case PageStyle::kOffset: {
        int64_t total = body.value(profile_->total_field, int64_t{-1});
        offset_ += static_cast<int64_t>(n);
        done_ = n == 0 || (total >= 0 && offset_ >= total);
        break;
      }
    }
    return Status::Ok();
  }

  const RestProfile* profile_;
  const RestObject* object_;
  std::string endpoint_url_;
  Query base_query_;
  int page_size_;
  RestFetcher* fetcher_;
  std::string origin_;

  std::deque<Json> items_;
  bool done_ = false;
  std::string next_;  // cursor or next URL
  int64_t page_;
  int64_t offset_ = 0;
  int64_t index_ = 0;
};

class RestSource : public SourceConnector {
 public:
  RestSource(RestProfile profile, RestSourceOptions options, std::shared_ptr<HttpClient> http,
             RateLimiter* limiter, Clock* clock)
      : profile_(std::move(profile)),
        options_(std::move(options)),
        http_(std::move(http)),
        fetcher_(http_.get(), limiter, clock, options_.fetch, options_.bearer_token,
                 options_.jitter_seed != 0 ? options_.jitter_seed
                                           : static_cast<uint64_t>(clock->UnixMillis())) {
    while (!options_.base_url.empty() && options_.base_url.back() == '/') {
      options_.base_url.pop_back();
    }
  }

  StatusOr<SourceDescription> Describe() override {
    SourceDescription d;
    d.kind = profile_.kind;
    for (const auto& o : profile_.objects) d.objects.push_back(o.object);
    return d;
  }

  StatusOr<std::vector<ShardSpec>> PlanShards(const std::string& object, int max_shards) override {
    if (profile_.Find(object) == nullptr) return NotFound("source has no object " + object);
    int n = std::max(1, max_shards);
    std::vector<ShardSpec> shards;
    for (int i = 0; i < n; ++i) {
      shards.push_back({object, i, n, "partition=" + std::to_string(i) + "/" + std::to_string(n)});
    }
    return shards;
  }

  StatusOr<std::unique_ptr<RecordCursor>> Open(const ShardSpec& shard,
                                               const ReadOptions& options) override {
    const RestObject* object = profile_.Find(shard.object);
    if (object == nullptr) return NotFound("source has no object " + shard.object);
    if (shard.count < 1 || shard.index < 0 || shard.index >= shard.count) {
      return InvalidArgument("shard " + std::to_string(shard.index) + " of " +
                             std::to_string(shard.count) + " is out of range");
    }
    Query q;
    if (shard.count > 1) {
      q.Add(profile_.partition_param, std::to_string(shard.index));
      q.Add(profile_.partitions_param, std::to_string(shard.count));
    }
    if (!options.modified_since.empty()) {
      BW_ASSIGN_OR_RETURN(std::string since, FormatModifiedSince(options.modified_since,
                                                                 profile_.modified_since_format));
      q.Add(profile_.modified_since_param, since);
    }
    int page_size = std::clamp(options_.page_size, 1, profile_.max_limit);
    return std::unique_ptr<RecordCursor>(
        new RestCursor(&profile_, object, options_.base_url + profile_.base_path + object->endpoint,
                       std::move(q), page_size, &fetcher_, Origin(options_.base_url)));
  }

  StatusOr<std::string> ReadAttachment(const std::string& path) override {
    if (profile_.attachment_path.empty()) {
      return Unimplemented("source " + profile_.kind + " serves no attachments over REST");
    }
    std::string p = profile_.attachment_path;
    auto at = p.find("{path}");
    if (at == std::string::npos) return Internal("profile attachment_path has no {path}");
    std::string encoded;
    size_t start = 0;
    // Keep the folders of the path; encode each part.
    for (;;) {
      size_t slash = path.find('/', start);
      encoded += UrlEncode(path.substr(start, slash - start));
      if (slash == std::string::npos) break;
      encoded += '/';
      start = slash + 1;
    }
    p.replace(at, 6, encoded);
    BW_ASSIGN_OR_RETURN(HttpResponse res, fetcher_.Get(options_.base_url + p));
    return std::move(res.body);
  }

 private:
  RestProfile profile_;
  RestSourceOptions options_;
  std::shared_ptr<HttpClient> http_;
  RestFetcher fetcher_;
};

}  // namespace

std::unique_ptr<SourceConnector> NewRestSource(RestProfile profile, RestSourceOptions options,
                                               std::shared_ptr<HttpClient> http,
                                               RateLimiter* limiter, Clock* clock) {
  return std::make_unique<RestSource>(std::move(profile), std::move(options), std::move(http),
                                      limiter, clock);
}

}  // namespace bridgework::connectors::rest
