// How RedisStateStore stores one manifest entry as a hash value (the hash field is the key).
//
// The manifest takes one entry per record a run wrote, so its size is the largest per-record cost
// in Redis: every byte is copied into the script, the hash, the append-only file and its
// rewrites. The JSON form (common/manifest.h, about 170 bytes for a created record) more than
// halved engine_bench's Redis throughput against tiny values, so entries are stored as one
// tab-separated line of about 60 bytes:
//
//   m1 TAB action (c|u) TAB depth TAB model TAB destination id TAB batch TAB worker TAB time_ms
//      [TAB prior values as JSON, updates only]
//
// An entry with a tab or line break in one of its text fields is stored as JSON instead, and a
// value that starts with "{" (JSON, as earlier versions wrote every entry) is read as JSON, so
// stores written before this format stay readable.
#pragma once

#include <string>

#include "common/manifest.h"
#include "common/status.h"

namespace bridgework::state {

std::string EncodeManifestValue(const ManifestEntry& e);
// `key` is the hash field the value was stored under.
StatusOr<ManifestEntry> DecodeManifestValue(const std::string& key, const std::string& value);

}  // namespace bridgework::state
