#include "cli/workflow/report_builder.h"

#include <algorithm>
#include <set>

#include "cli/workflow/text_format.h"

namespace bridgework::cli::workflow {
namespace {

Json CountersJson(const state::ObjectCounters& c) {
  return Json{{"read", c.read},        {"loaded", c.loaded}, {"updated", c.updated},
              {"skipped", c.skipped},  {"failed", c.failed}, {"flagged", c.flagged},
              {"unlinked", c.unlinked}};
}

std::string Bar(int64_t value, int64_t max, const std::string& cls) {
  int width = max > 0 ? static_cast<int>(200.0 * static_cast<double>(value) / max) : 0;
  if (value > 0 && width == 0) width = 1;
  return "<span class=\"bar " + cls + "\" style=\"width:" + std::to_string(width) +
         "px\"></span> " + std::to_string(value);
}

int64_t Int(const Json& j, const char* key) { return j.value(key, int64_t{0}); }

}  // namespace

std::vector<ObjectReconciliation> Reconcile(const ReportInput& in) {
  std::vector<std::string> order = in.object_order;
  std::set<std::string> seen(order.begin(), order.end());
  for (const auto& [o, c] : in.counters) {
    if (!seen.count(o)) order.push_back(o);
  }
  std::vector<ObjectReconciliation> out;
  for (const auto& o : order) {
    ObjectReconciliation r;
    r.object = o;
    auto it = in.counters.find(o);
    if (it != in.counters.end()) r.counters = it->second;
    const auto& c = r.counters;
    r.accounted = c.loaded + c.skipped + c.failed + c.unlinked;
    r.reconciled = r.accounted == c.read;
    out.push_back(std::move(r));
  }
  return out;
}

Json BuildReportJson(const ReportInput& in) {
  Json objects = Json::object();
  Json order = Json::array();
  bool all_reconciled = true;
  for (const auto& r : Reconcile(in)) {
    Json o = CountersJson(r.counters);
    o["accounted"] = r.accounted;
    o["reconciled"] = r.reconciled;
    if (!r.reconciled) {
      all_reconciled = false;
      o["missing"] = r.counters.read - r.accounted;
      auto m = in.missing_ids.find(r.object);
      o["missing_ids"] = m == in.missing_ids.end() ? Json::array() : Json(m->second);
    }
    objects[r.object] = o;
    order.push_back(r.object);
  }
  Json failures = Json::array();
  Json unlinked = Json::array();
  for (const auto& f : in.failures)
    (f.kind == "unlinked" ? unlinked : failures).push_back(f.ToJson());
  Json runs = Json::array();
  Json deltas = Json::array();
  for (const auto& r : in.runs) {
    Json j{{"run_id", r.run_id},
           {"modified_since", r.modified_since},
           {"status", r.status},
           {"loaded", r.loaded},
           {"updated", r.updated},
           {"failed", r.failed},
           {"delta", !r.modified_since.empty()}};
    runs.push_back(j);
    if (!r.modified_since.empty()) deltas.push_back(j);
  }
  Json owners = nullptr;
  if (in.owners) {
    owners = {{"matched", in.owners->value("matched", 0)},
              {"fallback", in.owners->value("fallback", 0)},
              {"unresolved", in.owners->value("unresolved", 0)},
              {"fallback_owner", in.owners->value("fallback_owner", "")},
              {"owners", in.owners->value("owners", Json::array())}};
  }
  Json files = Json::object();
  for (const auto& [f, what] : in.files) files[f] = what;
  return Json{{"migration", in.migration},
              {"run_id", in.run_id},
              {"status", in.status},
              {"modified_since", in.modified_since},
              {"reconciled", all_reconciled},
              {"object_order", order},
              {"objects", objects},
              {"owners", owners},
              {"runs", runs},
              {"deltas", deltas},
              {"failures", failures},
              {"unlinked", unlinked},
              {"fallbacks", in.fallbacks},
              {"audit_entries", in.audit_entries},
              {"files", files}};
}

std::string RenderReportHtml(const Json& r) {
  std::string b;
  b += "<p>Migration <b>" + HtmlEscape(r.value("migration", "")) + "</b>, run <b>" +
       HtmlEscape(r.value("run_id", "")) + "</b> (" + HtmlEscape(r.value("status", "")) + ").";
  if (!r.value("modified_since", "").empty()) {
    b += " Delta run: records modified since " + HtmlEscape(r.value("modified_since", "")) + ".";
  }
  b += r.value("reconciled", false)
           ? " <span class=\"ok\">Every record read is accounted for.</span></p>\n"
           : " <span class=\"bad\">Some records read are not accounted for (see "
             "below).</span></p>\n";

  b += "<h2>Records per object</h2>\n<table><tr><th>object</th><th>read</th><th>loaded</th>"
       "<th>updated</th><th>skipped</th><th>failed</th><th>flagged</th><th>unlinked</th>"
       "<th>reconciled</th></tr>\n";
  const Json& objects = r.value("objects", Json::object());
  int64_t max = 0;
  for (const auto& [o, c] : objects.items()) max = std::max(max, Int(c, "read"));
  for (const auto& name : r.value("object_order", Json::array())) {
    const Json& c = objects[name.get<std::string>()];
    b += "<tr><td>" + HtmlEscape(name.get<std::string>()) + "</td>";
    b += "<td>" + Bar(Int(c, "read"), max, "") + "</td>";
    b += "<td>" + Bar(Int(c, "loaded"), max, "") + "</td>";
    b += "<td class=\"n\">" + std::to_string(Int(c, "updated")) + "</td>";
    b += "<td class=\"n\">" + std::to_string(Int(c, "skipped")) + "</td>";
    b += "<td>" + Bar(Int(c, "failed"), max, "bad") + "</td>";
    b += "<td class=\"n\">" + std::to_string(Int(c, "flagged")) + "</td>";
    b += "<td>" + Bar(Int(c, "unlinked"), max, "warn") + "</td>";
    if (c.value("reconciled", false)) {
      b += "<td class=\"ok\">yes</td>";
    } else {
      std::string ids;
      for (const auto& id : c.value("missing_ids", Json::array())) {
        ids += (ids.empty() ? "" : ", ") + id.get<std::string>();
      }
      b += "<td class=\"bad\">" + std::to_string(Int(c, "missing")) + " missing" +
           (ids.empty() ? "" : ": " + HtmlEscape(ids)) + "</td>";
    }
    b += "</tr>\n";
  }
  b += "</table>\n";

  b += "<h2>Owners</h2>\n";
  const Json& owners = r.value("owners", Json());
  if (owners.is_null()) {
    b += "<p class=\"warn\">`bridgework owners` has not run for this migration.</p>\n";
  } else {
    b += "<p>" + std::to_string(owners.value("matched", 0)) + " matched, " +
         std::to_string(owners.value("fallback", 0)) + " assigned to the fallback owner, " +
         std::to_string(owners.value("unresolved", 0)) + " unresolved.</p>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& o : owners.value("owners", Json::array())) {
      rows.push_back({o.value("object", ""), o.value("source_id", ""), o.value("name", ""),
                      o.value("method", ""),
                      o.value("user_name", "") + " " + o.value("user_id", "")});
    }
    b += HtmlTable({"object", "source id", "name", "match", "destination user"}, rows);
  }

