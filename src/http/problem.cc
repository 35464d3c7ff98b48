#include "http/problem.h"

#include <nlohmann/json.hpp>

namespace charter::http {

std::string problem_type(Errc code) {
  std::string t(kProblemBase);
  t += error_slug(code);
  return t;
}

namespace {
std::string title_of(std::string_view slug) {
  std::string title(slug);
  for (char& c : title) {
    if (c == '-') c = ' ';
  }
  if (!title.empty() && title[0] >= 'a' && title[0] <= 'z') title[0] = char(title[0] - 'a' + 'A');
  return title;
}
}  // namespace

std::string problem_title(Errc code) { return title_of(error_slug(code)); }

Response problem_response(const Error& error, std::string_view request_id,
                          const ProblemExtras& extras) {
  int status = http_status(error.code);
  nlohmann::json body = {
      {"type",
       extras.slug.empty() ? problem_type(error.code) : std::string(kProblemBase) + extras.slug},
      {"title", extras.slug.empty() ? problem_title(error.code) : title_of(extras.slug)},
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
