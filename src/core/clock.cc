#include "core/clock.h"

#include <charconv>
#include <cstdio>

namespace charter {

Timestamp SystemClock::now() const {
  return std::chrono::time_point_cast<Micros>(std::chrono::system_clock::now());
}

int64_t to_unix_micros(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp from_unix_micros(int64_t us) { return Timestamp(Micros(us)); }

Date date_of(Timestamp t) { return Date(std::chrono::floor<std::chrono::days>(t)); }
Timestamp start_of(Date d) {
  return std::chrono::time_point_cast<Micros>(std::chrono::sys_days(d));
}

std::string format_date(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::string format_timestamp(Timestamp t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::hh_mm_ss<Micros> tod(t - day);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%06lldZ", format_date(Date(day)).c_str(),
                static_cast<int>(tod.hours().count()), static_cast<int>(tod.minutes().count()),
                static_cast<int>(tod.seconds().count()),
                static_cast<long long>(tod.subseconds().count()));
  return buf;
}

namespace {

bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

Result<Date> parse_date(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !parse_int(text.substr(0, 4), y) ||
      !parse_int(text.substr(5, 2), m) || !parse_int(text.substr(8, 2), d)) {
    return make_error(Errc::kInvalidArgument, "expected a date as YYYY-MM-DD");
  }
  Date date{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(m)),
            std::chrono::day(static_cast<unsigned>(d))};
  if (!date.ok()) return make_error(Errc::kInvalidArgument, "not a calendar date (YYYY-MM-DD)");
  return date;
}

Result<Timestamp> parse_timestamp(std::string_view text) {
  if (text.size() == 10) {
    CHARTER_TRY(Date d, parse_date(text));
    return start_of(d);
  }
  constexpr const char* kWant = "expected an RFC 3339 UTC time, YYYY-MM-DDTHH:MM:SS[.ffffff]Z";
  if (text.size() < 20 || (text[10] != 'T' && text[10] != 't') || text.back() != 'Z' ||
      text[13] != ':' || text[16] != ':') {
    return make_error(Errc::kInvalidArgument, kWant);
  }
  auto date = parse_date(text.substr(0, 10));
  if (!date) return make_error(Errc::kInvalidArgument, kWant);
  int hh = 0, mm = 0, ss = 0;
  if (!parse_int(text.substr(11, 2), hh) || !parse_int(text.substr(14, 2), mm) ||
      !parse_int(text.substr(17, 2), ss) || hh > 23 || mm > 59 || ss > 59) {
    return make_error(Errc::kInvalidArgument, kWant);
  }
  int64_t frac_us = 0;
  std::string_view rest = text.substr(19, text.size() - 20);
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() < 2 || rest.size() > 10)
      return make_error(Errc::kInvalidArgument, kWant);
    std::string digits(rest.substr(1));
    for (char c : digits)
      if (c < '0' || c > '9') return make_error(Errc::kInvalidArgument, kWant);
    while (digits.size() < 6) digits.push_back('0');
    digits.resize(6);
    frac_us = std::stoll(digits);
  }
  return start_of(*date) + std::chrono::hours(hh) + std::chrono::minutes(mm) +
         std::chrono::seconds(ss) + Micros(frac_us);
}

}  // namespace charter
