#include "common/record.h"

#include <fmt/format.h>

namespace bridgework {

const std::string* SourceRecord::Get(std::string_view name) const {
  for (const auto& f : fields) {
    if (f.name == name) return f.value && !f.value->empty() ? &*f.value : nullptr;
  }
  return nullptr;
}

void SourceRecord::Set(std::string name, std::optional<std::string> value) {
  for (auto& f : fields) {
    if (f.name == name) {
      f.value = std::move(value);
      return;
    }
  }
  fields.push_back({std::move(name), std::move(value)});
}

Json RowError::ToJson() const {
  return Json{{"object", object},
              {"record_id", record_id},
              {"file", file},
              {"line", line},
              {"field", field},
              {"reason", reason},
              {"value_kind", value_kind}};
}

std::string RowError::ToString() const {
  std::string where = file.empty() ? std::string() : fmt::format("{}:{} ", file, line);
  std::string what = record_id.empty() ? object : fmt::format("{}/{}", object, record_id);
  std::string fld = field.empty() ? std::string() : fmt::format(" field {}", field);
  std::string kind = value_kind.empty() ? std::string() : fmt::format(" ({})", value_kind);
  return fmt::format("{}{}{}: {}{}", where, what, fld, reason, kind);
}

std::string DescribeValueKind(const std::optional<std::string>& value) {
  if (!value) return "absent";
  if (value->empty()) return "empty";
  size_t chars = 0;
  bool digits = true, has_alpha = false;
  for (unsigned char c : *value) {
    if ((c & 0xC0) != 0x80) ++chars;
    if (c < '0' || c > '9') digits = false;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) has_alpha = true;
  }
  const char* kind = digits ? "digits" : (has_alpha ? "text" : "symbols");
  return fmt::format("{}({} chars)", kind, chars);
}

std::string TargetRecord::Key() const { return fmt::format("{}/{}/{}", object, source_id, target); }

std::string_view WriteActionName(WriteAction action) {
  switch (action) {
    case WriteAction::kCreated:
      return "created";
    case WriteAction::kUpdated:
      return "updated";
    case WriteAction::kUnchanged:
      return "unchanged";
    case WriteAction::kFailed:
      return "failed";
  }
  return "unknown";
}

}  // namespace bridgework
