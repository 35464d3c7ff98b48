// A bar chart as inline SVG (no script, no style attribute: classes styled by /assets/style.css,
// so the page CSP needs no 'unsafe-inline'): two bars per month, consents given and withdrawn.
//
// Contract: bar_chart() builds the <svg> from numbers and the month labels given ("2026-11"),
// which are escaped; `title` (escaped) is the accessible name (role="img", <title>). Bars are
// scaled to the largest count (an empty chart when every count is 0). Pure; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace charter::web {

struct ChartMonth {
  std::string label;  // "2026-11"
  std::int64_t given = 0;
  std::int64_t withdrawn = 0;
};

std::string bar_chart(const std::vector<ChartMonth>& months, const std::string& title);

// One bar per month (class "bar-requests"), for a single count such as requests received.
// `id` makes the <title> id unique on a page holding several charts ("requests-chart").
struct ChartCount {
  std::string label;  // "2026-11"
  std::int64_t count = 0;
};
std::string count_chart(const std::vector<ChartCount>& months, const std::string& title,
                        const std::string& id);

// Escapes & < > " ' for HTML text and attributes.
std::string escape_html(std::string_view text);

}  // namespace charter::web