  b += "<h2>Runs and deltas</h2>\n";
  std::vector<std::vector<std::string>> runs;
  for (const auto& x : r.value("runs", Json::array())) {
    runs.push_back(
        {x.value("run_id", ""),
         x.value("delta", false) ? "delta since " + x.value("modified_since", "") : "full",
         x.value("status", ""), std::to_string(Int(x, "loaded")), std::to_string(Int(x, "updated")),
         std::to_string(Int(x, "failed"))});
  }
  b += HtmlTable({"run", "kind", "status", "loaded", "updated", "failed"}, runs);

  for (const char* what : {"failures", "unlinked"}) {
    const Json& list = r.value(what, Json::array());
    b += std::string("<h2>") +
         (std::string(what) == "failures" ? "Failed records" : "Unlinked children") + " (" +
         std::to_string(list.size()) + ")</h2>\n";
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < list.size() && i < 500; ++i) {
      rows.push_back({list[i].value("object", ""), list[i].value("id", ""),
                      list[i].value("field", ""), list[i].value("reason", "")});
    }
    if (!rows.empty()) b += HtmlTable({"object", "id", "field", "reason"}, rows);
    if (list.size() > 500) b += "<p>First 500 shown; failures.csv lists all.</p>\n";
  }
  const Json& fb = r.value("fallbacks", Json::array());
  if (!fb.empty()) {
    b += "<h2>Fallbacks applied</h2>\n<ul>";
    for (const auto& f : fb) b += "<li>" + HtmlEscape(f.get<std::string>()) + "</li>";
    b += "</ul>\n";
  }
  b += "<h2>Files</h2>\n<ul>";
  const Json files = r.value("files", Json::object());
  for (const auto& [f, what] : files.items()) {
    b += "<li><a href=\"" + HtmlEscape(f) + "\">" + HtmlEscape(f) +
         "</a>: " + HtmlEscape(what.get<std::string>()) + "</li>";
  }
  b += "</ul>\n<p>Every file here is readable by its owner only; CSV exports hold patient "
       "data.</p>\n";
  return HtmlPage("Migration report", b);
}

