// The OpenAPI document and the route table are one: every route is described, every described
// operation is a route, and the document is structurally valid OpenAPI 3.1.
#include "http/openapi.h"

#include <gtest/gtest.h>

#include <set>

#include "http/api.h"
#include "http/test_support.h"

namespace charter::http {
namespace {

using nlohmann::json;

std::unique_ptr<Api> served_api() {
  ApiContext ctx;
  ctx.policy = testing::oxemis_policy();
  ctx.gpc_last_update = "2025-01-01";
  auto api = build_api(ctx);
  if (!api) ADD_FAILURE() << api.error().message;
  return std::move(api).value();
}

std::string lower(Method m) {
  std::string s(to_string(m));
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A concrete path for a template ("/v1/subjects/{id}" -> "/v1/subjects/x").
std::string sample(const std::string& path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      out += "x";
      i = path.find('}', i);
    } else {
      out += path[i];
    }
  }
  return out;
}

TEST(OpenApi, EveryRouteIsDescribedAndEveryDescriptionIsARoute) {
  auto api = served_api();
  json doc = openapi_document(api->router, ApiInfo{"Charter API", "0.1.0", ""});
  ASSERT_TRUE(validate_openapi(doc)) << validate_openapi(doc).error().message;

  std::set<std::pair<std::string, std::string>> routes, described;
  for (const Route* r : api->router.routes()) {
    routes.insert({r->path, lower(r->method)});
    ASSERT_TRUE(doc["paths"].contains(r->path)) << r->path;
    ASSERT_TRUE(doc["paths"][r->path].contains(lower(r->method))) << r->path;
    EXPECT_EQ(doc["paths"][r->path][lower(r->method)]["operationId"], r->operation_id);
  }
  for (auto& [path, item] : doc["paths"].items()) {
    for (auto& [method, op] : item.items()) {
      described.insert({path, method});
      // The described operation is served: the router finds it for a concrete path.
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto m = api->router.find(parse_method(upper), split_path(sample(path)));
      ASSERT_EQ(m.kind, RouteMatch::Kind::kFound) << method << " " << path;
      EXPECT_EQ(m.route->operation_id, op["operationId"]);
    }
  }
  EXPECT_EQ(routes, described);
  for (const char* p :
       {"/healthz", "/metrics", "/.well-known/gpc.json", "/v1/policy", "/v1/openapi.json"}) {
    EXPECT_TRUE(doc["paths"].contains(p)) << p;
  }
}

TEST(OpenApi, OperationsCarryAuthParametersAndProblems) {
  Router router;
  Route r;
  r.method = Method::kPost;
  r.path = "/v1/subjects/{id}/consents";
  r.operation_id = "giveConsent";
  r.summary = "Give consent";
  r.auth = Auth::kAny;
  r.params = {{"id", ParamIn::kPath, "Subject id", {{"type", "string"}}, true}};
  r.body = Body{"The consent", {{"type", "object"}}};
  r.replies = {{201, "Recorded", "application/json", {{"type", "object"}}}};
  r.handler = [](Request&) -> Result<Response> { return no_content(); };
  ASSERT_TRUE(router.add(std::move(r)));
  json doc = openapi_document(router, ApiInfo{"t", "1", ""});
  ASSERT_TRUE(validate_openapi(doc)) << validate_openapi(doc).error().message;
  const json& op = doc["paths"]["/v1/subjects/{id}/consents"]["post"];
  EXPECT_EQ(op["security"].size(), 2u);
  EXPECT_TRUE(op["requestBody"]["content"].contains("application/json"));
  for (const char* s :
       {"201", "400", "401", "403", "404", "409", "413", "415", "422", "429", "503", "default"}) {
    EXPECT_TRUE(op["responses"].contains(s)) << s;
  }
  EXPECT_EQ(op["responses"]["401"]["content"]["application/problem+json"]["schema"]["$ref"],
            "#/components/schemas/Problem");
  std::set<std::string> params;
  for (const json& p : op["parameters"]) {
    params.insert(p.contains("$ref") ? p["$ref"].get<std::string>() : p["name"].get<std::string>());
  }
  EXPECT_TRUE(params.count("id"));
  EXPECT_TRUE(params.count("#/components/parameters/IdempotencyKey"));
  EXPECT_TRUE(params.count("#/components/parameters/CsrfToken"));
}

TEST(OpenApi, ValidatorFindsStructuralProblems) {
  json doc = {{"openapi", "3.0.3"},
              {"info", {{"title", "t"}}},
              {"paths",
               {{"/a/{id}", {{"get", {{"operationId", "x"}, {"responses", json::object()}}}}},
                {"b", {{"get", {{"operationId", "x"}, {"responses", {{"200", {}}}}}}}},
                {"/c",
                 {{"get",
                   {{"operationId", "y"},
                    {"parameters", json::array({{{"name", "q"}, {"in", "path"}}})},
                    {"responses", {{"200", {{"$ref", "#/components/responses/Nope"}}}}}}}}}}}};
  auto s = validate_openapi(doc);
  ASSERT_FALSE(s);
  const std::string& m = s.error().message;
  for (const char* want :
       {"openapi is not \"3.1.0\"", "info.title and info.version", "get /a/{id}: no responses",
        "{id} is not declared", "b: path does not start with /", "operationId x is not unique",
        "path parameter q not in path", "unresolved $ref #/components/responses/Nope"}) {
    EXPECT_NE(m.find(want), std::string::npos) << want << "\n" << m;
  }
}

}  // namespace
}  // namespace charter::http
