// Renders a coordinator Snapshot for people and machines: Prometheus text format (/metrics),
// JSON progress (/status, `bridgework status`) and the one-line progress per object.
//
// Thread contract: pure functions.
#pragma once

#include <string>

#include "common/record.h"
#include "coordinator/coordinator.h"

namespace bridgework::coordinator {

std::string RenderPrometheus(const Snapshot& s);
Json RenderStatus(const Snapshot& s);
// "patients 12000/50000 loaded (240 failed) 8000/s ETA 5s" per object, joined by " | ".
std::string RenderProgressLine(const Snapshot& s, const Snapshot* previous);

}  // namespace bridgework::coordinator
