#include "web/chart.h"

#include <algorithm>

namespace charter::web {

std::string escape_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string bar_chart(const std::vector<ChartMonth>& months, const std::string& title) {
  constexpr int kWidth = 600, kHeight = 220, kTop = 10, kBottom = 30, kLeft = 10;
  const int plot = kHeight - kTop - kBottom;
  std::int64_t max = 0;
  for (const auto& m : months) max = std::max({max, m.given, m.withdrawn});
  const int n = static_cast<int>(months.size());
  const int slot = n > 0 ? (kWidth - 2 * kLeft) / n : 0;
  const int bar = std::max(2, slot / 3);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    std::to_string(kWidth) + " " + std::to_string(kHeight) +
                    "\" role=\"img\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">" +
                    escape_html(title) + "</title>";
  auto height = [&](std::int64_t v) { return max == 0 ? 0 : static_cast<int>((v * plot) / max); };
  for (int i = 0; i < n; ++i) {
    const ChartMonth& m = months[static_cast<std::size_t>(i)];
    int x = kLeft + i * slot + (slot - 2 * bar) / 2;
    int hg = height(m.given), hw = height(m.withdrawn);
    svg += "<rect class=\"bar-given\" x=\"" + std::to_string(x) + "\" y=\"" +
           std::to_string(kTop + plot - hg) + "\" width=\"" + std::to_string(bar) + "\" height=\"" +
           std::to_string(hg) + "\"><title>" + escape_html(m.label) + ": " +
           std::to_string(m.given) + " +</title></rect>";
    svg += "<rect class=\"bar-withdrawn\" x=\"" + std::to_string(x + bar) + "\" y=\"" +
           std::to_string(kTop + plot - hw) + "\" width=\"" + std::to_string(bar) + "\" height=\"" +
           std::to_string(hw) + "\"><title>" + escape_html(m.label) + ": " +
           std::to_string(m.withdrawn) + " −</title></rect>";
    std::string short_label = m.label.size() >= 7 ? m.label.substr(5, 2) : m.label;
    svg += "<text class=\"chart-label\" x=\"" + std::to_string(x + bar) + "\" y=\"" +
           std::to_string(kHeight - 12) + "\" text-anchor=\"middle\">" + escape_html(short_label) +
           "</text>";
  }
  svg += "<line class=\"axis\" x1=\"" + std::to_string(kLeft) + "\" y1=\"" +
         std::to_string(kTop + plot) + "\" x2=\"" + std::to_string(kWidth - kLeft) + "\" y2=\"" +
         std::to_string(kTop + plot) + "\"/></svg>";
  return svg;
}

std::string count_chart(const std::vector<ChartCount>& months, const std::string& title,
                        const std::string& id) {
  constexpr int kWidth = 600, kHeight = 220, kTop = 10, kBottom = 30, kLeft = 10;
  const int plot = kHeight - kTop - kBottom;
  std::int64_t max = 0;
  for (const auto& m : months) max = std::max(max, m.count);
  const int n = static_cast<int>(months.size());
  const int slot = n > 0 ? (kWidth - 2 * kLeft) / n : 0;
  const int bar = std::max(2, slot / 2);
  const std::string title_id = escape_html(id) + "-title";
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " +
                    std::to_string(kWidth) + " " + std::to_string(kHeight) +
                    "\" role=\"img\" aria-labelledby=\"" + title_id + "\"><title id=\"" + title_id +
                    "\">" + escape_html(title) + "</title>";
  for (int i = 0; i < n; ++i) {
    const ChartCount& m = months[static_cast<std::size_t>(i)];
    const int x = kLeft + i * slot + (slot - bar) / 2;
    const int h = max == 0 ? 0 : static_cast<int>((m.count * plot) / max);
    svg += "<rect class=\"bar-requests\" x=\"" + std::to_string(x) + "\" y=\"" +
           std::to_string(kTop + plot - h) + "\" width=\"" + std::to_string(bar) + "\" height=\"" +
           std::to_string(h) + "\"><title>" + escape_html(m.label) + ": " +
           std::to_string(m.count) + "</title></rect>";
    std::string short_label = m.label.size() >= 7 ? m.label.substr(5, 2) : m.label;
    svg += "<text class=\"chart-label\" x=\"" + std::to_string(x + bar / 2) + "\" y=\"" +
           std::to_string(kHeight - 12) + "\" text-anchor=\"middle\">" + escape_html(short_label) +
           "</text>";
  }
  svg += "<line class=\"axis\" x1=\"" + std::to_string(kLeft) + "\" y1=\"" +
         std::to_string(kTop + plot) + "\" x2=\"" + std::to_string(kWidth - kLeft) + "\" y2=\"" +
         std::to_string(kTop + plot) + "\"/></svg>";
  return svg;
}

}  // namespace charter::web
