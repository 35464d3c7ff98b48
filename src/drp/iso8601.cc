#include "drp/iso8601.h"

#include <string>

namespace charter::drp {
namespace {

constexpr const char* kWant =
    "expected an ISO 8601 time with a zone, YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)";

bool two_digits(std::string_view s, int& out) {
  if (s.size() != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return false;
  out = (s[0] - '0') * 10 + (s[1] - '0');
  return true;
}

}  // namespace

Result<Timestamp> parse_iso8601(std::string_view text) {
  if (text.size() < 20 || text.size() > 40) return make_error(Errc::kInvalidArgument, kWant);
  std::string_view local = text;
  int offset_minutes = 0;
  if (text.back() == 'Z' || text.back() == 'z') {
    local = text.substr(0, text.size() - 1);
  } else {
    // The zone starts at the last '+' or '-' after the time of day.
    const auto at = text.find_last_of("+-");
    if (at == std::string_view::npos || at < 19) return make_error(Errc::kInvalidArgument, kWant);
    std::string_view zone = text.substr(at + 1);
    int hh = 0, mm = 0;
    if (zone.size() == 2) {
      if (!two_digits(zone, hh)) return make_error(Errc::kInvalidArgument, kWant);
    } else if (zone.size() == 4) {
      if (!two_digits(zone.substr(0, 2), hh) || !two_digits(zone.substr(2), mm))
        return make_error(Errc::kInvalidArgument, kWant);
    } else if (zone.size() == 5 && zone[2] == ':') {
      if (!two_digits(zone.substr(0, 2), hh) || !two_digits(zone.substr(3), mm))
        return make_error(Errc::kInvalidArgument, kWant);
    } else {
      return make_error(Errc::kInvalidArgument, kWant);
    }
    if (hh > 23 || mm > 59) return make_error(Errc::kInvalidArgument, kWant);
    offset_minutes = (hh * 60 + mm) * (text[at] == '-' ? -1 : 1);
    local = text.substr(0, at);
  }
  auto t = parse_timestamp(std::string(local) + "Z");
  if (!t) return make_error(Errc::kInvalidArgument, kWant);
  // Local time = UTC + offset.
  return *t - std::chrono::minutes(offset_minutes);
}

}  // namespace charter::drp
