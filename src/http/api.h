// The API: the one route table of `charter serve`, with the metrics it reports. Tests build the
// same table (so the OpenAPI completeness test sees exactly what the server serves).
//
// Adding routes: a module writes `Status add_<area>_routes(Router&, const ApiContext&)` in
// src/http/<area>_routes.cc and calls it from build_api(); what its handlers need (vault,
// consent, access, staff, audit objects) is added to ApiContext. docs/HTTP.md has an example.
//
// Contract: build_api() adds every route (errors: kInvalidArgument from Router::add, a bug
// caught at start) and attaches the HTTP metrics to the registry. The Api must outlive the
// Server that serves it; it is immutable once built (thread safe).
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "http/http_metrics.h"
#include "http/metrics.h"
#include "http/router.h"
#include "policy/model.h"

namespace charter::http {

inline constexpr std::string_view kCharterVersion = "0.1.0";

struct ApiContext {
  std::shared_ptr<const policy::Policy> policy;
  std::string gpc_last_update;  // "YYYY-MM-DD": when the policy in force was last changed
};

struct Api {
  Router router;
  MetricsRegistry registry;
  std::unique_ptr<HttpMetrics> http_metrics;
};

Result<std::unique_ptr<Api>> build_api(const ApiContext& context);

}  // namespace charter::http
