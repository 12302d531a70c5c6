#include "mapping/condition.h"

#include "mapping/text_util.h"
#include "mapping/transforms.h"

namespace bridgework::mapping {
namespace {

std::string Norm(std::string_view s) { return ToLowerUtf8(CollapseSpaces(s)); }

std::string Unquote(std::string s) {
  s = TrimCopy(s);
  if (s.size() >= 2 &&
      ((s.front() == '\'' && s.back() == '\'') || (s.front() == '"' && s.back() == '"'))) {
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

int64_t ToEpoch(const CivilTime& t) {
  return DaysFromCivil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second;
}

}  // namespace

StatusOr<int64_t> IsoToEpochSeconds(const std::string& iso) {
  StatusOr<CivilTime> t = ParseDateTime(iso, Json("iso"), "UTC");
  if (!t.ok()) return InvalidArgument("not an ISO-8601 instant: " + iso);
  return ToEpoch(*t);
}

StatusOr<Condition> Condition::Parse(const std::string& text) {
  Condition c;
  std::string rest = TrimCopy(text);
  if (rest.empty()) return c;
  std::vector<std::string> parts;
  while (true) {
    size_t pos = rest.find(" and ");
    if (pos == std::string::npos) {
      parts.push_back(rest);
      break;
    }
    parts.push_back(rest.substr(0, pos));
    rest = rest.substr(pos + 5);
  }
  for (const std::string& raw : parts) {
    std::string p = TrimCopy(raw);
    Clause cl;
    auto bad = [&] { return InvalidArgument("cannot parse condition clause '" + p + "'"); };
    size_t sp = p.find(' ');
    if (sp == std::string::npos) return bad();
    cl.field = p.substr(0, sp);
    std::string op_rest = TrimCopy(p.substr(sp + 1));
    auto list_values = [&](const std::string& list) -> Status {
      std::string l = TrimCopy(list);
      if (l.size() < 2 || l.front() != '[' || l.back() != ']') return bad();
      for (const std::string& v : Split(l.substr(1, l.size() - 2), ',')) {
        cl.values.push_back(Norm(Unquote(v)));
      }
      return Status::Ok();
    };
    if (op_rest == "present") {
      cl.op = Op::kPresent;
    } else if (op_rest == "absent") {
      cl.op = Op::kAbsent;
    } else if (op_rest == "past") {
      cl.op = Op::kPast;
    } else if (op_rest == "upcoming") {
      cl.op = Op::kUpcoming;
    } else if (StartsWith(op_rest, "== ")) {
      cl.op = Op::kEq;
      cl.values.push_back(Norm(Unquote(op_rest.substr(3))));
    } else if (StartsWith(op_rest, "!= ")) {
      cl.op = Op::kNe;
      cl.values.push_back(Norm(Unquote(op_rest.substr(3))));
    } else if (StartsWith(op_rest, "in ")) {
      cl.op = Op::kIn;
      BW_RETURN_IF_ERROR(list_values(op_rest.substr(3)));
    } else if (StartsWith(op_rest, "not in ")) {
      cl.op = Op::kNotIn;
      BW_RETURN_IF_ERROR(list_values(op_rest.substr(7)));
    } else {
      return bad();
    }
    c.clauses_.push_back(std::move(cl));
  }
  return c;
}

std::vector<std::string> Condition::Fields() const {
  std::vector<std::string> out;
  for (const Clause& c : clauses_) out.push_back(c.field);
  return out;
}

StatusOr<bool> Condition::Matches(const SourceRecord& record, int64_t as_of,
                                  const Json& date_args) const {
  for (const Clause& c : clauses_) {
    const std::string* v = record.Get(c.field);
    std::string n = v ? Norm(*v) : std::string();
    bool ok = false;
    switch (c.op) {
      case Op::kPresent:
        ok = !n.empty();
        break;
      case Op::kAbsent:
        ok = n.empty();
        break;
      case Op::kEq:
        ok = n == c.values[0];
        break;
      case Op::kNe:
        ok = n != c.values[0];
        break;
      case Op::kIn:
      case Op::kNotIn: {
        bool found = false;
        for (const std::string& x : c.values) found |= (n == x);
        ok = c.op == Op::kIn ? found : !found;
        break;
      }
      case Op::kPast:
      case Op::kUpcoming: {
        if (n.empty()) return false;
        Json args = date_args.is_object() && date_args.contains(c.field) ? date_args[c.field]
                                                                         : Json::object();
        // The field's own formats first, then ISO and epoch (REST sources send ISO).
        Json formats = Json::array();
        if (args.contains("formats")) {
          if (args["formats"].is_array()) {
            formats = args["formats"];
          } else {
            formats.push_back(args["formats"]);
          }
        }
        formats.push_back("iso");
        formats.push_back("epoch_auto");
        std::string tz = args.value("tz", std::string("UTC"));
        StatusOr<CivilTime> t = ParseDateTime(*v, formats, tz);
        if (!t.ok()) return t.status();
        int64_t when = ToEpoch(*t);
        ok = c.op == Op::kPast ? when < as_of : when >= as_of;
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

}  // namespace bridgework::mapping
