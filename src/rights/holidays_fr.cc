#include "rights/holidays_fr.h"

namespace charter::rights {

using namespace std::chrono;

Date easter_sunday(int y) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
  int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
  return Date{year(y), std::chrono::month(static_cast<unsigned>(month)),
              std::chrono::day(static_cast<unsigned>(day))};
}

bool is_french_public_holiday(Date d) {
  unsigned m = static_cast<unsigned>(d.month()), dd = static_cast<unsigned>(d.day());
  if ((m == 1 && dd == 1) || (m == 5 && (dd == 1 || dd == 8)) || (m == 7 && dd == 14) ||
      (m == 8 && dd == 15) || (m == 11 && (dd == 1 || dd == 11)) || (m == 12 && dd == 25)) {
    return true;
  }
  sys_days easter{easter_sunday(static_cast<int>(d.year()))};
  sys_days day{d};
  return day == easter + days(1) || day == easter + days(39) || day == easter + days(50);
}

bool is_weekend(Date d) {
  weekday w{sys_days{d}};
  return w == Saturday || w == Sunday;
}

bool is_working_day(Date d) { return !is_weekend(d) && !is_french_public_holiday(d); }

}  // namespace charter::rights
