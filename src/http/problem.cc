#include "http/problem.h"

#include <nlohmann/json.hpp>

namespace charter::http {

std::string problem_type(Errc code) {
  std::string t(kProblemBase);
  t += error_slug(code);
  return t;
}

std::string problem_title(Errc code) {
  std::string title(error_slug(code));
  for (char& c : title) {
    if (c == '-') c = ' ';
  }
  if (!title.empty() && title[0] >= 'a' && title[0] <= 'z') title[0] = char(title[0] - 'a' + 'A');
  return title;
}

Response problem_response(const Error& error, std::string_view request_id,
                          const ProblemExtras& extras) {
  int status = http_status(error.code);
  nlohmann::json body = {
      {"type", problem_type(error.code)},
      {"title", problem_title(error.code)},
      {"status", status},
      {"detail", error.code == Errc::kInternal
                     ? "an internal error occurred; the request id identifies it in the log"
                     : error.message},
      {"instance", std::string(request_id)},
  };
  Response r = json_response(status, body);
  r.headers.set("Content-Type", std::string(kProblemType));
  if (extras.retry_after_seconds) {
    r.headers.set("Retry-After", std::to_string(*extras.retry_after_seconds));
  }
  if (!extras.allow.empty()) r.headers.set("Allow", extras.allow);
  if (error.code == Errc::kUnauthenticated) {
    r.headers.set("WWW-Authenticate", "Bearer realm=\"charter\"");
  }
  return r;
}

}  // namespace charter::http
