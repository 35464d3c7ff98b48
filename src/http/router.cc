#include "http/router.h"

#include <algorithm>
#include <set>

namespace charter::http {

namespace {

bool is_operation_id(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  });
}

// -1 if a is more specific than b (a literal where b has a parameter, leftmost first).
int compare_specificity(const PathTemplate& a, const PathTemplate& b) {
  for (std::size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    if (a.segments[i].param != b.segments[i].param) return a.segments[i].param ? 1 : -1;
  }
  return 0;
}

}  // namespace

Status Router::add(Route route) {
  std::string name = std::string(to_string(route.method)) + " " + route.path;
  auto fail = [&](const std::string& what) {
    return make_error(Errc::kInvalidArgument, "route " + name + ": " + what);
  };
  if (route.method == Method::kHead || route.method == Method::kOther) {
    return fail("HEAD is served by the GET route; other methods are not routable");
  }
  auto parsed = parse_template(route.path);
  if (!parsed) return fail(parsed.error().message);
  if (!route.handler) return fail("no handler");
  if (!is_operation_id(route.operation_id)) return fail("operationId must be [A-Za-z][A-Za-z0-9]*");
  if (route.summary.empty()) return fail("no summary");

  std::set<std::string> in_template;
  for (auto& n : parsed->param_names()) in_template.insert(n);
  std::set<std::string> declared;
  for (const Param& p : route.params) {
    if (p.in != ParamIn::kPath) continue;
    if (!in_template.count(p.name)) return fail("path parameter " + p.name + " not in the path");
    declared.insert(p.name);
  }
  for (const auto& n : in_template) {
    if (!declared.count(n)) return fail("path parameter {" + n + "} is not declared");
  }
  for (const Entry& e : entries_) {
    if (e.route->operation_id == route.operation_id) return fail("operationId is not unique");
    if (e.shape == parsed->shape()) {
      if (e.route->path != route.path) return fail("same shape as " + e.route->path);
      if (e.route->method == route.method) return fail("defined twice");
    }
  }
  std::string shape = parsed->shape();
  entries_.push_back(
      {std::make_unique<Route>(std::move(route)), std::move(parsed).value(), std::move(shape)});
  return ok_status();
}

RouteMatch Router::find(Method method, std::span<const std::string> segments) const {
  RouteMatch out;
  const Entry* best = nullptr;
  Params params;
  for (const Entry& e : entries_) {
    if (best && e.shape == best->shape) continue;
    if (!e.tmpl.match(segments, params)) continue;
    if (!best || compare_specificity(e.tmpl, best->tmpl) < 0) {
      best = &e;
      out.params = params;
    }
  }
  if (!best) return out;
  const std::string& shape = best->shape;
  Method wanted = method == Method::kHead ? Method::kGet : method;
  std::vector<Method> allowed;
  for (const Entry& e : entries_) {
    if (e.shape != shape) continue;
    allowed.push_back(e.route->method);
    if (e.route->method == wanted) {
      out.kind = RouteMatch::Kind::kFound;
      out.route = e.route.get();
    }
  }
  if (out.kind == RouteMatch::Kind::kFound) return out;
  out.kind = RouteMatch::Kind::kMethodNotAllowed;
  out.params.clear();
  if (std::find(allowed.begin(), allowed.end(), Method::kGet) != allowed.end()) {
    allowed.push_back(Method::kHead);
  }
  std::sort(allowed.begin(), allowed.end());
  for (Method m : allowed) {
    if (!out.allow.empty()) out.allow += ", ";
    out.allow += to_string(m);
  }
  return out;
}

std::vector<const Route*> Router::routes() const {
  std::vector<const Route*> out;
  for (const Entry& e : entries_) out.push_back(e.route.get());
  return out;
}

const PathTemplate& Router::template_of(const Route& route) const {
  for (const Entry& e : entries_) {
    if (e.route.get() == &route) return e.tmpl;
  }
  detail::result_misuse("template_of: route not in this router");
}

}  // namespace charter::http
