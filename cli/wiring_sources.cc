#include "cli/wiring.h"
#include "cli/wiring_csv.h"
#include "connectors/sources/bundle/bundle_source.h"
#include "connectors/sources/profiles/profile.h"
#include "connectors/sources/synthetic/synthetic_source.h"

namespace bridgework::cli {
namespace {

Status CheckKeys(const YAML::Node& node, const std::string& path,
                 std::initializer_list<const char*> allowed) {
  if (!node.IsMap()) return InvalidArgument("config: " + path + " must be a mapping");
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    bool ok = false;
    for (const char* a : allowed) ok |= key == a;
    if (!ok) return InvalidArgument("config: unknown key " + path + "." + key);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<sources::CsvSourceOptions> CsvOptionsFromConfig(const Config& config) {
  sources::CsvSourceOptions o;
  o.dir = config.source.bundle;
  const YAML::Node& csv = config.source.csv;
  if (!csv || csv.IsNull()) return o;
  try {
    BW_RETURN_IF_ERROR(CheckKeys(
        csv, "source.csv", {"delimiter", "encoding", "date_format", "datetime_format", "objects"}));
    if (csv["delimiter"]) {
      std::string d = csv["delimiter"].as<std::string>();
      if (d == "\\t" || d == "tab") d = "\t";
      if (d.size() != 1) return InvalidArgument("config: source.csv.delimiter: one character");
      o.delimiter = d[0];
    }
    if (csv["encoding"]) {
      auto e = sources::ParseEncoding(csv["encoding"].as<std::string>());
      if (!e.ok()) return InvalidArgument("config: source.csv.encoding: " + e.status().message());
      o.encoding = *e;
    }
    if (csv["date_format"]) o.date_format = csv["date_format"].as<std::string>();
    if (csv["datetime_format"]) o.datetime_format = csv["datetime_format"].as<std::string>();
    if (const YAML::Node objects = csv["objects"]) {
      if (!objects.IsMap()) return InvalidArgument("config: source.csv.objects must be a mapping");
      for (const auto& kv : objects) {
        sources::CsvObjectConfig oc;
        oc.name = kv.first.as<std::string>();
        const YAML::Node& n = kv.second;
        std::string path = "source.csv.objects." + oc.name;
        if (n && !n.IsNull()) {
          BW_RETURN_IF_ERROR(CheckKeys(
              n, path, {"file", "primary_key", "modified_at", "references", "attachment_fields"}));
          if (n["file"]) oc.file = n["file"].as<std::string>();
          if (n["primary_key"]) oc.primary_key = n["primary_key"].as<std::string>();
          if (n["modified_at"]) oc.modified_at = n["modified_at"].as<std::string>();
          if (const YAML::Node refs = n["references"]) {
            if (!refs.IsMap())
              return InvalidArgument("config: " + path + ".references: field: object");
            oc.references_given = true;
            for (const auto& r : refs) {
              oc.references.push_back({r.first.as<std::string>(), r.second.as<std::string>()});
            }
          }
          if (n["attachment_fields"]) {
            oc.attachments_given = true;
            oc.attachment_fields = n["attachment_fields"].as<std::vector<std::string>>();
          }
        }
        o.objects.push_back(oc);
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string("config: source.csv: ") + e.what());
  }
  return o;
}

StatusOr<std::unique_ptr<connectors::SourceConnector>> MakeSource(const Config& config,
                                                                  RateLimiter* limiter) {
  const auto& s = config.source;
  // REST sources (any vendor kind with source.rest): the REST engineer's wiring.
  if (s.rest) return MakeRestSource(config, limiter);  // cli/wiring_rest_source.cc
  if (s.kind == "synthetic") {
    connectors::SyntheticSourceOptions o;
    if (s.synthetic) {
      o.patients = s.synthetic->records;
      o.appointments_per_patient = s.synthetic->appointments_per_patient;
      o.notes_per_patient = s.synthetic->notes_per_patient;
      o.seed = s.synthetic->seed;
    }
    return connectors::NewSyntheticSource(o);
  }
  // The generic csv kind: a folder of CSV files, keys from config.source.csv or inferred.
  if (s.kind == "csv") {
    BW_ASSIGN_OR_RETURN(auto options, CsvOptionsFromConfig(config));
    BW_ASSIGN_OR_RETURN(auto built, sources::BuildCsvProfile(options));
    return sources::NewBundleSource(std::move(built.profile),
                                    sources::BundleSourceOptions{s.bundle});
  }
  // Export bundles of the vendors with a shipped profile (connectors/sources/profiles/).
  auto profile = sources::BuiltinProfile(s.kind);
  if (profile.ok()) {
    if (s.bundle.empty()) return InvalidArgument("config: source.bundle is required for " + s.kind);
    return sources::NewBundleSource(std::move(*profile), sources::BundleSourceOptions{s.bundle});
  }
  return InvalidArgument("source kind " + s.kind + " is not supported");
}

}  // namespace bridgework::cli
