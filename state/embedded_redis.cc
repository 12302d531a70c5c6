#include "state/embedded_redis.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>
#include <vector>

#include "common/ids.h"
#include "common/logging.h"
#include "state/redis_client.h"

namespace bridgework::state {
namespace {

namespace fs = std::filesystem;
constexpr size_t kMaxSocketPath = 100;  // sun_path holds 108 bytes with the NUL; keep a margin

bool Answers(const std::string& socket) {
  RedisAddress a;
  a.unix_path = socket;
  RedisClient c(a, std::chrono::milliseconds(500));
  return c.Command({"PING"}).ok();
}

}  // namespace

StatusOr<std::unique_ptr<EmbeddedRedis>> EmbeddedRedis::Start(const EmbeddedRedisOptions& o) {
  std::error_code ec;
  fs::create_directories(o.dir, ec);
  if (ec) return Unavailable("embedded redis: cannot create " + o.dir + ": " + ec.message());
  ::chmod(o.dir.c_str(), 0700);
  const std::string dir = fs::absolute(o.dir).lexically_normal().string();
  std::string socket = dir + "/redis.sock";
  if (socket.size() > kMaxSocketPath) {
    std::string short_path = "/tmp/bw-redis-" + Sha256Hex(dir).substr(0, 16) + ".sock";
    fs::remove(socket, ec);
    fs::create_symlink(short_path, socket, ec);
    socket = short_path;
  }
  if (Answers(socket)) {
    Logger("state")->info("embedded redis: reusing the server already on {}", socket);
    return std::unique_ptr<EmbeddedRedis>(new EmbeddedRedis(socket, -1));
  }
  if (fs::is_socket(socket, ec)) fs::remove(socket, ec);  // left by a server that died

  std::vector<std::string> args = {o.redis_server,
                                   "--port",
                                   "0",
                                   "--unixsocket",
                                   socket,
                                   "--unixsocketperm",
                                   "700",
                                   "--dir",
                                   dir,
                                   "--appendonly",
                                   "yes",
                                   "--appendfsync",
                                   "everysec",
                                   "--save",
                                   "",
                                   "--daemonize",
                                   "no",
                                   "--logfile",
                                   dir + "/redis.log"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) return Unavailable("embedded redis: fork failed");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the verb that started it
    if (::getppid() != parent) ::_exit(1);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  std::unique_ptr<EmbeddedRedis> r(new EmbeddedRedis(socket, pid));
  auto until = std::chrono::steady_clock::now() + o.start_deadline;
  while (!Answers(socket)) {
    int st = 0;
    if (::waitpid(pid, &st, WNOHANG) == pid) {
      r->pid_ = -1;
      return Unavailable("embedded redis: redis-server exited at start (see " + dir +
                         "/redis.log)");
    }
    if (std::chrono::steady_clock::now() > until) {
      return Unavailable("embedded redis: redis-server did not answer on " + socket);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  Logger("state")->info("embedded redis: started on {} (data in {})", socket, dir);
  return r;
}

EmbeddedRedis::~EmbeddedRedis() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);  // redis-server flushes the AOF and exits
  int st = 0;
  for (int i = 0; i < 300; ++i) {
    if (::waitpid(pid_, &st, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &st, 0);
}

}  // namespace bridgework::state
