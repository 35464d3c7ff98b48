// Request: what a handler sees. Charter's own type; the connection fills the parsed parts, the
// pipeline (pipeline.h) the rest before the handler runs.
//
// Contract: `path` and `segments` are percent-decoded; `query` holds decoded name/value pairs
// in order. The raw target, query values, body and credentials are never logged nor echoed in
// errors (they may hold personal data). A Request is owned by one thread at a time.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/headers.h"
#include "http/method.h"
#include "http/principal.h"

namespace charter::http {

struct Route;

using Params = std::vector<std::pair<std::string, std::string>>;

struct Request {
  // From the connection.
  Method method = Method::kGet;
  std::string path;                   // decoded, e.g. "/v1/subjects/sub_..."
  std::vector<std::string> segments;  // decoded path segments ("" for "/")
  Params query;                       // decoded query parameters, in order
  Headers headers;
  std::string body;
  std::string remote_ip;  // for per-address rate limits only; never logged
  bool secure = false;    // arrived over TLS

  // From the pipeline.
  std::string id;  // request id, "req_..." (X-Request-Id, problem `instance`)
  const Route* route = nullptr;
  Params path_params;  // values of the route template's {names}
  std::optional<Principal> principal;
  nlohmann::json json;  // the parsed body, for routes that declare a JSON body

  // First query value named `name`.
  std::optional<std::string_view> query_param(std::string_view name) const;
  // Number of query parameters named `name`.
  std::size_t query_count(std::string_view name) const;
  // The value of a path parameter of the route template ("" if the template has none).
  std::string_view path_param(std::string_view name) const;
  // Global Privacy Control: true iff some Sec-GPC field is exactly "1" (reference/gpc/NOTES.md).
  bool gpc() const;
};

}  // namespace charter::http
