// Small writers shared by the workflow reports: HTML escaping, CSV fields and a plain HTML page
// with inline CSS (no external assets). Pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/text.h"

namespace bridgework::cli::workflow {

using ::bridgework::CsvField;    // common/text.h
using ::bridgework::HtmlEscape;  // common/text.h
std::string CsvRow(const std::vector<std::string>& fields);
// A complete HTML document with the shared inline style.
std::string HtmlPage(const std::string& title, const std::string& body);
// <table> with a header row; cells are escaped.
std::string HtmlTable(const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows);

}  // namespace bridgework::cli::workflow
