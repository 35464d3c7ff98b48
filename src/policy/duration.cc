#include "policy/duration.h"

namespace charter::policy {

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.size() < 3 || text[0] != 'P') return std::nullopt;
  Duration d;
  int order = 0;  // Y=1, M=2, D=3: units must come in this order, once each
  std::size_t i = 1;
  while (i < text.size()) {
    std::size_t start = i;
    long value = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      value = value * 10 + (text[i] - '0');
      if (value > 1000) return std::nullopt;
      ++i;
    }
    if (i == start || i == text.size()) return std::nullopt;
    char unit = text[i++];
    int unit_order = unit == 'Y' ? 1 : unit == 'M' ? 2 : unit == 'D' ? 3 : 0;
    if (unit_order == 0 || unit_order <= order) return std::nullopt;
    order = unit_order;
    (unit == 'Y' ? d.years : unit == 'M' ? d.months : d.days) = static_cast<int>(value);
  }
  return d;
}

}  // namespace charter::policy
