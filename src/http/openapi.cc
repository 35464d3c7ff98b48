#include "http/openapi.h"

#include <algorithm>
#include <set>

#include "http/authenticator.h"

namespace charter::http {

namespace {

using nlohmann::json;

const char* in_name(ParamIn in) {
  switch (in) {
    case ParamIn::kPath:
      return "path";
    case ParamIn::kQuery:
      return "query";
    case ParamIn::kHeader:
      return "header";
  }
  return "query";
}

std::string lower_method(Method m) {
  std::string s(to_string(m));
  for (char& c : s) c = static_cast<char>(c - 'A' + 'a');
  return s;
}

json problem_ref(const std::string& description) {
  return {
      {"description", description},
      {"content",
       {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}};
}

json operation(const Route& r) {
  json op = {{"operationId", r.operation_id}, {"summary", r.summary}};
  if (!r.description.empty()) op["description"] = r.description;
  if (!r.tag.empty()) op["tags"] = json::array({r.tag});

  json params = json::array();
  for (const Param& p : r.params) {
    json j = {{"name", p.name},
              {"in", in_name(p.in)},
              {"required", p.in == ParamIn::kPath || p.required},
              {"schema", p.schema}};
    if (!p.description.empty()) j["description"] = p.description;
    params.push_back(std::move(j));
  }
  bool session = r.auth == Auth::kStaff || r.auth == Auth::kAny;
  if (is_unsafe(r.method)) {
    params.push_back({{"$ref", "#/components/parameters/IdempotencyKey"}});
    if (session) params.push_back({{"$ref", "#/components/parameters/CsrfToken"}});
  }
  if (!params.empty()) op["parameters"] = std::move(params);

  if (r.body) {
    op["requestBody"] = {{"required", true},
                         {"content", {{"application/json", {{"schema", r.body->schema}}}}}};
    if (!r.body->description.empty()) op["requestBody"]["description"] = r.body->description;
  }
  if (r.stream) {
    // The streamed form (route.h StreamForm): another media type of the same request body.
    if (!op.contains("requestBody")) op["requestBody"] = {{"required", true}, {"content", {}}};
    for (const std::string& t : r.stream->media_types) {
      op["requestBody"]["content"][t] = {
          {"schema", {{"type", "string"}, {"description", r.stream->description}}}};
    }
  }

  json responses = json::object();
  for (const Reply& rep : r.replies) {
    json j = {{"description", rep.description.empty() ? "OK" : rep.description},
              {"headers", {{"X-Request-Id", {{"$ref", "#/components/headers/XRequestId"}}}}}};
    json media = json::object();
    if (!rep.schema.is_null()) media["schema"] = rep.schema;
    const std::string k = std::to_string(rep.status);
    if (responses.contains(k)) {
      // Another media type of the same status (a route's streamed form).
      if (!rep.content_type.empty()) responses[k]["content"][rep.content_type] = media;
      continue;
    }
    if (!rep.content_type.empty()) j["content"] = {{rep.content_type, media}};
    responses[k] = std::move(j);
  }
  auto problem = [&](int status, const char* why) {
    std::string k = std::to_string(status);
    if (!responses.contains(k)) responses[k] = problem_ref(why);
  };
  bool has_input = !r.params.empty() || r.body;
  if (has_input) problem(400, "Invalid parameter or body");
  if (r.auth != Auth::kNone) {
    problem(401, "No valid credential");
    problem(403, "Credential not allowed this operation");
  }
  if (!r.params.empty() && std::any_of(r.params.begin(), r.params.end(),
                                       [](const Param& p) { return p.in == ParamIn::kPath; })) {
    problem(404, "Not found");
  }
  if (r.body) {
    problem(413, "Body too large");
    problem(415, "Body is not application/json");
  }
  if (is_unsafe(r.method)) {
    problem(409, "A request with this Idempotency-Key is still running");
    problem(422, "Idempotency-Key reused with a different request");
  }
  if (r.rate_limited || r.auth != Auth::kNone) problem(429, "Too many requests");
  if (r.exec == Exec::kWorker) problem(503, "Server busy or storage unavailable");
  responses["default"] = problem_ref("Error (RFC 9457 problem details)");
  op["responses"] = std::move(responses);

  switch (r.auth) {
    case Auth::kNone:
      op["security"] = json::array();
      break;
    case Auth::kService:
      op["security"] = json::array({{{"bearerAuth", json::array()}}});
      break;
    case Auth::kStaff:
    case Auth::kAny:
      op["security"] =
          json::array({{{"bearerAuth", json::array()}}, {{"cookieAuth", json::array()}}});
      break;
  }
  return op;
}

// Member `key` of `o` as a string ("" when absent or not a string), without throwing.
std::string str(const json& o, const char* key) {
  if (!o.is_object() || !o.contains(key) || !o[key].is_string()) return "";
  return o[key].get<std::string>();
}

bool flag(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_boolean() && o[key].get<bool>();
}

// Every "$ref" in `j`, for validation.
void collect_refs(const json& j, std::vector<std::string>& out) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == "$ref" && it->is_string()) out.push_back(it->get<std::string>());
      collect_refs(*it, out);
    }
  } else if (j.is_array()) {
    for (const auto& e : j) collect_refs(e, out);
  }
}

}  // namespace

json object_schema(json properties, json required) {
  return {
      {"type", "object"}, {"properties", std::move(properties)}, {"required", std::move(required)}};
}

