#include "http/route_builder.h"

#include "http/openapi.h"

namespace charter::http {

Route make_route(Method method, std::string path, std::string operation_id, std::string summary,
                 std::string tag) {
  Route r;
  r.method = method;
  r.operation_id = std::move(operation_id);
  r.summary = std::move(summary);
  r.tag = std::move(tag);
  for (std::size_t i = path.find('{'); i != std::string::npos; i = path.find('{', i + 1)) {
    auto end = path.find('}', i);
    std::string name = path.substr(i + 1, end - i - 1);
    r.params.push_back(
        {name, ParamIn::kPath, "Opaque id (" + name + ")", {{"type", "string"}}, true});
  }
  r.path = std::move(path);
  return r;
}

void guard(Route& route, const Rule& rule, Handler handler) {
  route.auth = rule.services ? Auth::kAny : Auth::kStaff;
  route.description = describe(rule);
  route.handler = [&rule, handler = std::move(handler)](Request& req) -> Result<Response> {
    if (!req.principal) return make_error(Errc::kUnauthenticated, "no credential");
    CHARTER_TRY_STATUS(allow(*req.principal, rule));
    return handler(req);
  };
}

Body body_of(std::string description, nlohmann::json properties, nlohmann::json required) {
  auto schema = object_schema(std::move(properties), std::move(required));
  schema["additionalProperties"] = false;
  return Body{std::move(description), std::move(schema)};
}

}  // namespace charter::http
