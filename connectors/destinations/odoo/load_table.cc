#include "connectors/destinations/odoo/load_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <set>

namespace bridgework::connectors::odoo {
namespace {

std::string KindOf(const Json& v) {
  if (v.is_string()) return DescribeValueKind(v.get<std::string>());
  return std::string(v.type_name());
}

bool AllDigits(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string NumberText(const Json& v) {
  if (v.is_number_integer() || v.is_number_unsigned()) return std::to_string(v.get<int64_t>());
  return fmt::format("{}", v.get<double>());
}

// Database ids from an x2many value: [1, 2], [[6, 0, [1, 2]]], [[4, 1, 0]], "1,2".
StatusOr<std::vector<int64_t>> IdsOf(const Json& v) {
  std::vector<int64_t> ids;
  if (v.is_null() || (v.is_boolean() && !v.get<bool>())) return ids;
  if (v.is_number_integer()) return std::vector<int64_t>{v.get<int64_t>()};
  if (v.is_string()) {
    std::string s = v.get<std::string>();
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      std::string part =
          s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!part.empty()) {
        if (!AllDigits(part)) return InvalidArgument("not a list of ids");
        ids.push_back(std::stoll(part));
      }
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return ids;
  }
  if (!v.is_array()) return InvalidArgument("not a list of ids");
  for (const auto& item : v) {
    if (item.is_number_integer()) {
      ids.push_back(item.get<int64_t>());
    } else if (item.is_string() && AllDigits(item.get<std::string>())) {
      ids.push_back(std::stoll(item.get<std::string>()));
    } else if (item.is_array() && item.size() == 3 && item[0].is_number_integer()) {
      int cmd = item[0].get<int>();
      if (cmd == 6 && item[2].is_array()) {
        for (const auto& id : item[2]) ids.push_back(id.get<int64_t>());
      } else if (cmd == 4) {
        ids.push_back(item[1].get<int64_t>());
      } else {
        return InvalidArgument("command " + std::to_string(cmd) + " is not supported here");
      }
    } else {
      return InvalidArgument("not a list of ids");
    }
  }
  return ids;
}

std::string JoinIds(const std::vector<int64_t>& ids) {
  std::string out;
  for (int64_t id : ids) {
    if (!out.empty()) out += ',';
    out += std::to_string(id);
  }
  return out;
}

// One scalar or relational cell. `prefix` is "" for record cells, "<o2m>/" for line cells.
Status AddCell(const std::string& prefix, const std::string& name, const Json& v,
               const FieldInfo* field, Cells* cells) {
  const std::string type = field ? field->type : "char";
  const bool empty = v.is_null() || (v.is_boolean() && !v.get<bool>() && type != "boolean");
  auto bad = [&](const std::string& why) {
    return InvalidArgument("field " + name + " (" + type + "): " + why + " (" + KindOf(v) + ")");
  };
  if (type == "many2one") {
    if (empty) {
      cells->emplace_back(prefix + name + "/.id", "");
    } else if (v.is_number_integer()) {
      cells->emplace_back(prefix + name + "/.id", std::to_string(v.get<int64_t>()));
    } else if (v.is_string() && AllDigits(v.get<std::string>())) {
      cells->emplace_back(prefix + name + "/.id", v.get<std::string>());
    } else if (v.is_string() && v.get<std::string>().find('.') != std::string::npos) {
      cells->emplace_back(prefix + name + "/id", v.get<std::string>());  // an external id
    } else if (v.is_string()) {
      cells->emplace_back(prefix + name, v.get<std::string>());  // by name (name_search)
    } else {
      return bad("expected a record id");
    }
    return Status::Ok();
  }
  if (type == "many2many") {
    auto ids = IdsOf(v);
    if (!ids.ok()) return bad(ids.status().message());
    cells->emplace_back(prefix + name + "/.id", JoinIds(*ids));
    return Status::Ok();
  }
  std::string text;
  if (empty) {
    text = "";
  } else if (type == "boolean") {
    if (v.is_boolean()) {
      text = v.get<bool>() ? "1" : "0";
    } else if (v.is_number()) {
      text = v.get<double>() != 0 ? "1" : "0";
    } else if (v.is_string()) {
      std::string s = v.get<std::string>();
      std::transform(s.begin(), s.end(), s.begin(), ::tolower);
      if (s == "1" || s == "true" || s == "yes") {
        text = "1";
      } else if (s == "0" || s == "false" || s == "no" || s.empty()) {
        text = "0";
      } else {
        return bad("expected a boolean");
      }
    } else {
      return bad("expected a boolean");
    }
  } else if (type == "integer" || type == "float" || type == "monetary") {
    if (v.is_number()) {
      text = NumberText(v);
    } else if (v.is_string()) {
      text = v.get<std::string>();
    } else {
      return bad("expected a number");
    }
  } else if (type == "datetime") {
    if (!v.is_string()) return bad("expected a date and time");
    text = ToOdooDatetime(v.get<std::string>());
    if (text.empty()) return bad("unreadable date and time");
  } else if (type == "date") {
    if (!v.is_string()) return bad("expected a date");
    text = v.get<std::string>().substr(0, 10);
  } else if (v.is_string()) {
    text = v.get<std::string>();
  } else if (v.is_number()) {
    text = NumberText(v);
  } else if (v.is_boolean()) {
    text = v.get<bool>() ? "1" : "0";
  } else {
    return bad("expected text");
  }
  cells->emplace_back(prefix + name, std::move(text));
  return Status::Ok();
}

}  // namespace

std::string LoadRecord::Signature() const {
  std::string sig;
  for (const auto& [column, value] : cells) sig += column + "|";
  for (const auto& [field, rows] : lines) {
    std::set<std::string> columns;
    for (const auto& row : rows) {
      for (const auto& [column, value] : row) columns.insert(column);
    }
    for (const auto& c : columns) sig += c + "|";
  }
  return sig;
}

StatusOr<LoadRecord> ToLoadRecord(const std::string& model, const std::string& xmlid,
                                  const Json& values,
                                  const std::map<std::string, FieldInfo>& fields) {
  LoadRecord record;
  record.xmlid = xmlid;
  if (!values.is_object())
    return InvalidArgument("values of a " + model + " record: not an object");
  for (const auto& [name, v] : values.items()) {
    if (name.empty() || name[0] == '_') continue;
    auto it = fields.find(name);
    if (it == fields.end()) {
      return InvalidArgument("field " + name + " does not exist on model " + model);
    }
    const FieldInfo& field = it->second;
    if (field.type == "one2many") {
      std::vector<Cells>& lines = record.lines[name];
      if (v.is_null() || (v.is_boolean() && !v.get<bool>())) continue;
      if (!v.is_array()) {
        return InvalidArgument("field " + name + " (one2many): expected a list of lines (" +
                               KindOf(v) + ")");
      }
      for (const auto& line : v) {
        const Json* line_values = &line;
        if (line.is_array() && line.size() == 3 && line[0] == 0) line_values = &line[2];
        if (!line_values->is_object()) {
          return InvalidArgument("field " + name + " (one2many): a line is not an object");
        }
        Cells cells;
        for (const auto& [sub, sv] : line_values->items()) {
          // Line fields are not in this model's schema; their type is guessed from the value.
          FieldInfo guess;
          guess.type =
              sv.is_array() ? "many2many"
              : (sub.size() > 3 && sub.substr(sub.size() - 3) == "_id" && sv.is_number_integer())
                  ? "many2one"
              : sv.is_boolean() ? "boolean"
              : sv.is_number()  ? "float"
                                : "char";
          BW_RETURN_IF_ERROR(AddCell(name + "/", sub, sv, &guess, &cells));
        }
        std::sort(cells.begin(), cells.end());
        lines.push_back(std::move(cells));
      }
      continue;
    }
    BW_RETURN_IF_ERROR(AddCell("", name, v, &field, &record.cells));
  }
  std::sort(record.cells.begin(), record.cells.end());
  return record;
}

LoadTable BuildLoadTable(const std::vector<const LoadRecord*>& records) {
  LoadTable table;
  table.fields.push_back("id");
  std::map<std::string, int> column_index;
  auto column = [&](const std::string& name) {
    auto [it, inserted] = column_index.try_emplace(name, static_cast<int>(table.fields.size()));
    if (inserted) table.fields.push_back(name);
    return it->second;
  };
  for (const LoadRecord* r : records) {
    for (const auto& [c, v] : r->cells) column(c);
    for (const auto& [f, lines] : r->lines) {
      for (const auto& line : lines) {
        for (const auto& [c, v] : line) column(c);
      }
    }
  }
  for (size_t i = 0; i < records.size(); ++i) {
    const LoadRecord* r = records[i];
    size_t line_rows = 1;
    for (const auto& [f, lines] : r->lines) line_rows = std::max(line_rows, lines.size());
    for (size_t k = 0; k < line_rows; ++k) {
      std::vector<std::string> row(table.fields.size());
      if (k == 0) {
        row[0] = r->xmlid;
        for (const auto& [c, v] : r->cells) row[column_index[c]] = v;
      }
      for (const auto& [f, lines] : r->lines) {
        if (k < lines.size()) {
          for (const auto& [c, v] : lines[k]) row[column_index[c]] = v;
        }
      }
      table.rows.push_back(std::move(row));
      table.record_of_row.push_back(static_cast<int>(i));
    }
  }
  return table;
}

std::string ToOdooDatetime(const std::string& text) {
  int y, mo, d, h = 0, mi = 0, s = 0;
  if (text.size() < 10 || std::sscanf(text.c_str(), "%4d-%2d-%2d", &y, &mo, &d) != 3) return "";
  size_t pos = 10;
  if (text.size() > 10) {
    if (text[10] != 'T' && text[10] != ' ') return "";
    if (std::sscanf(text.c_str() + 11, "%2d:%2d", &h, &mi) != 2) return "";
    pos = 16;
    if (text.size() > 16 && text[16] == ':') {
      if (std::sscanf(text.c_str() + 17, "%2d", &s) != 1) return "";
      pos = 19;
    }
    while (pos < text.size() &&
           (text[pos] == '.' || std::isdigit(static_cast<unsigned char>(text[pos])))) {
      ++pos;  // fractional seconds are dropped (Odoo stores whole seconds)
    }
  }
  int offset_minutes = 0;
  if (pos < text.size()) {
    std::string zone = text.substr(pos);
    if (zone == "Z" || zone == "z") {
      offset_minutes = 0;
    } else {
      int oh = 0, om = 0;
      char sign = zone[0];
      if ((sign != '+' && sign != '-') ||
          (std::sscanf(zone.c_str() + 1, "%2d:%2d", &oh, &om) != 2 &&
           std::sscanf(zone.c_str() + 1, "%2d%2d", &oh, &om) != 2)) {
        return "";
      }
      offset_minutes = (sign == '-' ? -1 : 1) * (oh * 60 + om);
    }
  }
  struct tm tm = {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi - offset_minutes;
  tm.tm_sec = s;
  time_t t = timegm(&tm);
  struct tm out;
  gmtime_r(&t, &out);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &out);
  return buf;
}

Json ToWriteValues(const Json& values, const std::map<std::string, FieldInfo>& fields) {
  Json out = Json::object();
  for (const auto& [name, v] : values.items()) {
    if (name.empty() || name[0] == '_') continue;
    auto it = fields.find(name);
    const std::string type = it == fields.end() ? "" : it->second.type;
    if (type == "one2many") continue;  // lines are restored with their own records
    if (v.is_null()) {
      out[name] = false;
    } else if (type == "many2many") {
      auto ids = IdsOf(v);
      Json list = Json::array();
      if (ids.ok()) {
        for (int64_t id : *ids) list.push_back(id);
      }
      out[name] = Json::array({Json::array({6, 0, list})});
    } else if (type == "many2one" && v.is_array() && !v.empty()) {
      out[name] = v[0];
    } else if (type == "datetime" && v.is_string()) {
      std::string dt = ToOdooDatetime(v.get<std::string>());
      out[name] = dt.empty() ? v : Json(dt);
    } else {
      out[name] = v;
    }
  }
  return out;
}

}  // namespace bridgework::connectors::odoo
