// Adaptive batch size per destination model: halve after the server struggled (timeout, worker
// limit, 502-504, body too large), grow by a quarter after a call that was fast, within bounds.
// A fixed size (options) turns adaptation off.
//
// Thread contract: safe to use from several threads at once.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "common/clock.h"

namespace bridgework::connectors::odoo {

struct BatchSizerOptions {
  int initial = 100;  // records per call for a model not seen yet
  int min = 1;
  int max = 1000;
  int fixed = 0;                                 // > 0: always this size, no adaptation
  Duration fast_call = std::chrono::seconds(5);  // a full batch quicker than this may grow
};

class BatchSizer {
 public:
  explicit BatchSizer(BatchSizerOptions options) : options_(options) {}

  int Current(const std::string& model);
  // A call of `records` records for `model` succeeded in `elapsed`.
  void OnSuccess(const std::string& model, int records, Duration elapsed);
  // The server was overloaded by a call of `records` records: halve (never below min).
  void OnOverload(const std::string& model, int records);

 private:
  BatchSizerOptions options_;
  std::mutex mu_;
  std::map<std::string, int> size_;
};

}  // namespace bridgework::connectors::odoo
