#include "http/json_body.h"

#include <gtest/gtest.h>

namespace charter::http {
namespace {

TEST(JsonBody, ParsesWithinLimits) {
  auto j = parse_json_body(R"({"a":[1,2,{"b":null}],"c":"d","e":1.5,"f":true})", {});
  ASSERT_TRUE(j) << j.error().message;
  EXPECT_EQ((*j)["a"][2]["b"], nullptr);
  EXPECT_EQ((*j)["c"], "d");
  EXPECT_EQ((*j)["e"], 1.5);
  EXPECT_EQ(parse_json_body("[]", {})->size(), 0u);
  EXPECT_EQ(*parse_json_body("3", {}), 3);
}

TEST(JsonBody, MalformedSaysWhereNotWhat) {
  auto j = parse_json_body(R"({"name": "Jean Dupont", oops})", {});
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().code, Errc::kInvalidArgument);
  EXPECT_NE(j.error().message.find("malformed JSON at byte"), std::string::npos);
  EXPECT_EQ(j.error().message.find("Dupont"), std::string::npos);
  EXPECT_EQ(j.error().message.find("oops"), std::string::npos);
  EXPECT_FALSE(parse_json_body("", {}));
  EXPECT_FALSE(parse_json_body("{} {}", {}));
  EXPECT_FALSE(parse_json_body("{\"a\":\"\xff\"}", {}));  // not UTF-8
  EXPECT_FALSE(parse_json_body("[1,]", {}));
  EXPECT_FALSE(parse_json_body("/* c */ {}", {}));
}

TEST(JsonBody, DepthLimit) {
  JsonLimits limits;
  limits.max_depth = 4;
  EXPECT_TRUE(parse_json_body("[[[[1]]]]", limits));
  auto j = parse_json_body("[[[[[1]]]]]", limits);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().message, "JSON nested deeper than 4 levels");
  // Very deep input stops early, without recursion.
  std::string deep(1'000'000, '[');
  EXPECT_FALSE(parse_json_body(deep, {}));
}

TEST(JsonBody, ValueAndStringLimits) {
  JsonLimits limits;
  limits.max_values = 5;
  EXPECT_TRUE(parse_json_body("[1,2,3,4]", limits));
  auto j = parse_json_body("[1,2,3,4,5]", limits);
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().message, "JSON has more than 5 values");
  limits = {};
  limits.max_string_bytes = 3;
  EXPECT_TRUE(parse_json_body(R"({"abc":"xyz"})", limits));
  EXPECT_FALSE(parse_json_body(R"({"abc":"wxyz"})", limits));
  EXPECT_FALSE(parse_json_body(R"({"abcd":"x"})", limits));
}

TEST(JsonBody, DuplicateMembersRefused) {
  auto j = parse_json_body(R"({"role":"user","role":"admin"})", {});
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().message, "duplicate member name in a JSON object");
  EXPECT_TRUE(parse_json_body(R"([{"a":1},{"a":2}])", {}));
}

}  // namespace
}  // namespace charter::http
