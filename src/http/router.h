// Router: the route table. Matches method + decoded path to a Route (route.h), answers 404 vs
// 405 (with the Allow list), serves HEAD with the GET route, and is what the OpenAPI document
// is generated from.
//
// Contract: add() checks a route before accepting it, so the table is always describable:
// a valid template (path_template.h), a handler, a unique method + template, a unique
// operationId (letters and digits, starting with a letter), a summary, every {name} of the
// template declared as a path Param and no path Param absent from it, no other template of
// the same shape ("/a/{x}" vs "/a/{y}"). Errors: kInvalidArgument naming the route.
// Matching prefers literal segments over parameters, from the left ("/v1/subjects/lookup"
// wins over "/v1/subjects/{id}"). Routes keep their address for the Router's lifetime.
// Thread safety: add() during setup only; find() and routes() are then safe from any thread.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/path_template.h"
#include "http/route.h"

namespace charter::http {

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;
  Params params;
  std::string allow;  // kMethodNotAllowed: "GET, HEAD, POST"
};

class Router {
 public:
  // Runs a matched route's handler (the pipeline calls run(), never the handler directly), so the
  // server can set per-request context (the audit trail's actor) around every handler.
  using Around = std::function<Result<Response>(Request&, const Handler&)>;

  Status add(Route route);
  void set_around(Around around) { around_ = std::move(around); }
  Result<Response> run(Request& request) const {
    return around_ ? around_(request, request.route->handler) : request.route->handler(request);
  }
  RouteMatch find(Method method, std::span<const std::string> segments) const;

  // Every route, in the order added.
  std::vector<const Route*> routes() const;
  // The parsed template of a route of this router.
  const PathTemplate& template_of(const Route& route) const;

 private:
  struct Entry {
    std::unique_ptr<Route> route;
    PathTemplate tmpl;
    std::string shape;
  };
  std::vector<Entry> entries_;
  Around around_;
};

}  // namespace charter::http
