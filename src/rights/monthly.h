// Data-subject requests per calendar month of receipt, for the console's chart. Counts only (no
// request id, no address).
//
// Contract: monthly_request_counts() returns one entry per month from `first` to `last`
// inclusive (months without requests have 0), oldest first; a request counts in the month of its
// receipt date (the real receipt date the DPO recorded, else the day it arrived). Read in one
// query grouped by month. Errors: the store's; kInvalidArgument when `last` is before `first`
// or the range exceeds 120 months. Thread safety: thread safe (a read transaction).
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "core/result.h"
#include "rights/queue.h"

namespace charter::rights {

struct RequestMonth {
  std::chrono::year_month month;
  std::int64_t received = 0;
};

Result<std::vector<RequestMonth>> monthly_request_counts(RequestQueue& queue,
                                                         std::chrono::year_month first,
                                                         std::chrono::year_month last);

}  // namespace charter::rights
