// Consent activity per calendar month (UTC): how many consents were given and withdrawn, for
// the console's chart. Counts only (no subject id, no purpose split).
//
// Contract: monthly_counts() returns one entry per month from the month of `from` to the month
// of `to` inclusive (months without events have zeros), oldest first; events at or after the
// start of `from`'s month and before the end of `to`'s month are counted by the UTC month of
// their time. Expired events are not counted (they are not a person's act). The store is read
// in one query grouped by day (at most a few hundred rows). Errors: the store's (kUnavailable),
// kInvalidArgument when `to` is before `from` or the range exceeds 120 months.
// Thread safety: thread safe (a read transaction).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "consent/ledger.h"
#include "core/clock.h"
#include "core/result.h"

namespace charter::consent {

struct MonthCount {
  std::chrono::year_month month;
  std::int64_t given = 0;
  std::int64_t withdrawn = 0;
};

Result<std::vector<MonthCount>> monthly_counts(ConsentLedger& ledger, Timestamp from, Timestamp to);

}  // namespace charter::consent
