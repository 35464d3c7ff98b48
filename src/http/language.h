// Choosing the language of a page: `?lang=` first, then Accept-Language (RFC 9110 12.5.4),
// then the default.
//
// Contract: negotiate_language() returns one of `available`: the first range of the header in
// order of quality (ties keep header order) whose primary subtag is available ("en-GB" ->
// "en"; "*" -> the default); `fallback` when nothing matches or the header is absent or
// malformed. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace charter::http {

std::string negotiate_language(std::optional<std::string_view> accept_language,
                               const std::vector<std::string>& available,
                               const std::string& fallback);

}  // namespace charter::http
