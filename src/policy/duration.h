// Parsing ISO 8601 durations restricted to years, months and days: "P3Y", "P13M", "P1Y6M",
// "P30D", "P0D". Weeks and times of day are refused (retention and deadlines are calendar
// durations).
//
// Contract: parse_duration returns nullopt on anything else; never throws.
#pragma once

#include <optional>
#include <string_view>

#include "policy/model.h"

namespace charter::policy {

std::optional<Duration> parse_duration(std::string_view text);

}  // namespace charter::policy
