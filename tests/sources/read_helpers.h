// Reads every row of an object through the SourceConnector seam, as an extract worker would.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "connectors/source_connector.h"

namespace bridgework::sources::testing {

struct ReadResult {
  std::vector<SourceRecord> records;
  std::vector<RowError> errors;
};

inline ReadResult ReadObject(connectors::SourceConnector& source, const std::string& object,
                             int shards = 1, const std::string& modified_since = "") {
  ReadResult out;
  auto plan = source.PlanShards(object, shards);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  if (!plan.ok()) return out;
  connectors::ReadOptions options;
  options.modified_since = modified_since;
  for (const auto& shard : *plan) {
    auto cursor = source.Open(shard, options);
    EXPECT_TRUE(cursor.ok()) << cursor.status().ToString();
    if (!cursor.ok()) continue;
    connectors::SourceRow row;
    for (;;) {
      auto more = (*cursor)->Next(&row);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) break;
      if (row.record) out.records.push_back(std::move(*row.record));
      if (row.error) out.errors.push_back(std::move(*row.error));
    }
  }
  return out;
}

}  // namespace bridgework::sources::testing
