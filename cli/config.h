// The migration config (DESIGN.md section 7): one YAML file per migration. Only cli/ reads it;
// the parts receive option structs. Secrets are never in it: it names environment variables.
// An unknown key fails with its path, so a typo never silently changes a run.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace bridgework::cli {

struct RestSourceConfig {
  std::string url;
  std::string token_env;
  int rate_limit_per_min = 0;  // 0: unlimited
  int max_retries = 8;
  int page_size = 500;
};

struct SyntheticSourceConfig {
  int64_t records = 1000;  // patients; children follow the ratios below
  int appointments_per_patient = 1;
  int notes_per_patient = 1;
  int64_t seed = 1;
};

struct SourceConfig {
  std::string kind;    // sensei-cloud | core-practice | dr-dentes | clinic-place | csv | synthetic
  std::string bundle;  // export bundle folder (resolved against the config's folder)
  std::optional<RestSourceConfig> rest;
  std::optional<SyntheticSourceConfig> synthetic;
  YAML::Node csv;  // kind csv: objects, keys and references (sources/ documents it)
};

struct DestinationConfig {
  std::string kind;  // odoo | twenty | null
  std::string url;
  std::string database;      // odoo
  std::string user;          // odoo
  std::string password_env;  // odoo: password or API key
  std::string api_key_env;   // twenty
  int batch_size = 0;        // 0: the connector's default (adaptive where it can)
  int64_t max_attachment_bytes = 25 * 1024 * 1024;
  bool verify_tls = true;
  std::string ca_file;
  YAML::Node options;  // connector-specific keys under destination.options
};

struct Config {
  std::string path;  // the file it was read from
  std::string dir;   // its folder; relative paths in it resolve against this
  std::string migration;
  SourceConfig source;
  DestinationConfig destination;
  std::string map;  // map file path (resolved)
  std::string run_dir = "./runs";
  std::string redis;  // redis://host:port/db or unix:///path; empty: embedded redis-server
  int workers = 2;
  std::string fallback_owner;
  int batch_size = 500;  // records per staged batch
  int max_attempts = 5;  // a task fails for good after this many attempts
  int lease_seconds = 60;
  // delta reads from the watermark minus this, so a record at the boundary is never skipped.
  int64_t delta_lookback_seconds = 3600;
};

StatusOr<Config> LoadConfig(const std::string& path);
StatusOr<Config> ParseConfig(const std::string& yaml_text, const std::string& dir);

// The value of an environment variable named by the config, or an error naming the variable
// (never its value).
StatusOr<std::string> SecretFromEnv(const std::string& variable, const std::string& what);

}  // namespace bridgework::cli
