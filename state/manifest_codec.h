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
//
// Created entries, one per record a load batch created, are most of a manifest, and one hash
// field each still cost Redis more than all the rest of a commit (engine_bench: about 0.6 of 1.6
// s of redis-server's time for 200,000 records). A commit stores them as one value, a created
// list, whose depth, batch and worker are said once:
//
//   m2 TAB depth TAB batch TAB worker TAB time_ms LF
//   (key TAB model TAB destination id TAB time_ms - the first line's time_ms LF)*
#pragma once

#include <string>
#include <vector>

#include "common/manifest.h"
#include "common/status.h"

namespace bridgework::state {

std::string EncodeManifestValue(const ManifestEntry& e);
// `key` is the hash field the value was stored under.
StatusOr<ManifestEntry> DecodeManifestValue(const std::string& key, const std::string& value);
// True when `value` (a stored manifest value) holds prior values: an update's entry.
StatusOr<bool> IsPriorValuesEntry(const std::string& key, const std::string& value);

// Builds one created list from a commit's created entries.
class CreatedListWriter {
 public:
  // Adds `e`, or returns false and adds nothing when `e` cannot go in this list: it is not a
  // created entry, a text field holds a tab or line break, or its depth, batch or worker differ
  // from the first entry's. Such an entry is stored alone (EncodeManifestValue).
  bool Add(const ManifestEntry& e);
  bool empty() const { return entries_ == 0; }
  size_t size() const { return entries_; }
  // The list's value; "" when empty.
  std::string Finish();

 private:
  // The first entry's depth, batch, worker and time: the list's header.
  int depth_ = 0;
  std::string batch_;
  std::string worker_;
  int64_t time_ms_ = 0;
  std::string body_;
  size_t entries_ = 0;
};

// Every entry of a created list; `name` (the field it was stored under) names it in errors.
StatusOr<std::vector<ManifestEntry>> DecodeCreatedList(const std::string& name,
                                                       const std::string& value);

}  // namespace bridgework::state
