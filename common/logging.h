// One named spdlog logger per component ("coordinator", "worker", "odoo", ...). Log ids, counts
// and reasons; never a patient's value (use DescribeValueKind for that).
#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string>

namespace bridgework {

// The component's logger, created on first use with the process-wide sinks and level.
std::shared_ptr<spdlog::logger> Logger(const std::string& component);

// Sets the level of every logger ("trace".."off"); the CLI calls it from --log-level.
void SetLogLevel(const std::string& level);

}  // namespace bridgework
