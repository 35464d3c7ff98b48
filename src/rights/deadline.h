// Legal deadlines of data-subject requests (GDPR art. 12(3)), computed by the rule of
// Regulation (EEC, Euratom) No 1182/71 (see docs/DEADLINES.md):
//  - a period in months ends on the day of the last month with the same number as the day of
//    receipt (the day of receipt itself is not counted: art. 3(1) and 3(2)(c));
//  - if that month has no such day, on its last day;
//  - if the last day is a Saturday, Sunday or French public holiday, on the next working day
//    (art. 3(4)).
// The extended deadline is receipt + (deadline + extension) months by the same rule.
// Pure; thread safe.
#pragma once

#include "core/clock.h"
#include "policy/model.h"

namespace charter::rights {

// The last day of a period of `d` from `received` (inclusive: the request is on time if answered
// on or before that day).
Date period_end(Date received, const policy::Duration& d);

struct Deadlines {
  Date due;       // one month
  Date extended;  // three months (1 + 2), if the subject is told within the first month
};

Deadlines deadlines_for(Date received, const policy::Rights& rights);

enum class DeadlineStatus { kOnTime, kDueSoon, kOverdue };
// Due soon: 5 days or fewer left (inclusive of the due day itself); overdue: today > due.
DeadlineStatus deadline_status(Date due, Date today);
const char* to_string(DeadlineStatus s);

}  // namespace charter::rights
