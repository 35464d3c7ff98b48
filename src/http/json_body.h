// Parsing JSON request bodies within limits, so a hostile body cannot exhaust stack or memory.
//
// Contract: parse_json_body() accepts one JSON text (RFC 8259, UTF-8) whose nesting depth,
// number of values and string lengths stay within the limits, and whose objects have no
// duplicate member names (I-JSON, RFC 7493). Errors: kInvalidArgument with the reason
// ("malformed JSON at byte 17", "JSON nested deeper than 32 levels", ...) — never a piece of
// the body. The parser is iterative (nlohmann SAX), so depth does not use stack. Pure.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string_view>

#include "core/result.h"

namespace charter::http {

struct JsonLimits {
  int max_depth = 32;
  std::size_t max_values = 100'000;       // scalars, arrays and objects, counted together
  std::size_t max_string_bytes = 65'536;  // each string and member name
};

Result<nlohmann::json> parse_json_body(std::string_view text, const JsonLimits& limits);

}  // namespace charter::http
