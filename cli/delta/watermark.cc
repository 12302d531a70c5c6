#include "cli/delta/watermark.h"

#include <cstdio>
#include <ctime>

#include "common/civil_time.h"

namespace bridgework::cli::delta {
namespace {

bool Digits(const std::string& s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

StatusOr<int64_t> ParseIsoSeconds(const std::string& t) {
  auto bad = [&] {
    return InvalidArgument("not an ISO-8601 time (" + std::to_string(t.size()) + " chars)");
  };
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!Digits(t, 0, 4, &y) || t.size() < 10 || t[4] != '-' || !Digits(t, 5, 2, &mo) ||
      t[7] != '-' || !Digits(t, 8, 2, &d)) {
    return bad();
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return bad();
  size_t p = 10;
  if (p < t.size() && (t[p] == 'T' || t[p] == ' ')) {
    if (!Digits(t, p + 1, 2, &h) || p + 3 >= t.size() || t[p + 3] != ':' ||
        !Digits(t, p + 4, 2, &mi)) {
      return bad();
    }
    p += 6;
    if (p < t.size() && t[p] == ':') {
      if (!Digits(t, p + 1, 2, &s)) return bad();
      p += 3;
      if (p < t.size() && (t[p] == '.' || t[p] == ',')) {
        ++p;
        while (p < t.size() && t[p] >= '0' && t[p] <= '9') ++p;  // fractions: dropped
      }
    }
  }
  if (h > 23 || mi > 59 || s > 60) return bad();
  int64_t offset = 0;
  if (p < t.size()) {
    if (t[p] == 'Z' && p + 1 == t.size()) {
      // UTC
    } else if ((t[p] == '+' || t[p] == '-') && t.size() >= p + 3) {
      int oh = 0, om = 0;
      if (!Digits(t, p + 1, 2, &oh)) return bad();
      size_t q = p + 3;
      if (q < t.size() && t[q] == ':') ++q;
      if (q < t.size() && !Digits(t, q, 2, &om)) return bad();
      if (q < t.size() && q + 2 != t.size()) return bad();
      offset = (oh * 3600 + om * 60) * (t[p] == '+' ? 1 : -1);
    } else {
      return bad();
    }
  }
  return DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
}

std::string FormatIsoSeconds(int64_t epoch_seconds) { return FormatIsoUtc(epoch_seconds); }

StatusOr<std::string> ModifiedSince(const std::string& watermark, int64_t lookback_seconds) {
  if (lookback_seconds < 0) return InvalidArgument("the lookback must not be negative");
  BW_ASSIGN_OR_RETURN(int64_t w, ParseIsoSeconds(watermark));
  return FormatIsoSeconds(w - lookback_seconds);
}

std::string LaterOf(const std::string& a, const std::string& b) {
  auto pa = ParseIsoSeconds(a);
  auto pb = ParseIsoSeconds(b);
  if (!pa.ok()) return pb.ok() ? b : (a.empty() ? b : a);
  if (!pb.ok()) return a;
  return *pb > *pa ? b : a;
}

}  // namespace bridgework::cli::delta
