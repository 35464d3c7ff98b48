#include "http/infra_routes.h"

#include <memory>
#include <mutex>

#include "http/openapi.h"

namespace charter::http {

using nlohmann::json;

Status add_infra_routes(Router& router, MetricsRegistry& registry, const ApiContext& ctx) {
  const auto& policy = ctx.policy;

  Route health;
  health.method = Method::kGet;
  health.path = "/healthz";
  health.operation_id = "getHealth";
  health.summary = "Liveness: the server answers, with the policy version in force";
  health.tag = "infrastructure";
  health.exec = Exec::kInline;
  health.rate_limited = false;
  health.replies = {{200, "The server is up", "application/json",
                     object_schema({{"status", {{"const", "ok"}}},
                                    {"version", {{"type", "string"}}},
                                    {"policy_version", {{"type", "string"}}}},
                                   {"status", "version", "policy_version"})}};
  std::string health_body =
      json{{"status", "ok"}, {"version", kCharterVersion}, {"policy_version", policy->version}}
          .dump();
  health.handler = [health_body](Request&) -> Result<Response> {
    return text_response(200, health_body, std::string(kJsonType));
  };
  CHARTER_TRY_STATUS(router.add(std::move(health)));

  Route metrics;
  metrics.method = Method::kGet;
  metrics.path = "/metrics";
  metrics.operation_id = "getMetrics";
  metrics.summary = "Metrics in the Prometheus text format 0.0.4";
  metrics.tag = "infrastructure";
  metrics.exec = Exec::kInline;
  metrics.rate_limited = false;
  metrics.replies = {{200, "Prometheus exposition", "text/plain; version=0.0.4", nullptr}};
  metrics.handler = [&registry](Request&) -> Result<Response> {
    return text_response(200, registry.render(), "text/plain; version=0.0.4; charset=utf-8");
  };
  CHARTER_TRY_STATUS(router.add(std::move(metrics)));

  Route openapi;
  openapi.method = Method::kGet;
  openapi.path = "/v1/openapi.json";
  openapi.operation_id = "getOpenApi";
  openapi.summary = "This API's OpenAPI 3.1 description";
  openapi.tag = "infrastructure";
  openapi.exec = Exec::kInline;
  openapi.replies = {{200, "OpenAPI 3.1 document", "application/json", {{"type", "object"}}}};
  struct Cache {
    std::once_flag once;
    std::string body;
  };
  auto cache = std::make_shared<Cache>();
  const Router* table = &router;
  openapi.handler = [cache, table](Request&) -> Result<Response> {
    std::call_once(cache->once, [&] {
      ApiInfo info;
      info.version = std::string(kCharterVersion);
      info.description =
          "Charter: the privacy charter, enforced. Errors are RFC 9457 problem details.";
      cache->body = openapi_document(*table, info).dump();
    });
    return text_response(200, cache->body, std::string(kJsonType));
  };
  CHARTER_TRY_STATUS(router.add(std::move(openapi)));
  return ok_status();
}

}  // namespace charter::http
