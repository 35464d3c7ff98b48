#include "rights/monthly.h"

#include <cstdio>
#include <map>

namespace charter::rights {

namespace {
std::string month_text(std::chrono::year_month ym) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ym.year()),
                static_cast<unsigned>(ym.month()));
  return buf;
}
}  // namespace

Result<std::vector<RequestMonth>> monthly_request_counts(RequestQueue& queue,
                                                         std::chrono::year_month first,
                                                         std::chrono::year_month last) {
  if (last < first) return make_error(Errc::kInvalidArgument, "last: before first");
  const auto span = (last - first).count() + 1;
  if (span > 120) return make_error(Errc::kInvalidArgument, "months: at most 120");
  // received_on is "YYYY-MM-DD": its first 7 characters are the month, and text order is date
  // order.
  const std::string from = month_text(first) + "-01";
  const std::string to = month_text(last) + "-32";
  std::map<std::string, std::int64_t> counts;
  {
    CHARTER_TRY(auto tx, queue.store().read());
    CHARTER_TRY(auto rows, tx.query("SELECT substr(received_on, 1, 7) AS m, COUNT(*) FROM "
                                    "rights_requests WHERE received_on >= ? AND received_on < ? "
                                    "GROUP BY substr(received_on, 1, 7)",
                                    {from, to}));
    while (true) {
      CHARTER_TRY(bool more, rows.next());
      if (!more) break;
      CHARTER_TRY(auto m, rows.get_text(0));
      CHARTER_TRY(auto n, rows.get_int(1));
      counts[std::string(m)] = n;
    }
  }
  std::vector<RequestMonth> out;
  for (auto ym = first; ym <= last; ym += std::chrono::months{1}) {
    auto it = counts.find(month_text(ym));
    out.push_back({ym, it == counts.end() ? 0 : it->second});
  }
  return out;
}

}  // namespace charter::rights
