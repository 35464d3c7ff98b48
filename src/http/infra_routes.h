// Infrastructure routes: /healthz, /metrics, /.well-known/gpc.json, /v1/policy,
// /v1/openapi.json (and, with the policy renderer, /charter and /v1/policy/register).
// All are anonymous and in-memory (Exec::kInline); /healthz and /metrics are not rate limited
// (monitoring polls them).
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
