// Response: what a handler returns. Charter's own type (no Beast).
//
// Contract: `body` is sent as is with the headers given; the pipeline adds X-Request-Id, the
// security headers and Cache-Control (from the route unless the handler set one). For HEAD the
// connection sends the headers of the GET response without its body. Plain value.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "http/headers.h"

namespace charter::http {

inline constexpr std::string_view kJsonType = "application/json";
inline constexpr std::string_view kProblemType = "application/problem+json";

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  std::string_view content_type() const { return headers.get("Content-Type").value_or(""); }
};

// `value` serialised compactly (invalid UTF-8 in strings is replaced, never thrown on),
// Content-Type application/json.
Response json_response(int status, const nlohmann::json& value);
// Pretty-printed with two-space indentation and a final newline.
Response pretty_json_response(int status, const nlohmann::json& value);
Response text_response(int status, std::string body, std::string content_type);
Response no_content();

// The standard reason phrase of a status ("Not Found"); "Unknown" for others.
std::string_view reason_phrase(int status);

}  // namespace charter::http