std::string AuditCsv(const std::vector<state::AuditEntry>& entries) {
  std::string out = CsvRow({"entry", "time_ms", "run", "batch", "object", "worker", "created",
                            "updated", "failed", "unlinked"});
  for (const auto& e : entries) {
    out += CsvRow({e.id, std::to_string(e.time_ms), e.run, e.batch, e.object, e.worker,
                   std::to_string(e.created), std::to_string(e.updated), std::to_string(e.failed),
                   std::to_string(e.unlinked)});
  }
  return out;
}

std::string FailuresCsv(const std::vector<state::FailureEntry>& failures) {
  std::string out = CsvRow({"kind", "object", "id", "field", "reason"});
  for (const auto& f : failures) out += CsvRow({f.kind, f.object, f.id, f.field, f.reason});
  return out;
}

std::vector<std::string> MissingIds(const std::vector<std::string>& all_ids,
                                    const std::vector<bool>& accounted) {
  std::vector<std::string> out;
  for (size_t i = 0; i < all_ids.size(); ++i) {
    if (i >= accounted.size() || !accounted[i]) out.push_back(all_ids[i]);
  }
  return out;
}

Json RebuildReferenceJson(const mapping::MapFile& map,
                          const std::map<std::string, std::vector<SourceRecord>>& records) {
  Json objects = Json::array();
  for (const auto& ro : map.rebuild_only) {
    Json recs = Json::array();
    auto it = records.find(ro.object);
    if (it != records.end()) {
      for (const auto& r : it->second) {
        Json fields = Json::object();
        for (const auto& f : r.fields) {
          fields[f.name] = f.value ? Json(*f.value) : Json(nullptr);
        }
        recs.push_back({{"id", r.id}, {"fields", fields}});
      }
    }
    objects.push_back({{"object", ro.object},
                       {"label", ro.label},
                       {"reason", ro.reason},
                       {"count", recs.size()},
                       {"records", recs}});
  }
  return Json{{"pair", map.pair}, {"objects", objects}};
}

std::string RebuildReferenceMarkdown(const Json& ref) {
  std::string md =
      "# Workflow rebuild reference\n\nThese source records do not migrate as data: "
      "rebuild them by hand in the destination (" +
      ref.value("pair", "") + ").\n";
  for (const auto& o : ref.value("objects", Json::array())) {
    md += "\n## " + o.value("label", o.value("object", "")) + " (`" + o.value("object", "") +
          "`, " + std::to_string(o.value("count", 0)) + ")\n\n" + o.value("reason", "") + "\n";
    for (const auto& r : o.value("records", Json::array())) {
      md += "\n### " + r.value("id", "") + "\n\n";
      const Json fields = r.value("fields", Json::object());
      for (const auto& [k, v] : fields.items()) {
        std::string text = v.is_string() ? v.get<std::string>() : (v.is_null() ? "" : v.dump());
        for (auto& c : text) {
          if (c == '\n' || c == '\r') c = ' ';
        }
        md += "- **" + k + "**: " + text + "\n";
      }
    }
  }
  return md;
}

std::string RecordsCsv(const std::vector<SourceRecord>& records,
                       const std::vector<std::string>& columns) {
  std::vector<std::string> cols = columns;
  if (cols.empty()) {
    std::set<std::string> seen;
    for (const auto& r : records) {
      for (const auto& f : r.fields) {
        if (seen.insert(f.name).second) cols.push_back(f.name);
      }
    }
  }
  std::string out = CsvRow(cols);
  for (const auto& r : records) {
    std::vector<std::string> row;
    for (const auto& c : cols) {
      const std::string* v = r.Get(c);
      row.push_back(v ? *v : "");
    }
    out += CsvRow(row);
  }
  return out;
}

}  // namespace bridgework::cli::workflow
