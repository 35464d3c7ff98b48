#include "http/router.h"

#include <gtest/gtest.h>

namespace charter::http {
namespace {

Route route(Method m, std::string path, std::string op, std::vector<Param> params = {}) {
  Route r;
  r.method = m;
  r.path = std::move(path);
  r.operation_id = std::move(op);
  r.summary = "test";
  r.params = std::move(params);
  r.handler = [](Request&) -> Result<Response> { return no_content(); };
  return r;
}

Param path_param(std::string name) {
  return Param{std::move(name), ParamIn::kPath, "id", {}, true};
}

TEST(Router, MatchesLiteralsAndParameters) {
  Router router;
  ASSERT_TRUE(
      router.add(route(Method::kGet, "/v1/subjects/{id}", "getSubject", {path_param("id")})));
  ASSERT_TRUE(router.add(route(Method::kGet, "/v1/subjects/lookup", "lookupSubject")));
  ASSERT_TRUE(router.add(route(Method::kGet, "/", "root")));

  auto m = router.find(Method::kGet, split_path("/v1/subjects/sub_1"));
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->operation_id, "getSubject");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"id", "sub_1"}));

  // A literal segment wins over a parameter, whatever the order of registration.
  m = router.find(Method::kGet, split_path("/v1/subjects/lookup"));
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->operation_id, "lookupSubject");

  EXPECT_EQ(router.find(Method::kGet, split_path("/")).route->operation_id, "root");
  EXPECT_EQ(router.find(Method::kGet, split_path("/v1/subjects")).kind,
            RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.find(Method::kGet, split_path("/v1/subjects/")).kind,
            RouteMatch::Kind::kNotFound);  // an empty segment is no id
  EXPECT_EQ(router.find(Method::kGet, split_path("/v1/subjects/a/b")).kind,
            RouteMatch::Kind::kNotFound);
}

TEST(Router, MethodNotAllowedListsAllow) {
  Router router;
  ASSERT_TRUE(router.add(route(Method::kGet, "/v1/things/{id}", "getThing", {path_param("id")})));
  ASSERT_TRUE(
      router.add(route(Method::kDelete, "/v1/things/{id}", "deleteThing", {path_param("id")})));
  auto m = router.find(Method::kPost, split_path("/v1/things/x"));
  EXPECT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "GET, HEAD, DELETE");
  EXPECT_EQ(router.find(Method::kOther, split_path("/v1/things/x")).kind,
            RouteMatch::Kind::kMethodNotAllowed);
}

TEST(Router, HeadUsesGet) {
  Router router;
  ASSERT_TRUE(router.add(route(Method::kGet, "/a", "getA")));
  ASSERT_TRUE(router.add(route(Method::kPost, "/b", "postB")));
  auto m = router.find(Method::kHead, split_path("/a"));
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->method, Method::kGet);
  m = router.find(Method::kHead, split_path("/b"));
  EXPECT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allow, "POST");
}

TEST(Router, RejectsRoutesThatCannotBeDescribed) {
  Router router;
  ASSERT_TRUE(router.add(route(Method::kGet, "/v1/x/{id}", "getX", {path_param("id")})));
  auto err = [&](Route r) {
    auto s = router.add(std::move(r));
    EXPECT_FALSE(s);
    return s ? std::string() : s.error().message;
  };
  EXPECT_NE(err(route(Method::kGet, "/v1/y/{id}", "getY")).find("not declared"), std::string::npos);
  EXPECT_NE(err(route(Method::kGet, "/v1/y", "getY2", {path_param("id")})).find("not in the path"),
            std::string::npos);
  EXPECT_NE(err(route(Method::kPost, "/v1/z", "getX")).find("not unique"), std::string::npos);
  EXPECT_NE(err(route(Method::kGet, "/v1/x/{id}", "getX2", {path_param("id")})).find("twice"),
            std::string::npos);
  EXPECT_NE(err(route(Method::kPut, "/v1/x/{key}", "putX", {path_param("key")})).find("shape"),
            std::string::npos);
  EXPECT_FALSE(router.add(route(Method::kGet, "v1/no-slash", "a")));
  EXPECT_FALSE(router.add(route(Method::kGet, "/v1//double", "b")));
  EXPECT_FALSE(router.add(route(Method::kGet, "/v1/{Bad}", "c", {path_param("Bad")})));
  EXPECT_FALSE(router.add(route(Method::kGet, "/v1/a{id}", "d", {path_param("id")})));
  EXPECT_FALSE(router.add(route(Method::kGet, "/v1/e", "bad-id")));
  EXPECT_FALSE(router.add(route(Method::kHead, "/v1/f", "headF")));
  Route no_handler = route(Method::kGet, "/v1/g", "getG");
  no_handler.handler = nullptr;
  EXPECT_FALSE(router.add(std::move(no_handler)));
  Route no_summary = route(Method::kGet, "/v1/h", "getH");
  no_summary.summary.clear();
  EXPECT_FALSE(router.add(std::move(no_summary)));
  EXPECT_EQ(router.routes().size(), 1u);
}

TEST(PathTemplate, SplitPath) {
  EXPECT_TRUE(split_path("/").empty());
  EXPECT_EQ(split_path("/a/b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(split_path("/a/"), (std::vector<std::string>{"a", ""}));
}

}  // namespace
}  // namespace charter::http
