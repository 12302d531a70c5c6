// `when` conditions of a target (docs/map-format.md): which source records a target applies to.
//
//   <field> present | <field> absent
//   <field> == <value> | <field> != <value>
//   <field> in [a, b, c] | <field> not in [a, b]
//   <field> past | <field> upcoming        (compared with the mapper's as-of instant)
//   clauses joined by " and "
//
// Values compare case- and space-insensitively. Pure; a parsed Condition is immutable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/record.h"
#include "common/status.h"

namespace bridgework::mapping {

class Condition {
 public:
  // `date_args` gives, per field, the date/datetime transform options to read it for past /
  // upcoming (the formats and zone the map already states for that field).
  static StatusOr<Condition> Parse(const std::string& text);

  // True when the record satisfies every clause. `as_of` is UTC seconds since the epoch. An
  // unreadable date in a past/upcoming clause is an error (the record must not vanish).
  StatusOr<bool> Matches(const SourceRecord& record, int64_t as_of, const Json& date_args) const;
  bool empty() const { return clauses_.empty(); }
  // Fields the condition reads (for past/upcoming date options lookup).
  std::vector<std::string> Fields() const;

 private:
  enum class Op { kPresent, kAbsent, kEq, kNe, kIn, kNotIn, kPast, kUpcoming };
  struct Clause {
    std::string field;
    Op op;
    std::vector<std::string> values;  // normalised
  };
  std::vector<Clause> clauses_;
};

// UTC seconds of an ISO-8601 instant ("2026-11-25T10:00:00Z"); InvalidArgument otherwise.
StatusOr<int64_t> IsoToEpochSeconds(const std::string& iso);

}  // namespace bridgework::mapping
