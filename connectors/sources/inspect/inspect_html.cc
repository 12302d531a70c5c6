// The person-readable scope page: the same figures as inspect.json, field names and counts only.
#include <fmt/format.h>

#include "common/text.h"
#include "connectors/sources/inspect/inspector.h"

namespace bridgework::sources {
namespace {

std::string Str(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "";
  return j.dump();
}

}  // namespace

std::string RenderInspectHtml(const Json& scope) {
  std::string h;
  h += "<!doctype html><html><head><meta charset=\"utf-8\"><title>Bridgework scope</title>";
  h += "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:"
       "1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#eee}"
       ".warn{color:#a40}</style></head><body>";
  h += fmt::format("<h1>Scope of source <code>{}</code></h1>",
                   HtmlEscape(Str(scope["source"]["kind"])));
  const Json& objects = scope["objects"];
  h += "<h2>Objects</h2><table><tr><th>object</th><th>records</th><th>row errors</th>"
       "<th>fields</th><th>invalid values</th><th>dangling references</th></tr>";
  for (auto it = objects.begin(); it != objects.end(); ++it) {
    int64_t invalid = 0, dangling = 0;
    for (const auto& v : it.value()["invalid_values"]) invalid += v["count"].get<int64_t>();
    for (const auto& v : it.value()["dangling_references"]) dangling += v["count"].get<int64_t>();
    h += fmt::format(
        "<tr><td><a href=\"#o-{0}\">{0}</a></td><td>{1}</td><td class=\"{2}\">{3}</td><td>{4}"
        "</td><td>{5}</td><td>{6}</td></tr>",
        HtmlEscape(it.key()), Str(it.value()["records"]),
        it.value()["row_errors"].get<int64_t>() ? "warn" : "", Str(it.value()["row_errors"]),
        it.value()["fields"].size(), invalid, dangling);
  }
  h += "</table>";

  const Json& dup = scope["duplicates"];
  h += fmt::format(
      "<h2>Duplicate patients</h2><p>{} groups ({} records) in <code>{}</code>, "
      "matched on {}. Record ids are in inspect.json.</p>",
      Str(dup["group_count"]), Str(dup["records"]), HtmlEscape(Str(dup["object"])),
      HtmlEscape(Str(dup.value("key", Json("")))));
  const Json& att = scope["attachments"];
  h += fmt::format(
      "<h2>Attachments</h2><p>{} attachments, {} bytes; {} over the destination "
      "limit of {} bytes.</p>",
      Str(att["count"]), Str(att["bytes"]), Str(att["over_limit_count"]), Str(att["limit_bytes"]));
  h += "<h2>Custom properties</h2><table><tr><th>object</th><th>field</th><th>filled</th></tr>";
  for (auto it = scope["custom_properties"].begin(); it != scope["custom_properties"].end(); ++it) {
    for (const auto& f : it.value()) {
      h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", HtmlEscape(it.key()),
                       HtmlEscape(Str(f["field"])), Str(f["filled"]));
    }
  }
  h += "</table>";
  if (scope.contains("csv_inference")) {
    h += "<h2>Keys and references to confirm (csv)</h2><table><tr><th>object</th><th>primary "
         "key</th><th>modified at</th><th>references</th></tr>";
    for (auto it = scope["csv_inference"].begin(); it != scope["csv_inference"].end(); ++it) {
      std::string refs;
      for (const auto& r : it.value()["references"]) {
        refs += HtmlEscape(Str(r["field"])) + " &rarr; " + HtmlEscape(Str(r["object"])) +
                (r.value("inferred", false) ? " (inferred)" : "") + "<br>";
      }
      const Json& pk = it.value()["primary_key"];
      const Json& mod = it.value()["modified_at"];
      h += fmt::format(
          "<tr><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td></tr>", HtmlEscape(it.key()),
          HtmlEscape(Str(pk["field"])),
          pk.value("inferred", false) ? "(inferred: " + HtmlEscape(Str(pk["why"])) + ")" : "",
          mod.is_null() ? "none" : HtmlEscape(Str(mod["field"])), refs);
    }
    h += "</table>";
  }
  for (auto it = objects.begin(); it != objects.end(); ++it) {
    h += fmt::format(
        "<h3 id=\"o-{0}\">{0}</h3><table><tr><th>field</th><th>fill rate</th>"
        "<th>declared</th><th>detected</th><th>invalid</th></tr>",
        HtmlEscape(it.key()));
    for (auto f = it.value()["fields"].begin(); f != it.value()["fields"].end(); ++f) {
      h += fmt::format(
          "<tr><td>{}{}</td><td>{:.1f}%</td><td>{}</td><td>{}</td><td class=\"{}\">"
          "{}</td></tr>",
          HtmlEscape(f.key()), f.value()["custom"].get<bool>() ? " (custom)" : "",
          f.value()["fill_rate"].get<double>() * 100, HtmlEscape(Str(f.value()["declared_type"])),
          HtmlEscape(Str(f.value()["detected_type"])),
          f.value()["invalid"].get<int64_t>() ? "warn" : "", Str(f.value()["invalid"]));
    }
    h += "</table>";
  }
  h += "</body></html>\n";
  return h;
}

}  // namespace bridgework::sources
