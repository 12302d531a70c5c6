#include "cli/config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace bridgework::cli {
namespace {

namespace fs = std::filesystem;

// Fails when `node` (a map) has a key outside `allowed`, naming its path.
Status CheckKeys(const YAML::Node& node, const std::string& path,
                 const std::set<std::string>& allowed) {
  if (!node.IsMap()) return InvalidArgument("config: " + path + " must be a mapping");
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    if (!allowed.count(key)) {
      return InvalidArgument("config: unknown key " + (path.empty() ? key : path + "." + key));
    }
  }
  return Status::Ok();
}

template <typename T>
Status Read(const YAML::Node& node, const char* key, const std::string& path, T* out) {
  if (!node[key]) return Status::Ok();
  try {
    *out = node[key].as<T>();
  } catch (const YAML::Exception&) {
    return InvalidArgument("config: " + path + key + " has the wrong type");
  }
  return Status::Ok();
}

std::string Resolve(const std::string& dir, const std::string& p) {
  if (p.empty() || fs::path(p).is_absolute()) return p;
  return (fs::path(dir) / p).lexically_normal().string();
}

}  // namespace

StatusOr<Config> ParseConfig(const std::string& yaml_text, const std::string& dir) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("config: not valid YAML: ") + e.what());
  }
  Config c;
  c.dir = dir;
  BW_RETURN_IF_ERROR(CheckKeys(
      root, "",
      {"migration", "source", "destination", "map", "run_dir", "redis", "workers", "fallback_owner",
       "batch_size", "max_attempts", "lease_seconds", "delta_lookback_seconds"}));
  BW_RETURN_IF_ERROR(Read(root, "migration", "", &c.migration));
  if (c.migration.empty()) return InvalidArgument("config: migration is required");
  for (char ch : c.migration) {
    if (!isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') {
      return InvalidArgument("config: migration may hold only letters, digits, '-' and '_'");
    }
  }
  BW_RETURN_IF_ERROR(Read(root, "map", "", &c.map));
  BW_RETURN_IF_ERROR(Read(root, "run_dir", "", &c.run_dir));
  BW_RETURN_IF_ERROR(Read(root, "redis", "", &c.redis));
  BW_RETURN_IF_ERROR(Read(root, "workers", "", &c.workers));
  BW_RETURN_IF_ERROR(Read(root, "fallback_owner", "", &c.fallback_owner));
  BW_RETURN_IF_ERROR(Read(root, "batch_size", "", &c.batch_size));
  BW_RETURN_IF_ERROR(Read(root, "max_attempts", "", &c.max_attempts));
  BW_RETURN_IF_ERROR(Read(root, "lease_seconds", "", &c.lease_seconds));
  BW_RETURN_IF_ERROR(Read(root, "delta_lookback_seconds", "", &c.delta_lookback_seconds));
  if (c.workers < 1 || c.workers > 256) return InvalidArgument("config: workers must be 1..256");
  if (c.batch_size < 1 || c.batch_size > 100000) {
    return InvalidArgument("config: batch_size must be 1..100000");
  }
  if (c.max_attempts < 1) return InvalidArgument("config: max_attempts must be at least 1");
  if (c.lease_seconds < 1) return InvalidArgument("config: lease_seconds must be at least 1");
  if (c.delta_lookback_seconds < 0) {
    return InvalidArgument("config: delta_lookback_seconds must not be negative");
  }
  c.map = Resolve(dir, c.map);
  c.run_dir = Resolve(dir, c.run_dir);

  const YAML::Node src = root["source"];
  if (!src) return InvalidArgument("config: source is required");
  BW_RETURN_IF_ERROR(CheckKeys(src, "source", {"kind", "bundle", "rest", "synthetic", "csv"}));
  BW_RETURN_IF_ERROR(Read(src, "kind", "source.", &c.source.kind));
  BW_RETURN_IF_ERROR(Read(src, "bundle", "source.", &c.source.bundle));
  c.source.bundle = Resolve(dir, c.source.bundle);
  if (c.source.kind.empty()) return InvalidArgument("config: source.kind is required");
  if (src["rest"]) {
    RestSourceConfig r;
    BW_RETURN_IF_ERROR(
        CheckKeys(src["rest"], "source.rest",
                  {"url", "token_env", "rate_limit_per_min", "max_retries", "page_size"}));
    BW_RETURN_IF_ERROR(Read(src["rest"], "url", "source.rest.", &r.url));
    BW_RETURN_IF_ERROR(Read(src["rest"], "token_env", "source.rest.", &r.token_env));
    BW_RETURN_IF_ERROR(
        Read(src["rest"], "rate_limit_per_min", "source.rest.", &r.rate_limit_per_min));
    BW_RETURN_IF_ERROR(Read(src["rest"], "max_retries", "source.rest.", &r.max_retries));
    BW_RETURN_IF_ERROR(Read(src["rest"], "page_size", "source.rest.", &r.page_size));
    if (r.url.empty()) return InvalidArgument("config: source.rest.url is required");
    c.source.rest = r;
  }
  if (src["synthetic"]) {
    SyntheticSourceConfig s;
    BW_RETURN_IF_ERROR(
        CheckKeys(src["synthetic"], "source.synthetic",
                  {"records", "appointments_per_patient", "notes_per_patient", "seed"}));
    BW_RETURN_IF_ERROR(Read(src["synthetic"], "records", "source.synthetic.", &s.records));
    BW_RETURN_IF_ERROR(Read(src["synthetic"], "appointments_per_patient", "source.synthetic.",
                            &s.appointments_per_patient));
    BW_RETURN_IF_ERROR(
        Read(src["synthetic"], "notes_per_patient", "source.synthetic.", &s.notes_per_patient));
    BW_RETURN_IF_ERROR(Read(src["synthetic"], "seed", "source.synthetic.", &s.seed));
    c.source.synthetic = s;
  }
  if (src["csv"]) c.source.csv = src["csv"];
  if (c.source.kind != "synthetic" && c.source.bundle.empty() && !c.source.rest) {
    return InvalidArgument("config: source needs bundle or rest");
  }

  const YAML::Node dst = root["destination"];
  if (!dst) return InvalidArgument("config: destination is required");
  BW_RETURN_IF_ERROR(
      CheckKeys(dst, "destination",
                {"kind", "url", "database", "user", "password_env", "api_key_env", "batch_size",
                 "max_attachment_bytes", "verify_tls", "ca_file", "options"}));
  auto& d = c.destination;
  BW_RETURN_IF_ERROR(Read(dst, "kind", "destination.", &d.kind));
  BW_RETURN_IF_ERROR(Read(dst, "url", "destination.", &d.url));
  BW_RETURN_IF_ERROR(Read(dst, "database", "destination.", &d.database));
  BW_RETURN_IF_ERROR(Read(dst, "user", "destination.", &d.user));
  BW_RETURN_IF_ERROR(Read(dst, "password_env", "destination.", &d.password_env));
  BW_RETURN_IF_ERROR(Read(dst, "api_key_env", "destination.", &d.api_key_env));
  BW_RETURN_IF_ERROR(Read(dst, "batch_size", "destination.", &d.batch_size));
  BW_RETURN_IF_ERROR(Read(dst, "max_attachment_bytes", "destination.", &d.max_attachment_bytes));
  BW_RETURN_IF_ERROR(Read(dst, "verify_tls", "destination.", &d.verify_tls));
  BW_RETURN_IF_ERROR(Read(dst, "ca_file", "destination.", &d.ca_file));
  if (dst["options"]) d.options = dst["options"];
  if (d.kind != "odoo" && d.kind != "twenty" && d.kind != "null") {
    return InvalidArgument("config: destination.kind must be odoo, twenty or null");
  }
  if (d.kind == "odoo" &&
      (d.url.empty() || d.database.empty() || d.user.empty() || d.password_env.empty())) {
    return InvalidArgument("config: odoo needs destination.url, database, user and password_env");
  }
  if (d.kind == "twenty" && (d.url.empty() || d.api_key_env.empty())) {
    return InvalidArgument("config: twenty needs destination.url and api_key_env");
  }
  return c;
}

StatusOr<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("config: cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string dir = fs::absolute(fs::path(path)).parent_path().string();
  auto c = ParseConfig(ss.str(), dir);
  if (c.ok()) c->path = path;
  return c;
}

StatusOr<std::string> SecretFromEnv(const std::string& variable, const std::string& what) {
  if (variable.empty()) return InvalidArgument(what + ": no environment variable named");
  const char* v = std::getenv(variable.c_str());
  if (v == nullptr || *v == '\0') {
    return FailedPrecondition(what + ": environment variable " + variable + " is not set");
  }
  return std::string(v);
}

}  // namespace bridgework::cli
