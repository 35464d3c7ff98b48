// Injectable clock. All of Charter reads time through a Clock&, so retention, deadlines and
// expiries are testable across simulated years.
//
// Contract: now() returns UTC wall time with microsecond resolution. SystemClock is thread
// safe. ManualClock is thread safe (atomic) and only moves when told.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "core/result.h"

namespace charter {

using Micros = std::chrono::microseconds;
using Timestamp = std::chrono::time_point<std::chrono::system_clock, Micros>;
using Date = std::chrono::year_month_day;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : us_(start.time_since_epoch().count()) {}
  Timestamp now() const override { return Timestamp(Micros(us_.load())); }
  void set(Timestamp t) { us_.store(t.time_since_epoch().count()); }
  void advance(Micros d) { us_.fetch_add(d.count()); }

 private:
  std::atomic<int64_t> us_;
};

// Microseconds since the Unix epoch, and back.
int64_t to_unix_micros(Timestamp t);
Timestamp from_unix_micros(int64_t us);

// RFC 3339 in UTC: "2026-11-27T15:22:13.000000Z" (to) / accepts "YYYY-MM-DDTHH:MM:SS[.frac]Z"
// and "YYYY-MM-DD" (midnight UTC). Errors: kInvalidArgument naming what was expected.
std::string format_timestamp(Timestamp t);
Result<Timestamp> parse_timestamp(std::string_view text);

// Calendar dates, ISO "YYYY-MM-DD".
std::string format_date(Date d);
Result<Date> parse_date(std::string_view text);
Date date_of(Timestamp t);
Timestamp start_of(Date d);

}  // namespace charter
