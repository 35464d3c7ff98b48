#include "rights/deadline.h"

#include <gtest/gtest.h>

#include "rights/holidays_fr.h"

namespace charter::rights {
namespace {

Date d(const char* s) { return *parse_date(s); }

policy::Rights gdpr() {
  policy::Rights r;
  r.deadline = {0, 1, 0};
  r.extension = {0, 2, 0};
  return r;
}

TEST(Holidays, EasterAndMovableFeasts) {
  EXPECT_EQ(format_date(easter_sunday(2024)), "2024-03-31");
  EXPECT_EQ(format_date(easter_sunday(2025)), "2025-04-20");
  EXPECT_EQ(format_date(easter_sunday(2026)), "2026-04-05");
  EXPECT_EQ(format_date(easter_sunday(2027)), "2027-03-28");
  EXPECT_EQ(format_date(easter_sunday(2038)), "2038-04-25");
  EXPECT_TRUE(is_french_public_holiday(d("2025-04-21")));   // Easter Monday
  EXPECT_TRUE(is_french_public_holiday(d("2025-05-29")));   // Ascension
  EXPECT_TRUE(is_french_public_holiday(d("2025-06-09")));   // Whit Monday
  EXPECT_FALSE(is_french_public_holiday(d("2024-03-29")));  // Good Friday: Alsace-Moselle only
  EXPECT_FALSE(is_french_public_holiday(d("2025-12-26")));  // St Stephen: Alsace-Moselle only
  EXPECT_TRUE(is_weekend(d("2025-11-29")));
  EXPECT_FALSE(is_weekend(d("2025-11-27")));
}

struct Case {
  const char* received;
  const char* due;
  const char* why;
};

// Each expected date worked out by hand from the rule in docs/DEADLINES.md.
const Case kCases[] = {
    {"2025-01-15", "2025-02-17", "15 Feb is a Saturday -> Monday"},
    {"2025-01-31", "2025-02-28", "31 Jan: shorter month ends on 28 Feb (Friday)"},
    {"2024-01-31", "2024-02-29", "leap year: 29 Feb (Thursday)"},
    {"2028-01-31", "2028-02-29", "leap year 2028: 29 Feb (Tuesday)"},
    {"2023-01-31", "2023-02-28", "non-leap: 28 Feb (Tuesday)"},
    {"2026-01-31", "2026-03-02", "28 Feb 2026 is a Saturday -> Monday 2 March"},
    {"2025-03-31", "2025-04-30", "31 Mar: April has 30 days"},
    {"2025-04-30", "2025-05-30", "30 April -> 30 May (Friday)"},
    {"2025-05-31", "2025-06-30", "31 May -> 30 June (Monday)"},
    {"2025-08-30", "2025-09-30", "30 Aug -> 30 Sep (Tuesday)"},
    {"2025-04-01", "2025-05-02", "1 May is a holiday -> Friday 2 May"},
    {"2025-04-08", "2025-05-09", "8 May is a holiday -> Friday 9 May"},
    {"2026-04-08", "2026-05-11", "8 May 2026 is a Friday holiday, then the week-end"},
    {"2025-04-29", "2025-05-30", "29 May 2025 is Ascension -> Friday"},
    {"2026-04-14", "2026-05-15", "14 May 2026 is Ascension -> Friday"},
    {"2025-05-09", "2025-06-10", "9 June 2025 is Whit Monday -> Tuesday"},
    {"2025-03-21", "2025-04-22", "21 April 2025 is Easter Monday -> Tuesday"},
    {"2024-03-01", "2024-04-02", "1 April 2024 is Easter Monday -> Tuesday"},
    {"2026-03-06", "2026-04-07", "6 April 2026 is Easter Monday -> Tuesday"},
    {"2027-02-28", "2027-03-30", "28 Mar 2027 is Easter Sunday, 29 Easter Monday -> Tuesday"},
    {"2024-02-29", "2024-03-29", "Good Friday is a working day in the Nord"},
    {"2025-06-14", "2025-07-15", "14 July is a holiday -> Tuesday"},
    {"2025-07-15", "2025-08-18", "15 Aug (Friday) holiday, then the week-end"},
    {"2025-10-01", "2025-11-03", "1 Nov is a Saturday and a holiday -> Monday"},
    {"2025-10-11", "2025-11-12", "11 Nov is a holiday -> Wednesday"},
    {"2025-11-25", "2025-12-26", "25 Dec is a holiday -> Friday 26 (not a holiday in the Nord)"},
    {"2025-12-01", "2026-01-02", "1 Jan is a holiday -> Friday 2 Jan"},
    {"2024-12-31", "2025-01-31", "31 Dec -> 31 Jan (Friday)"},
    {"2025-11-27", "2025-12-29", "27 Dec is a Saturday -> Monday 29"},
    {"2025-12-20", "2026-01-20", "plain case across the year end"},
    {"2025-06-08", "2025-07-08", "plain case"},
};

TEST(Deadline, OneMonthByRegulation1182_71) {
  for (const Case& c : kCases) {
    EXPECT_EQ(format_date(deadlines_for(d(c.received), gdpr()).due), c.due)
        << c.received << ": " << c.why;
  }
  EXPECT_GE(sizeof(kCases) / sizeof(kCases[0]), 30u);
}

TEST(Deadline, ExtendedIsThreeMonthsFromReceipt) {
  EXPECT_EQ(format_date(deadlines_for(d("2025-01-15"), gdpr()).extended), "2025-04-15");
  EXPECT_EQ(format_date(deadlines_for(d("2025-01-31"), gdpr()).extended), "2025-04-30");
  EXPECT_EQ(format_date(deadlines_for(d("2024-01-31"), gdpr()).extended), "2024-04-30");
  EXPECT_EQ(format_date(deadlines_for(d("2025-03-31"), gdpr()).extended), "2025-06-30");
  EXPECT_EQ(format_date(deadlines_for(d("2025-11-27"), gdpr()).extended), "2026-02-27");
  EXPECT_EQ(format_date(deadlines_for(d("2025-02-08"), gdpr()).extended), "2025-05-09");
}

TEST(Deadline, Status) {
  Date due = d("2025-03-10");
  EXPECT_EQ(deadline_status(due, d("2025-03-01")), DeadlineStatus::kOnTime);
  EXPECT_EQ(deadline_status(due, d("2025-03-04")), DeadlineStatus::kOnTime);
  EXPECT_EQ(deadline_status(due, d("2025-03-05")), DeadlineStatus::kDueSoon);
  EXPECT_EQ(deadline_status(due, d("2025-03-10")), DeadlineStatus::kDueSoon);
  EXPECT_EQ(deadline_status(due, d("2025-03-11")), DeadlineStatus::kOverdue);
}

}  // namespace
}  // namespace charter::rights
