#include "connectors/sources/bundle/json_reader.h"

#include <cstring>

namespace bridgework::sources {

Status JsonElementReader::Open(const std::string& path, Mode mode, int64_t offset, int64_t line) {
  path_ = path;
  mode_ = mode;
  line_ = line;
  BW_RETURN_IF_ERROR(in_.Open(path, offset));
  if (offset == 0) {
    size_t n = 0;
    const char* w = in_.Window(&n);
    if (n >= 3 && std::memcmp(w, "\xEF\xBB\xBF", 3) == 0) in_.Skip(3);
    if (mode_ == Mode::kArray) {
      SkipSpace(false);
      int c = in_.Get();
      if (c < 0) {
        done_ = true;  // an empty file reads as an empty array
      } else if (c != '[') {
        return InvalidArgument(path + " is not a JSON array");
      }
    }
  }
  return Status::Ok();
}

void JsonElementReader::SkipSpace(bool commas) {
  for (;;) {
    int c = in_.Peek();
    if (c == '\n') {
      ++line_;
    } else if (c != ' ' && c != '\t' && c != '\r' && !(commas && c == ',')) {
      return;
    }
    in_.Get();
  }
}

StatusOr<bool> JsonElementReader::Next(JsonElement* e, int64_t end) {
  if (done_) return false;
  e->text.clear();
  e->truncated = false;
  if (mode_ == Mode::kLines) {
    for (;;) {
      SkipSpace(false);
      if (in_.Peek() < 0) {
        done_ = true;
        return false;
      }
      if (end >= 0 && in_.offset() >= end) return false;
      e->offset = in_.offset();
      e->line = line_;
      for (;;) {
        size_t n = 0;
        const char* w = in_.Window(&n);
        if (w == nullptr) break;
        const void* nl = std::memchr(w, '\n', n);
        size_t k = nl ? static_cast<size_t>(static_cast<const char*>(nl) - w) : n;
        e->text.append(w, k);
        in_.Skip(k);
        if (nl) {
          in_.Skip(1);
          ++line_;
          break;
        }
      }
      while (!e->text.empty() && (e->text.back() == '\r' || e->text.back() == ' ')) {
        e->text.pop_back();
      }
      if (!e->text.empty()) return true;
    }
  }

  SkipSpace(true);
  int c = in_.Peek();
  if (c < 0) {
    done_ = true;
    return false;
  }
  if (c == ']') {
    in_.Get();
    done_ = true;
    return false;
  }
  if (end >= 0 && in_.offset() >= end) return false;
  e->offset = in_.offset();
  e->line = line_;
  int depth = 0;
  bool in_string = false;
  for (;;) {
    c = in_.Peek();
    if (c < 0) {
      e->truncated = true;
      done_ = true;
      return true;
    }
    if (in_string) {
      in_.Get();
      e->text.push_back(static_cast<char>(c));
      if (c == '\\') {
        int d = in_.Get();
        if (d < 0) continue;
        e->text.push_back(static_cast<char>(d));
      } else if (c == '"') {
        in_string = false;
      } else if (c == '\n') {
        ++line_;
      }
      continue;
    }
    if (depth == 0 && !e->text.empty() && (c == ',' || c == ']')) return true;
    in_.Get();
    if (c == '\n') ++line_;
    e->text.push_back(static_cast<char>(c));
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return true;
    }
  }
}

namespace {

template <typename J>
void Flatten(const J& v, std::string& prefix, std::vector<SourceField>* fields) {
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) {
      size_t len = prefix.size();
      if (!prefix.empty()) prefix.push_back('.');
      prefix += it.key();
      Flatten(it.value(), prefix, fields);
      prefix.resize(len);
    }
  } else if (v.is_array()) {
    for (size_t i = 0; i < v.size(); ++i) {
      size_t len = prefix.size();
      if (!prefix.empty()) prefix.push_back('.');
      prefix += std::to_string(i);
      Flatten(v[i], prefix, fields);
      prefix.resize(len);
    }
  } else if (v.is_null()) {
    fields->push_back({prefix, std::nullopt});
  } else if (v.is_string()) {
    const auto& s = v.template get_ref<const std::string&>();
    fields->push_back({prefix, s.empty() ? std::nullopt : std::optional<std::string>(s)});
  } else {
    fields->push_back({prefix, v.dump()});
  }
}

}  // namespace

void FlattenJson(const Json& value, std::vector<SourceField>* fields) {
  std::string prefix;
  Flatten(value, prefix, fields);
}

void FlattenJson(const nlohmann::ordered_json& value, std::vector<SourceField>* fields) {
  std::string prefix;
  Flatten(value, prefix, fields);
}

}  // namespace bridgework::sources
