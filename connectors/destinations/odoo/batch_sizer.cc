#include "connectors/destinations/odoo/batch_sizer.h"

#include <algorithm>

namespace bridgework::connectors::odoo {

int BatchSizer::Current(const std::string& model) {
  if (options_.fixed > 0) return options_.fixed;
  std::lock_guard lock(mu_);
  auto [it, inserted] = size_.try_emplace(model, options_.initial);
  return it->second;
}

void BatchSizer::OnSuccess(const std::string& model, int records, Duration elapsed) {
  if (options_.fixed > 0) return;
  std::lock_guard lock(mu_);
  int& size = size_.try_emplace(model, options_.initial).first->second;
  // Only a call that used the whole size says the size itself is fine.
  if (records >= size && elapsed < options_.fast_call) {
    size = std::min(options_.max, size + std::max(1, size / 4));
  }
}

void BatchSizer::OnOverload(const std::string& model, int records) {
  if (options_.fixed > 0) return;
  std::lock_guard lock(mu_);
  int& size = size_.try_emplace(model, options_.initial).first->second;
  size = std::max(options_.min, std::min(size, records) / 2);
}

}  // namespace bridgework::connectors::odoo