json problem_schema() {
  return {{"type", "object"},
          {"description", "RFC 9457 problem details"},
          {"required", json::array({"type", "title", "status", "instance"})},
          {"properties",
           {{"type", {{"type", "string"}, {"format", "uri"}}},
            {"title", {{"type", "string"}}},
            {"status", {{"type", "integer"}}},
            {"detail", {{"type", "string"}}},
            {"instance", {{"type", "string"}, {"description", "The request id"}}}}}};
}

json openapi_document(const Router& router, const ApiInfo& info) {
  json paths = json::object();
  for (const Route* r : router.routes()) paths[r->path][lower_method(r->method)] = operation(*r);
  json doc = {
      {"openapi", "3.1.0"},
      {"info", {{"title", info.title}, {"version", info.version}}},
      {"paths", std::move(paths)},
      {"components",
       {{"schemas", {{"Problem", problem_schema()}}},
        {"securitySchemes",
         {{"bearerAuth",
           {{"type", "http"},
            {"scheme", "bearer"},
            {"description", "Service token (random, bound to purposes)"}}},
          {"cookieAuth",
           {{"type", "apiKey"},
            {"in", "cookie"},
            {"name", std::string(kSessionCookieName)},
            {"description", "Staff console session"}}}}},
        {"parameters",
         {{"IdempotencyKey",
           {{"name", "Idempotency-Key"},
            {"in", "header"},
            {"required", false},
            {"description", "A retry with the same key and request gets the first response again"},
            {"schema", {{"type", "string"}, {"minLength", 1}, {"maxLength", 255}}}}},
          {"CsrfToken",
           {{"name", "X-CSRF-Token"},
            {"in", "header"},
            {"required", false},
            {"description", "The session's CSRF token (required with cookieAuth)"},
            {"schema", {{"type", "string"}}}}}}},
        {"headers",
         {{"XRequestId",
           {{"description", "The request id (also the problem `instance`)"},
            {"schema", {{"type", "string"}}}}}}}}}};
  if (!info.description.empty()) doc["info"]["description"] = info.description;
  return doc;
}

Status validate_openapi(const json& doc) {
  std::vector<std::string> problems;
  auto bad = [&](std::string what) { problems.push_back(std::move(what)); };
  if (!doc.is_object()) return make_error(Errc::kInvalidArgument, "document is not an object");
  if (str(doc, "openapi") != "3.1.0") bad("openapi is not \"3.1.0\"");
  const json* info = doc.contains("info") ? &doc["info"] : nullptr;
  auto has_string = [](const json* o, const char* key) {
    return o && o->is_object() && o->contains(key) && (*o)[key].is_string();
  };
  if (!has_string(info, "title") || !has_string(info, "version")) {
    bad("info.title and info.version must be strings");
  }
  if (!doc.contains("paths") || !doc["paths"].is_object()) {
    bad("paths is not an object");
  } else {
    static const std::set<std::string> kMethods = {"get",     "put",  "post",  "delete",
                                                   "options", "head", "patch", "trace"};
    std::set<std::string> op_ids;
    for (auto it = doc["paths"].begin(); it != doc["paths"].end(); ++it) {
      const std::string& path = it.key();
      if (path.empty() || path[0] != '/') bad(path + ": path does not start with /");
      std::set<std::string> in_path;
      for (std::size_t i = path.find('{'); i != std::string::npos; i = path.find('{', i + 1)) {
        std::size_t end = path.find('}', i);
        if (end == std::string::npos) {
          bad(path + ": unclosed {");
          break;
        }
        in_path.insert(path.substr(i + 1, end - i - 1));
      }
      if (!it->is_object()) {
        bad(path + ": path item is not an object");
        continue;
      }
      for (auto op = it->begin(); op != it->end(); ++op) {
        if (!kMethods.count(op.key())) continue;
        if (!op->is_object()) {
          bad(op.key() + " " + path + ": operation is not an object");
          continue;
        }
        std::string where = op.key() + " " + path;
        std::string id = str(*op, "operationId");
        if (id.empty()) bad(where + ": no operationId");
        if (!op_ids.insert(id).second) bad(where + ": operationId " + id + " is not unique");
        if (!op->contains("responses") || !(*op)["responses"].is_object() ||
            (*op)["responses"].empty()) {
          bad(where + ": no responses");
        }
        std::set<std::string> declared;
        if (op->contains("parameters") && (*op)["parameters"].is_array()) {
          for (const json& p : (*op)["parameters"]) {
            if (!p.is_object() || !p.contains("in") || p["in"] != "path") continue;
            std::string name = str(p, "name");
            if (!in_path.count(name)) bad(where + ": path parameter " + name + " not in path");
            if (!flag(p, "required")) bad(where + ": path parameter " + name + " optional");
            declared.insert(name);
          }
        }
        for (const auto& n : in_path) {
          if (!declared.count(n)) bad(where + ": {" + n + "} is not declared");
        }
      }
    }
  }
  std::vector<std::string> refs;
  collect_refs(doc, refs);
  for (const auto& ref : refs) {
    if (ref.rfind("#/", 0) != 0) continue;
    // Walk the pointer by hand (json_pointer throws on malformed input).
    const json* at = &doc;
    std::string_view rest = std::string_view(ref).substr(2);
    while (at && !rest.empty()) {
      std::size_t slash = rest.find('/');
      std::string token(rest.substr(0, slash));
      rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
      at = at->is_object() && at->contains(token) ? &(*at)[token] : nullptr;
    }
    if (!at) bad("unresolved $ref " + ref);
  }
  if (problems.empty()) return ok_status();
  std::string msg;
  for (const auto& p : problems) msg += (msg.empty() ? "" : "\n") + p;
  return make_error(Errc::kInvalidArgument, msg);
}

}  // namespace charter::http
