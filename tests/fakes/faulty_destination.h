// FaultyDestination: a DestinationConnector wrapper that fails Upsert calls on demand
// (LevelDB's fault_injection_test style): the next N calls answer kUnavailable, as a destination
// that returns 5xx or drops the connection would.
#pragma once

#include <atomic>

#include "connectors/destination_connector.h"

namespace bridgework::testing {

class FaultyDestination : public connectors::DestinationConnectorWrapper {
 public:
  using DestinationConnectorWrapper::DestinationConnectorWrapper;
  void FailNextUpserts(int n) { fail_next_ = n; }
  int failures_injected() const { return injected_; }

  StatusOr<std::vector<WriteOutcome>> Upsert(const std::string& migration,
                                             const std::vector<TargetRecord>& records) override {
    if (fail_next_.fetch_sub(1) > 0) {
      ++injected_;
      return Unavailable("injected: destination answered 503");
    }
    return DestinationConnectorWrapper::Upsert(migration, records);
  }

 private:
  std::atomic<int> fail_next_{0};
  std::atomic<int> injected_{0};
};

}  // namespace bridgework::testing
