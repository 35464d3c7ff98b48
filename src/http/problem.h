// RFC 9457 problem details: every error Charter's HTTP server answers.
//
// Contract: problem_response(error, request_id) builds an application/problem+json response
//   type      "https://charter.dev/problems/<slug>" — stable per Errc (slug from core/error.h);
//             an identifier, documented in docs/HTTP.md, not promised to be dereferenceable
//   title     the slug in words ("Invalid argument"), the same for every problem of the type
//   status    http_status(code) from the one table in core/error.h
//   detail    error.message (modules promise messages carry no personal data); for kInternal a
//             fixed sentence instead (the message goes to the log with the request id)
//   instance  the request id
// and sets the headers a status requires (Retry-After for 429/503 when given, Allow for 405,
// WWW-Authenticate for 401). Pure; thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"
#include "http/response.h"

namespace charter::http {

inline constexpr std::string_view kProblemBase = "https://charter.dev/problems/";

std::string problem_type(Errc code);
std::string problem_title(Errc code);

struct ProblemExtras {
  std::optional<int> retry_after_seconds;  // 429, 503
  std::string allow;                       // 405: "GET, HEAD"
  // A finer problem type than the code's, e.g. "password-change-required" (403): type and
  // title then come from it.
  std::string slug;
};

Response problem_response(const Error& error, std::string_view request_id,
                          const ProblemExtras& extras = {});

}  // namespace charter::http
