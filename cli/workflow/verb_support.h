// What the workflow verbs (schema, owners, rollback, report) share around the CLI: loading the
// config and map, run ids for their own run folders, and reading a whole source object.
//
// Thread contract: functions are thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "cli/config.h"
#include "common/record.h"
#include "common/status.h"
#include "connectors/source_connector.h"
#include "mapping/map_model.h"

namespace bridgework::cli::workflow {

struct VerbContext {
  Config config;
  mapping::MapFile map;
};

// The config and its map; kInvalidArgument naming the file on a bad one.
StatusOr<VerbContext> LoadVerbContext(const std::string& config_path);

// A run id for a workflow verb's own run folder: "<UTC yyyymmddThhmmssZ>-<verb>".
std::string NewWorkflowRunId(const std::string& verb);

// Every readable record of `object` (rows the source could not read are counted in *row_errors).
StatusOr<std::vector<SourceRecord>> ReadAllRecords(connectors::SourceConnector* source,
                                                   const std::string& object,
                                                   int64_t* row_errors = nullptr);

}  // namespace bridgework::cli::workflow
