// Value shaping between the map's TargetRecord values and Twenty's JSON: dotted keys nested into
// composite objects ("name.firstName" -> {"name":{"firstName":...}}), paths read back, filters
// built, stored records compared with what a write would send. Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/record.h"

namespace bridgework::connectors::twenty {

// Nests dotted keys; nested objects given as such are merged with dotted keys of the same root.
Json NestDotted(const Json& values);

// The value at a dotted path ("emails.primaryEmail"), or nullptr.
const Json* GetPath(const Json& record, std::string_view path);
// Removes the value at a dotted path; drops objects left empty. True when something was removed.
bool ErasePath(Json* record, std::string_view path);

// True when every leaf of `wanted` is present in `stored` with the same value. Null, "" and
// absent count as the same; text compares case-insensitively where Twenty canonicalises it
// (emails, link URLs); numbers by value.
bool Covers(const Json& stored, const Json& wanted);

// The stored values of `fields` (top-level names or dotted paths, kept as given as keys).
Json Project(const Json& stored, const std::vector<std::string>& fields);

// The top-level fields of `written` as stored in `stored` (the prior values for rollback).
Json PriorValues(const Json& stored, const Json& written);

// `field[in]:["a","b"]` with each value JSON-quoted.
std::string InFilter(std::string_view field, const std::vector<std::string>& values);

std::string Lower(std::string_view text);

}  // namespace bridgework::connectors::twenty
