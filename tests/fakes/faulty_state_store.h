// FaultyStateStore: a StateStore wrapper whose calls fail with kUnavailable while `down` is set,
// as when Redis is unreachable; every call is counted.
#pragma once

#include <atomic>

#include "state/state_store.h"

namespace bridgework::testing {

class FaultyStateStore : public state::StateStoreWrapper {
 public:
  using StateStoreWrapper::StateStoreWrapper;
  void SetDown(bool down) { down_ = down; }
  // The next N CommitLoad calls fail (the worker must retry them).
  void FailNextCommits(int n) { fail_commits_ = n; }

  StatusOr<bool> CommitLoad(const std::string& m, const std::string& r, const state::LoadCommit& c,
                            int64_t now) override {
    if (down_ || fail_commits_.fetch_sub(1) > 0) return Unavailable("injected: redis down");
    return StateStoreWrapper::CommitLoad(m, r, c, now);
  }
  StatusOr<bool> StageBatch(const std::string& m, const std::string& r, const std::string& o,
                            const std::string& b, const std::string& bytes, int64_t n,
                            const std::vector<state::FailureEntry>& e) override {
    if (down_) return Unavailable("injected: redis down");
    return StateStoreWrapper::StageBatch(m, r, o, b, bytes, n, e);
  }
  StatusOr<std::map<std::string, state::ObjectCounters>> Counters(const std::string& m,
                                                                  const std::string& r) override {
    if (down_) return Unavailable("injected: redis down");
    return StateStoreWrapper::Counters(m, r);
  }

 private:
  std::atomic<bool> down_{false};
  std::atomic<int> fail_commits_{0};
};

}  // namespace bridgework::testing
