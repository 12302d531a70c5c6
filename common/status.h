// Status and StatusOr<T>: errors as values across every seam (LevelDB's Status, absl's codes).
//
// A Status is cheap to copy when OK. The code decides what is retried: IsTransient() is the one
// place that says which failures a caller may retry (network, overload, rate limit, timeouts).
// Adapters around libraries that throw (cppzmq, xmlrpc-c, yaml-cpp) catch and convert here.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace bridgework {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input: a record, a config value, a message; not retried
  kNotFound,            // a key, record, file or model that does not exist
  kAlreadyExists,       // a unique value or id already taken
  kFailedPrecondition,  // the world is not in the state the call needs (unconfirmed map...)
  kPermissionDenied,    // authentication or access refused; not retried
  kUnavailable,         // network down, 5xx, connection dropped: transient
  kDeadlineExceeded,    // the call's deadline passed: transient
  kResourceExhausted,   // rate limited, server worker limit, request too large: transient
  kAborted,             // a concurrent change or lost lease: retry the whole step
  kCancelled,           // the caller stopped the work
  kDataLoss,            // stored state is inconsistent or corrupt
  kUnimplemented,       // the destination or source does not support the operation
  kInternal,            // a bug or an unexpected server answer
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Failures a caller may retry with the same idempotency key.
  bool IsTransient() const;

  // "UNAVAILABLE: connection refused" or "OK".
  std::string ToString() const;

  // Prefixes context to the message: Status(kNotFound, "x").Annotate("loading map") gives
  // "loading map: x". OK stays OK.
  Status Annotate(std::string_view context) const;

  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status DeadlineExceeded(std::string m) {
  return {StatusCode::kDeadlineExceeded, std::move(m)};
}
inline Status ResourceExhausted(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status Aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
inline Status DataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
inline Status Unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// A value or the Status saying why there is none. Constructing from an OK Status is a bug.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : state_(std::move(value)) {}        // NOLINT: implicit by design
  StatusOr(Status status) : state_(std::move(status)) {  // NOLINT: implicit by design
    if (std::get<Status>(state_).ok()) state_ = Status(StatusCode::kInternal, "OK as StatusOr");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(state_);
  }

  // REQUIRES: ok()
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> state_;
};

}  // namespace bridgework

// Returns from the enclosing function when `expr` (a Status) is not OK.
#define BW_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::bridgework::Status bw_status_ = (expr); \
    if (!bw_status_.ok()) return bw_status_;  \
  } while (0)

#define BW_CONCAT_INNER_(a, b) a##b
#define BW_CONCAT_(a, b) BW_CONCAT_INNER_(a, b)
// BW_ASSIGN_OR_RETURN(auto x, MakeX()); returns the Status when MakeX() failed.
#define BW_ASSIGN_OR_RETURN(lhs, expr) \
  BW_ASSIGN_OR_RETURN_IMPL_(BW_CONCAT_(bw_statusor_, __LINE__), lhs, expr)
#define BW_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
