// Parsing the request target (origin form, RFC 9112 3.2.1) into a decoded path, its segments
// and the query parameters.
//
// Contract: parse_target() accepts "/path?query" only. Errors (kInvalidArgument, messages
// never quote the target): not origin form, malformed percent-encoding, "." or ".." segments,
// an encoded "/" or NUL in a segment, a path or query that decodes to invalid UTF-8.
// Pure; thread safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/request.h"

namespace charter::http {

struct Target {
  std::string path;
  std::vector<std::string> segments;
  Params query;
};

Result<Target> parse_target(std::string_view target);

// True when `s` is well-formed UTF-8 (no overlongs, surrogates, or code points above 10FFFF).
bool is_utf8(std::string_view s);

}  // namespace charter::http
