// The `csv` source kind's options from config.source.csv (docs/sources.md, "The generic csv
// kind"). Defined in cli/wiring_sources.cc; inspect also uses it to show inferred keys.
#pragma once

#include "cli/config.h"
#include "common/status.h"
#include "connectors/sources/csv/csv_source.h"

namespace bridgework::cli {

StatusOr<sources::CsvSourceOptions> CsvOptionsFromConfig(const Config& config);

}  // namespace bridgework::cli
