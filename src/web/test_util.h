// Test helpers for src/web tests only: the Oxemis policy, and requests run straight through a
// Router (route match + handler, without sockets).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "http/headers.h"
#include "http/router.h"
#include "policy/loader.h"

namespace charter::web::testing {

inline std::shared_ptr<const policy::Policy> oxemis() {
  static auto p = [] {
    auto r = policy::load_policy(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
    if (!r) std::abort();
    return std::make_shared<const policy::Policy>(std::move(r).value());
  }();
  return p;
}

struct Call {
  http::Method method = http::Method::kGet;
  std::string path = "/";
  http::Params query{};
  std::vector<std::pair<std::string, std::string>> headers{};
  std::string form{};  // application/x-www-form-urlencoded body
};

// Runs `call` through `router`: 404/405 become a Response with that status.
inline http::Response run(const http::Router& router, const Call& call) {
  http::Request req;
  req.method = call.method;
  req.path = call.path;
  std::string rest = call.path.substr(1);
  std::size_t start = 0;
  while (!rest.empty()) {  // "/" has no segment (as Boost.URL gives them)
    auto slash = rest.find('/', start);
    req.segments.push_back(rest.substr(start, slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  req.query = call.query;
  for (const auto& [k, v] : call.headers) req.headers.add(k, v);
  if (!call.form.empty() || call.method == http::Method::kPost) {
    req.headers.add("Content-Type", "application/x-www-form-urlencoded");
    req.body = call.form;
  }
  req.id = "req_test";
  auto m = router.find(req.method, req.segments);
  http::Response out;
  if (m.kind != http::RouteMatch::Kind::kFound) {
    out.status = m.kind == http::RouteMatch::Kind::kNotFound ? 404 : 405;
    return out;
  }
  req.route = m.route;
  req.path_params = m.params;
  auto res = router.run(req);
  if (!res) {
    out.status = http_status(res.error().code);
    out.body = res.error().message;
    return out;
  }
  return *res;
}

}  // namespace charter::web::testing
