// The OpenAPI 3.1 document of the API, generated from the Router: the route table is the one
// source of truth, so every route is described and every description is a route.
//
// Contract: openapi_document() describes every route of `router` under its template path with
// its operationId, summary, tag, security (bearerAuth / cookieAuth per Route::auth),
// parameters (declared ones, plus Idempotency-Key on POST/PUT/PATCH/DELETE and X-CSRF-Token
// where a session may call), request body, declared responses and the problem responses that
// apply (application/problem+json, components/schemas/Problem). validate_openapi() checks a
// document's structure: openapi "3.1.0"; info title and version; paths start with "/"; each
// operation has a unique operationId and responses; every {param} of a path is declared as a
// required path parameter and every declared path parameter is in the path; every local $ref
// resolves. Errors: kInvalidArgument listing each problem found, one per line. Pure.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "core/result.h"
#include "http/router.h"

namespace charter::http {

struct ApiInfo {
  std::string title = "Charter API";
  std::string version;  // Charter's version
  std::string description;
};

nlohmann::json openapi_document(const Router& router, const ApiInfo& info);
Status validate_openapi(const nlohmann::json& document);

// The JSON Schema of an RFC 9457 problem, as used in the document.
nlohmann::json problem_schema();

// Helper for route descriptions: {"type":"object","properties":...,"required":...}.
nlohmann::json object_schema(nlohmann::json properties, nlohmann::json required);

}  // namespace charter::http
