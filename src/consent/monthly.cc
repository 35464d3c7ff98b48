#include "consent/monthly.h"

namespace charter::consent {

namespace {

constexpr std::int64_t kMicrosPerDay = 86400LL * 1000 * 1000;

std::chrono::year_month month_of(Timestamp t) {
  Date d = date_of(t);
  return d.year() / d.month();
}

Timestamp start_of_month(std::chrono::year_month ym) { return start_of(ym / std::chrono::day{1}); }

}  // namespace

Result<std::vector<MonthCount>> monthly_counts(ConsentLedger& ledger, Timestamp from,
                                               Timestamp to) {
  if (to < from) return make_error(Errc::kInvalidArgument, "to: before from");
  const auto first = month_of(from), last = month_of(to);
  const int months = (static_cast<int>(last.year()) - static_cast<int>(first.year())) * 12 +
                     (static_cast<int>(static_cast<unsigned>(last.month())) -
                      static_cast<int>(static_cast<unsigned>(first.month()))) +
                     1;
  if (months > 120) return make_error(Errc::kInvalidArgument, "range: at most 120 months");
  std::vector<MonthCount> out;
  for (auto m = first; m <= last; m += std::chrono::months{1}) out.push_back({m, 0, 0});
  const std::int64_t lo = to_unix_micros(start_of_month(first));
  const std::int64_t hi = to_unix_micros(start_of_month(last + std::chrono::months{1}));
  const std::string day = std::to_string(kMicrosPerDay);
  CHARTER_TRY(auto tx, ledger.core().store().read());
  CHARTER_TRY(auto rows,
              tx.query("SELECT kind, at / " + day +
                           ", COUNT(*) FROM consent_events WHERE at >= ? AND at < ? AND kind IN "
                           "('given', 'withdrawn') GROUP BY 1, 2",
                       {lo, hi}));
  while (true) {
    CHARTER_TRY(bool more, rows.next());
    if (!more) break;
    CHARTER_TRY(auto kind, rows.get_text(0));
    CHARTER_TRY(auto d, rows.get_int(1));
    CHARTER_TRY(auto n, rows.get_int(2));
    auto ym = month_of(from_unix_micros(d * kMicrosPerDay));
    for (auto& m : out) {
      if (m.month == ym) {
        (kind == "given" ? m.given : m.withdrawn) += n;
        break;
      }
    }
  }
  return out;
}

}  // namespace charter::consent
