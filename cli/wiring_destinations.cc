#include "cli/wiring.h"
#include "connectors/destinations/null/null_destination.h"
#include "connectors/destinations/odoo/odoo_destination.h"

namespace bridgework::cli {

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
  return InvalidArgument("destination kind " + d.kind + " is not supported yet");
}

}  // namespace bridgework::cli
