// The transform registry: every transform a map can name, each a pure function registered in one
// place (RegisterBuiltinTransforms in transform_registry.cc), never by static initialisers.
//
// A transform takes one value (a JSON scalar, or null when the source cell is empty) and its
// options from the map (`transform_args.<name>`), and returns the new value or an
// InvalidArgument Status whose message is the reason. Reasons never quote the value: the caller
// adds the value's kind (DescribeValueKind) to the row error.
//
// Thread contract: the registry is immutable after construction; Builtin() is safe to call from
// any thread, and every transform is safe to call concurrently.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/record.h"
#include "common/status.h"

namespace bridgework::mapping {

using TransformFn = StatusOr<Json> (*)(const Json& value, const Json& args);

struct TransformInfo {
  std::string name;
  TransformFn fn = nullptr;
  // Receives the whole list when a field has several sources (name_join, join, coalesce);
  // otherwise a list is transformed element by element.
  bool takes_list = false;
  // Called on null too (coalesce, default-like transforms); otherwise null passes through.
  bool sees_null = false;
  std::string doc;  // one line, for docs and `map propose` reasons
};

class TransformRegistry {
 public:
  // The built-in transforms.
  static const TransformRegistry& Builtin();

  const TransformInfo* Find(std::string_view name) const;
  std::vector<std::string> Names() const;
  void Register(TransformInfo info);

  // Applies `info` to `value` with the list/null rules above.
  static StatusOr<Json> Apply(const TransformInfo& info, const Json& value, const Json& args);

 private:
  std::map<std::string, TransformInfo, std::less<>> by_name_;
};

}  // namespace bridgework::mapping
