#include "core/clock.h"

#include <gtest/gtest.h>

namespace charter {
namespace {

using namespace std::chrono;

TEST(Clock, ManualClockMovesOnlyWhenTold) {
  ManualClock clock(*parse_timestamp("2026-01-31T10:00:00Z"));
  auto t0 = clock.now();
  EXPECT_EQ(clock.now(), t0);
  clock.advance(hours(24 * 365 * 3));
  EXPECT_EQ(clock.now() - t0, hours(24 * 365 * 3));
  EXPECT_EQ(format_date(date_of(clock.now())), "2029-01-30");
}

TEST(Clock, SystemClockIsNow) {
  SystemClock c;
  auto a = c.now();
  auto b = c.now();
  EXPECT_LE(a, b);
  EXPECT_GT(to_unix_micros(a), 1'700'000'000'000'000LL);
}

TEST(Clock, TimestampRoundTrip) {
  auto t = parse_timestamp("2024-02-29T23:59:58.123456Z");
  ASSERT_TRUE(t.ok()) << t.error().message;
  EXPECT_EQ(format_timestamp(*t), "2024-02-29T23:59:58.123456Z");
  EXPECT_EQ(format_timestamp(*parse_timestamp("2024-03-01")), "2024-03-01T00:00:00.000000Z");
  EXPECT_EQ(format_timestamp(*parse_timestamp("2024-03-01T01:02:03.5Z")),
            "2024-03-01T01:02:03.500000Z");
  EXPECT_EQ(from_unix_micros(to_unix_micros(*t)), *t);
}

TEST(Clock, RejectsBadTimestamps) {
  for (const char* bad : {"", "2024-02-30", "2024-13-01", "2024-1-01", "2024-02-29T24:00:00Z",
                          "2024-02-29 10:00:00", "2024-02-29T10:00:00", "2024-02-29T10:00:00+01:00",
                          "2024-02-29T10:00:00.Z", "abcd-ef-gh"}) {
    auto r = parse_timestamp(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
    }
  }
}

TEST(Clock, Dates) {
  EXPECT_FALSE(parse_date("2023-02-29").ok());
  EXPECT_TRUE(parse_date("2024-02-29").ok());
  EXPECT_EQ(format_date(*parse_date("2024-12-31")), "2024-12-31");
}

}  // namespace
}  // namespace charter
