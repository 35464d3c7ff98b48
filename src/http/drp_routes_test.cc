// The DRP routes in the route table and the OpenAPI document: the five operations of DRP 2.01-2.06
// are served without a Charter credential, described with the DRP error object (not
// problem+json) for the statuses the protocol answers, and the document stays valid OpenAPI.
#include <gtest/gtest.h>

#include "http/api.h"
#include "http/openapi.h"
#include "http/test_support.h"

namespace charter::http {
namespace {

using nlohmann::json;

TEST(DrpRoutes, DescribedWithTheDrpErrorObject) {
  ApiContext ctx;
  ctx.policy = testing::oxemis_policy();
  ctx.gpc_last_update = "2025-01-01";
  // The handlers are not called here: the routes only keep the pointer.
  alignas(drp::DrpService) unsigned char storage[sizeof(drp::DrpService)];
  ctx.drp = reinterpret_cast<drp::DrpService*>(storage);
  auto api = build_api(ctx);
  ASSERT_TRUE(api.ok()) << api.error().message;
  json doc = openapi_document((*api)->router, ApiInfo{"Charter API", "0.1.0", ""});
  ASSERT_TRUE(validate_openapi(doc)) << validate_openapi(doc).error().message;
  const std::vector<std::pair<std::string, std::string>> ops = {
      {"/v1/agent/{agent_id}", "post"},
      {"/v1/agent/{agent_id}", "get"},
      {"/v1/data-rights-request", "post"},
      {"/v1/data-rights-request/{request_id}", "get"},
      {"/v1/data-rights-request/{request_id}", "delete"}};
  for (const auto& [path, method] : ops) {
    ASSERT_TRUE(doc["paths"].contains(path)) << path;
    ASSERT_TRUE(doc["paths"][path].contains(method)) << method << " " << path;
    const json& op = doc["paths"][path][method];
    EXPECT_EQ(op["security"], json::array()) << "no Charter credential: " << path;
    EXPECT_EQ(op["tags"], json::array({"drp"}));
    ASSERT_TRUE(op["responses"].contains("200"));
    EXPECT_TRUE(op["responses"]["200"]["content"].contains("application/json"));
    ASSERT_TRUE(op["responses"].contains("403")) << path;
  }
  // Errors the protocol answers are the DRP error object, not problem+json.
  const json& exercise = doc["paths"]["/v1/data-rights-request"]["post"]["responses"];
  for (const char* s : {"400", "401", "403"}) {
    ASSERT_TRUE(exercise[s]["content"].contains("application/json")) << s;
    EXPECT_EQ(exercise[s]["content"]["application/json"]["schema"]["properties"]["code"]["type"],
              "string");
  }
  // A failed pair-wise setup has no body.
  EXPECT_FALSE(
      doc["paths"]["/v1/agent/{agent_id}"]["post"]["responses"]["403"].contains("content"));
}

}  // namespace
}  // namespace charter::http
