// Route: one operation of the API — how it is matched, what it needs, and how it is described.
// The Router (router.h) serves routes and the OpenAPI document (openapi.h) is generated from the
// same objects, so a route cannot exist without its description.
//
// Contract for handlers: called with a Request whose route, path params, principal (per `auth`)
// and JSON body (per `body`) are set and checked; return a Response or an Error (turned into
// problem+json by the pipeline). Handlers must be thread safe (several run at once). With
// Exec::kWorker (the default) they run on the bounded worker pool and may block on storage;
// Exec::kInline runs them on the I/O thread and is only for handlers that never block
// (in-memory data: health, metrics, policy documents).
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "http/method.h"
#include "http/request.h"
#include "http/response.h"

namespace charter::http {

// Who may call: nobody needs a credential (kNone: credentials are not even looked at), a
// service token, a staff session (or staff token), or either.
enum class Auth { kNone, kService, kStaff, kAny };
enum class Exec { kWorker, kInline };
enum class ParamIn { kPath, kQuery, kHeader };

struct Param {
  std::string name;
  ParamIn in = ParamIn::kQuery;
  std::string description;
  nlohmann::json schema = {{"type", "string"}};  // JSON Schema
  bool required = false;                         // path parameters are always required
};

// A JSON request body (application/json), parsed with the server's JSON limits before the
// handler runs.
struct Body {
  std::string description;
  nlohmann::json schema;  // JSON Schema of the body
};

// One documented response. The standard problem responses (400, 401, 403, 404, 413, 415, 422,
// 429, 500, 503) are added to the description by the generator where they apply.
struct Reply {
  int status = 200;
  std::string description;
  std::string content_type = "application/json";  // "" for no content
  nlohmann::json schema;                          // null: no schema given
};

using Handler = std::function<Result<Response>(Request&)>;

// A request body answered while it is read (Route::stream): the connection hands the body's
// bytes to feed() as they arrive, in order and in slices of any size, and sends what feed()
// appends to `out` as chunks of a chunked 200 response; finish() is called once at the end of
// the body. A feed() or finish() error ends the response with the line
// "#error\t<problem slug>\t<message>\n" (the status line is already sent). Both run on the
// worker pool (they may block on storage), one call at a time.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  virtual Status feed(std::string_view bytes, std::string& out) = 0;
  virtual Status finish(std::string& out) = 0;
  // Called once when the exchange ends, however it ends (finished, failed, client gone).
  virtual void close() {}
};

// The streamed form of a route: chosen when the request is an HTTP/1.1 POST whose Content-Type
// is one of `media_types`. The body size limit does not apply (memory stays bounded by the
// BodyStream); the body timeout applies to each read (no byte for that long: the stream ends
// with "#error\ttimeout..."). open() runs on a worker after authentication (req.principal is
// set, req.body is empty, req.json is null) and either returns the stream (200 follows) or an
// Error answered as problem+json before any body byte is read.
struct StreamForm {
  std::vector<std::string> media_types;  // e.g. "text/plain"
  std::string response_type;             // Content-Type of the answer
  std::string description;               // request body, for the OpenAPI document
  std::string response_description;
  std::function<Result<std::unique_ptr<BodyStream>>(Request&)> open;

  bool accepts(std::string_view content_type) const;
};

struct Route {
  Method method = Method::kGet;
  std::string path;          // template: "/v1/subjects/{id}"
  std::string operation_id;  // unique: "getSubject"
  std::string summary;
  std::string description;
  std::string tag;
  Auth auth = Auth::kNone;
  std::vector<Param> params;
  std::optional<Body> body;
  std::vector<Reply> replies;
  Exec exec = Exec::kWorker;
  bool rate_limited = true;  // false only for monitoring routes (healthz, metrics)
  std::string cache_control = "no-store";
  Handler handler;
  std::optional<StreamForm> stream;  // POST only: the streamed form of the body (above)
};

}  // namespace charter::http
