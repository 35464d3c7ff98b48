// Reading the Cookie request header (RFC 6265 5.4: "name=value; name2=value2").
//
// Contract: find_cookie() returns the value of the first cookie named `name` (exact, case
// sensitive), without surrounding double quotes; nullopt when absent. Pure; thread safe.
#pragma once

#include <optional>
#include <string_view>

namespace charter::http {

std::optional<std::string_view> find_cookie(std::string_view cookie_header, std::string_view name);

}  // namespace charter::http
