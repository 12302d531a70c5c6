#include "cli/run_folder.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

namespace bridgework::cli {
namespace fs = std::filesystem;

StatusOr<RunFolder> RunFolder::Create(const std::string& run_dir, const std::string& run_id) {
  std::error_code ec;
  fs::create_directories(run_dir, ec);
  if (ec) return Unavailable("cannot create run folder " + run_dir + ": " + ec.message());
  fs::path p = fs::path(run_dir) / run_id;
  if (::mkdir(p.c_str(), 0700) != 0 && errno != EEXIST) {
    return Unavailable("cannot create " + p.string());
  }
  ::chmod(p.c_str(), 0700);
  fs::path latest = fs::path(run_dir) / "latest";
  fs::path tmp = fs::path(run_dir) / (".latest." + run_id);
  fs::remove(tmp, ec);
  fs::create_directory_symlink(run_id, tmp, ec);
  if (!ec) fs::rename(tmp, latest, ec);
  RunFolder f;
  f.path_ = p.string();
  f.run_id_ = run_id;
  return f;
}

StatusOr<RunFolder> RunFolder::Open(const std::string& run_dir, const std::string& run_id) {
  fs::path p = fs::path(run_dir) / run_id;
  std::error_code ec;
  fs::path real = fs::canonical(p, ec);
  if (ec || !fs::is_directory(real)) return NotFound("no run " + run_id + " in " + run_dir);
  RunFolder f;
  f.path_ = real.string();
  f.run_id_ = real.filename().string();
  return f;
}

std::string RunFolder::File(const std::string& name) const {
  return (fs::path(path_) / name).string();
}

Status RunFolder::WriteFile(const std::string& name, const std::string& content) const {
  std::string final_path = File(name);
  std::string tmp = final_path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("cannot write " + final_path);
  ::fchmod(fd, 0600);
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n <= 0) {
      ::close(fd);
      return Unavailable("short write to " + final_path);
    }
    off += static_cast<size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) return Unavailable("cannot rename " + tmp);
  return Status::Ok();
}

Status RunFolder::WriteJson(const std::string& name, const Json& value) const {
  return WriteFile(name, value.dump(2) + "\n");
}

Json NewVerbResult(const std::string& verb, const std::string& run_id) {
  return Json{{"verb", verb},
              {"run_id", run_id},
              {"ok", true},
              {"objects", Json::object()},
              {"files", Json::object()}};
}

void Fail(int code, const std::string& reason) {
  std::fprintf(stderr, "bridgework: %s\n", reason.c_str());
  throw VerbExit{code};
}

}  // namespace bridgework::cli
