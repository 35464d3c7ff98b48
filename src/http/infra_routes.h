// Infrastructure routes: /healthz, /metrics, /v1/openapi.json. Anonymous and in-memory
// (Exec::kInline); /healthz and /metrics are not rate limited (monitoring polls them).
//
// Contract: add_infra_routes() adds them to `router` (errors: as Router::add). The OpenAPI
// handler describes the router as it is when first asked (the table is complete by then) and
// caches the document. `registry` is what /metrics renders.
#pragma once

#include "core/result.h"
#include "http/api.h"

namespace charter::http {

Status add_infra_routes(Router& router, MetricsRegistry& registry, const ApiContext& context);

}  // namespace charter::http
