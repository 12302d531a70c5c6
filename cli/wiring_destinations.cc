#include "cli/wiring.h"
#include "connectors/destinations/null/null_destination.h"
#include "connectors/destinations/odoo/odoo_destination.h"
#include "connectors/destinations/twenty/twenty_destination.h"

namespace bridgework::cli {
namespace {

// destination.options of kind twenty (docs/destination-twenty.md): unique_conflict, delete_mode,
// create_first, lookup_chunk, delete_batch_size, page_size, rate_limit {requests, window_ms}.
StatusOr<std::unique_ptr<connectors::DestinationConnector>> MakeTwenty(const DestinationConfig& d) {
  connectors::TwentyOptions o;
  o.base_url = d.url;
  BW_ASSIGN_OR_RETURN(o.api_key, SecretFromEnv(d.api_key_env, "destination.api_key_env"));
  o.verify_tls = d.verify_tls;
  o.ca_file = d.ca_file;
  if (d.batch_size > 0) o.batch_size = d.batch_size;
  o.max_upload_bytes = d.max_attachment_bytes;
  try {
    const bool has_options = d.options.IsDefined() && !d.options.IsNull();
    if (has_options && !d.options.IsMap()) {
      return InvalidArgument("destination.options: not a map");
    }
    for (const auto& kv : has_options ? d.options : YAML::Node(YAML::NodeType::Map)) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "unique_conflict") {
        const std::string rule = v.as<std::string>();
        if (rule == "report") {
          o.unique_conflict = connectors::UniqueConflictRule::kReport;
        } else if (rule == "skip_unique_field") {
          o.unique_conflict = connectors::UniqueConflictRule::kSkipUniqueField;
        } else if (rule == "link_existing") {
          o.unique_conflict = connectors::UniqueConflictRule::kLinkExisting;
        } else {
          return InvalidArgument("destination.options.unique_conflict: " + rule +
                                 " (report | skip_unique_field | link_existing)");
        }
      } else if (key == "delete_mode") {
        const std::string mode = v.as<std::string>();
        if (mode != "hard" && mode != "soft") {
          return InvalidArgument("destination.options.delete_mode: " + mode + " (hard | soft)");
        }
        o.delete_mode =
            mode == "soft" ? connectors::DeleteMode::kSoft : connectors::DeleteMode::kHard;
      } else if (key == "create_first") {
        o.create_first = v.as<bool>();
      } else if (key == "lookup_chunk") {
        o.lookup_chunk = v.as<int>();
      } else if (key == "delete_batch_size") {
        o.delete_batch_size = v.as<int>();
      } else if (key == "page_size") {
        o.page_size = v.as<int>();
      } else if (key == "rate_limit") {
        // In-process until the migration's shared (Redis) limiter is passed in.
        int requests = v["requests"].as<int>();
        int window_ms = v["window_ms"].as<int>();
        if (requests < 1 || window_ms < 1) {
          return InvalidArgument("destination.options.rate_limit: requests and window_ms >= 1");
        }
        o.owned_limiter = std::make_shared<InProcessRateLimiter>(
            requests, std::chrono::milliseconds(window_ms), 1);
      } else {
        return InvalidArgument("destination.options." + key + ": unknown key for twenty");
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("destination.options: ") + e.what());
  }
  if (o.batch_size < 1 || o.lookup_chunk < 1 || o.page_size < 1 || o.delete_batch_size < 1) {
    return InvalidArgument(
        "destination: batch_size, lookup_chunk, delete_batch_size and page_size must be >= 1");
  }
  return connectors::NewTwentyDestination(std::move(o));
}

}  // namespace

StatusOr<std::unique_ptr<connectors::DestinationConnector>> MakeDestination(const Config& config) {
  const auto& d = config.destination;
  if (d.kind == "null") return connectors::NewNullDestination();
  if (d.kind == "odoo") {
    connectors::odoo::OdooOptions o;
    o.url = d.url;
    o.database = d.database;
    o.user = d.user;
    BW_ASSIGN_OR_RETURN(o.password, SecretFromEnv(d.password_env, "destination.password_env"));
    o.verify_tls = d.verify_tls;
    o.ca_file = d.ca_file;
    o.batch.fixed = d.batch_size;
    o.max_attachment_bytes = d.max_attachment_bytes;
    try {
      if (d.options.IsMap()) {
        if (d.options["module"]) o.module = d.options["module"].as<std::string>();
        if (d.options["max_batch"]) o.batch.max = d.options["max_batch"].as<int>();
        if (d.options["initial_batch"]) o.batch.initial = d.options["initial_batch"].as<int>();
      }
    } catch (const YAML::Exception& e) {
      return InvalidArgument(std::string("destination.options: ") + e.what());
    }
    return std::unique_ptr<connectors::DestinationConnector>(
        connectors::odoo::NewOdooDestination(std::move(o)));
  }
  if (d.kind == "twenty") return MakeTwenty(d);
  return InvalidArgument("destination kind " + d.kind + " is not supported yet");
}

}  // namespace bridgework::cli
