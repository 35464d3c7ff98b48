#include "rights/deadline.h"

#include "rights/holidays_fr.h"

namespace charter::rights {

using namespace std::chrono;

Date period_end(Date received, const policy::Duration& d) {
  year_month_day end = received;
  end += years(d.years);
  end += months(d.months);
  if (!end.ok()) end = year_month_day_last(end.year(), month_day_last(end.month()));
  sys_days day = sys_days(end) + days(d.days);
  while (!is_working_day(Date(day))) day += days(1);
  return Date(day);
}

Deadlines deadlines_for(Date received, const policy::Rights& rights) {
  policy::Duration total = rights.deadline;
  total.years += rights.extension.years;
  total.months += rights.extension.months;
  total.days += rights.extension.days;
  return {period_end(received, rights.deadline), period_end(received, total)};
}

DeadlineStatus deadline_status(Date due, Date today) {
  auto left = (sys_days(due) - sys_days(today)).count();
  if (left < 0) return DeadlineStatus::kOverdue;
  if (left <= 5) return DeadlineStatus::kDueSoon;
  return DeadlineStatus::kOnTime;
}

const char* to_string(DeadlineStatus s) {
  switch (s) {
    case DeadlineStatus::kOnTime:
      return "on_time";
    case DeadlineStatus::kDueSoon:
      return "due_soon";
    case DeadlineStatus::kOverdue:
      return "overdue";
  }
  return "?";
}

}  // namespace charter::rights
