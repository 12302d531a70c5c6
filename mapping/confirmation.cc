#include "mapping/confirmation.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "common/ids.h"
#include "common/record.h"
#include "mapping/mapper.h"

namespace bridgework::mapping {
namespace {

StatusOr<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status WritePrivate(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return Unavailable("cannot write " + tmp);
  ::chmod(tmp.c_str(), 0600);
  bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Unavailable("cannot write " + path);
  }
  return Status::Ok();
}

}  // namespace

std::string ConfirmationPath(const std::string& map_path) { return map_path + ".confirmed.json"; }

StatusOr<Confirmation> ConfirmMap(const std::string& map_path, const std::string& by,
                                  const std::string& at) {
  if (by.empty()) return InvalidArgument("map confirm needs the name of the person (--by)");
  BW_ASSIGN_OR_RETURN(std::string bytes, ReadAll(map_path));
  StatusOr<MapFile> map = ParseMapFile(bytes);
  if (!map.ok()) return map.status().Annotate("cannot confirm " + map_path);
  Confirmation c{map_path, Sha256Hex(bytes), by, at};
  Json j = {{"map", map_path},
            {"content_hash", c.content_hash},
            {"confirmed_by", by},
            {"confirmed_at", at},
            {"pair", map->pair}};
  BW_RETURN_IF_ERROR(WritePrivate(ConfirmationPath(map_path), j.dump(2) + "\n"));
  return c;
}

StatusOr<Confirmation> ReadConfirmation(const std::string& map_path) {
  StatusOr<std::string> text = ReadAll(ConfirmationPath(map_path));
  if (!text.ok()) return NotFound("map " + map_path + " has no confirmation");
  Json j = Json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("content_hash")) {
    return DataLoss("confirmation file " + ConfirmationPath(map_path) + " is unreadable");
  }
  return Confirmation{map_path, j.value("content_hash", ""), j.value("confirmed_by", ""),
                      j.value("confirmed_at", "")};
}

Status CheckConfirmed(const std::string& map_path) {
  StatusOr<std::string> bytes = ReadAll(map_path);
  if (!bytes.ok()) return bytes.status();
  StatusOr<Confirmation> c = ReadConfirmation(map_path);
  if (!c.ok()) {
    if (c.status().code() == StatusCode::kNotFound) {
      return FailedPrecondition("map " + map_path +
                                " is not confirmed: review it, then run `bridgework map confirm "
                                "--config FILE --by NAME`");
    }
    return FailedPrecondition(c.status().message());
  }
  std::string hash = Sha256Hex(*bytes);
  if (hash != c->content_hash) {
    return FailedPrecondition("map " + map_path + " changed since it was confirmed by " + c->by +
                              " at " + c->at + " (hash " + hash.substr(0, 12) + " now, " +
                              c->content_hash.substr(0, 12) +
                              " confirmed): confirm it again before writing");
  }
  return Status::Ok();
}

}  // namespace bridgework::mapping
