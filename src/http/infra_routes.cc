#include "http/infra_routes.h"

#include <memory>
#include <mutex>

#include "http/openapi.h"
#include "policy/version.h"

namespace charter::http {

namespace {

using nlohmann::json;

json text_json(const policy::Text& t) {
  json j = json::object();
  for (const auto& [lang, s] : t.by_lang) j[lang] = s;
  return j;
}

json policy_summary(const policy::Policy& p) {
  const auto& c = p.controller;
  json purposes = json::array();
  for (const auto& pu : p.purposes) {
    const policy::LegalBasis* basis = p.find_basis(pu.basis);
    purposes.push_back({{"id", pu.id},
                        {"label", text_json(pu.label)},
                        {"legal_basis", basis ? to_string(basis->kind) : ""}});
  }
  return {{"version", p.version},
          {"short_version", policy::short_version(p.version)},
          {"languages", p.languages},
          {"controller",
           {{"name", c.name},
            {"legal_form", c.legal_form},
            {"address",
             {{"street", c.address.street},
              {"postcode", c.address.postcode},
              {"city", c.address.city},
              {"country", c.address.country}}},
            {"register", {{"name", c.register_name}, {"number", c.register_number}}},
            {"contact_email", c.contact_email},
            {"dpo_email", c.dpo_email},
            {"website", c.website}}},
          {"supervisory_authority",
           {{"name", text_json(p.authority.name)},
            {"country", p.authority.country},
            {"complaint_url", p.authority.complaint_url}}},
          {"purposes", std::move(purposes)}};
}

json object_schema(json properties, json required) {
  return {{"type", "object"}, {"properties", std::move(properties)}, {"required", required}};
}

}  // namespace

Status add_infra_routes(Router& router, MetricsRegistry& registry, const ApiContext& ctx) {
  auto policy = ctx.policy;

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

  Route gpc;
  gpc.method = Method::kGet;
  gpc.path = "/.well-known/gpc.json";
  gpc.operation_id = "getGpcSupport";
  gpc.summary = "Global Privacy Control support resource";
  gpc.description =
      "Sec-GPC: 1 is honoured as a withdrawal of consent to and objection to "
      "direct marketing (reference/gpc/NOTES.md).";
  gpc.tag = "policy";
  gpc.exec = Exec::kInline;
  gpc.cache_control = "public, max-age=3600";
  gpc.replies = {{200, "GPC support", "application/json",
                  object_schema({{"gpc", {{"type", "boolean"}}},
                                 {"lastUpdate", {{"type", "string"}, {"format", "date"}}}},
                                {"gpc", "lastUpdate"})}};
  std::string gpc_body = json{{"gpc", true}, {"lastUpdate", ctx.gpc_last_update}}.dump();
  gpc.handler = [gpc_body](Request&) -> Result<Response> {
    return text_response(200, gpc_body, std::string(kJsonType));
  };
  CHARTER_TRY_STATUS(router.add(std::move(gpc)));

  Route pol;
  pol.method = Method::kGet;
  pol.path = "/v1/policy";
  pol.operation_id = "getPolicy";
  pol.summary = "The policy in force: version, controller, authority, languages, purposes";
  pol.tag = "policy";
  pol.exec = Exec::kInline;
  pol.replies = {
      {200, "The policy in force", "application/json",
       object_schema({{"version", {{"type", "string"}}},
                      {"short_version", {{"type", "string"}}},
                      {"languages", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                      {"controller", {{"type", "object"}}},
                      {"supervisory_authority", {{"type", "object"}}},
                      {"purposes", {{"type", "array"}}}},
                     {"version", "languages", "controller"})}};
  std::string policy_body =
      policy_summary(*policy).dump(-1, ' ', false, json::error_handler_t::replace);
  pol.handler = [policy_body](Request&) -> Result<Response> {
    return text_response(200, policy_body, std::string(kJsonType));
  };
  CHARTER_TRY_STATUS(router.add(std::move(pol)));

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
