#include "cli/workflow/text_format.h"

#include "common/text.h"

namespace bridgework::cli::workflow {

std::string CsvRow(const std::vector<std::string>& fields) {
  std::string out;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += CsvField(fields[i]);
  }
  return out + "\r\n";
}

std::string HtmlPage(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
         HtmlEscape(title) +
         "</title><style>"
         "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:70em}"
         "table{border-collapse:collapse;margin:1em 0}"
         "th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}"
         "th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}"
         ".bar{display:inline-block;height:.8em;background:#4a7fb5;vertical-align:middle}"
         ".bar.bad{background:#c0392b}.bar.warn{background:#e0a030}"
         ".ok{color:#1e7d32}.bad{color:#c0392b}.warn{color:#a06000}"
         "</style></head><body>\n<h1>" +
         HtmlEscape(title) + "</h1>\n" + body + "\n</body></html>\n";
}

std::string HtmlTable(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows) {
  std::string out = "<table><tr>";
  for (const auto& h : header) out += "<th>" + HtmlEscape(h) + "</th>";
  out += "</tr>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& c : row) out += "<td>" + HtmlEscape(c) + "</td>";
    out += "</tr>\n";
  }
  return out + "</table>\n";
}

}  // namespace bridgework::cli::workflow
