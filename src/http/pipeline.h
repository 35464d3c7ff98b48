// Pipeline: what happens to a parsed request, independent of sockets (the connection in
// session.cc drives it; tests drive it directly).
//
//   route()   (I/O thread, never blocks) request id; route match: 404 / 405 + Allow; for
//             routes without auth the per-address rate limit (429 + Retry-After); for routes
//             with auth, 401 when no credential is presented (and the address's bucket pays).
//   execute() (worker thread for Exec::kWorker routes, I/O thread for kInline) authentication
//             (401, or 429 when the address keeps failing), principal kind (403), per-credential
//             rate limit (429), CSRF for cookie sessions (403), JSON body: media type (415) and
//             bounded parse (400), Idempotency-Key on unsafe methods (replay, 422, 409), then
//             the handler; an Error from it becomes problem+json; an exception is a bug: 500.
//   open_stream() (worker thread) for a routed request that takes its route's streamed form
//             (Route::stream, takes_stream()): execute()'s authentication, principal, rate
//             limit and CSRF checks, then StreamForm::open; no body, no Idempotency-Key.
//   finish()  (I/O thread) X-Request-Id, security headers, metrics, one access-log line:
//             request id, method, route template, status, latency — never the raw target,
//             query, body or address.
//
// Thread safety: one Pipeline serves all connections; every method is thread safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "core/clock.h"
#include "core/random.h"
#include "http/authenticator.h"
#include "http/http_metrics.h"
#include "http/idempotency.h"
#include "http/limits.h"
#include "http/problem.h"
#include "http/rate_limiter.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"

namespace charter::http {

class Pipeline {
 public:
  Pipeline(const Router& router, Authenticator* authenticator, const Clock& clock, Random& random,
           HttpMetrics& metrics, const Limits& limits);

  std::string new_request_id();

  std::optional<Response> route(Request& request);
  Response execute(Request& request);
  // Whether a request with this method, path and Content-Type takes a streamed route form
  // (also before route(): a streamed body is not refused for its declared length).
  bool takes_stream(Method method, std::span<const std::string> segments,
                    std::string_view content_type) const;
  // Either `stream` is set and nullopt returned, or the problem to answer.
  std::optional<Response> open_stream(Request& request, std::unique_ptr<BodyStream>& stream);
  // The headers finish() adds (request id, security headers), for a response whose header is
  // sent before finish() is called (streamed answers).
  void decorate(const Request& request, Response& response, bool tls) const;
  void finish(const Request& request, Response& response,
              std::chrono::steady_clock::time_point started, bool tls);

  // A problem response for `request` (whose id must be set).
  Response problem(const Request& request, const Error& error,
                   const ProblemExtras& extras = {}) const;

  // Called by finish() for every refusal of a /v1 route that concerns security (400 malformed
  // or unacceptable input, 401, 403, 415) and every 413 (a body declared too large is refused
  // before routing), so the server can audit it. Runs on the I/O
  // thread: it must not block (queue the audit entry). Set before serving.
  using RefusalHook = std::function<void(const Request&, int status)>;
  void set_refusal_hook(RefusalHook hook) { refusal_ = std::move(hook); }
  static bool audited_refusal(const Request& request, int status);

  const Limits& limits() const { return limits_; }
  RateLimiter& rate_limiter() { return rate_limiter_; }
  IdempotencyStore& idempotency() { return idempotency_; }
  // Records shared by several servers (db_idempotency.h) instead of the in-memory ones; must
  // outlive the pipeline. Set before serving.
  void set_idempotency_records(IdempotencyRecords* records) {
    records_ = records ? records : &idempotency_;
  }

 private:
  std::optional<Response> limit(Request& request, const std::string& key, const RateLimit& rate);
  std::optional<Response> authorize(Request& request);
  Result<Response> run_handler(Request& request);
  Response authenticated_failure(Request& request, const Error& error);

  const Router& router_;
  Authenticator* authenticator_;
  Random& random_;
  HttpMetrics& metrics_;
  const Limits& limits_;
  RateLimiter rate_limiter_;
  IdempotencyStore idempotency_;
  IdempotencyRecords* records_ = &idempotency_;
  RefusalHook refusal_;
};

}  // namespace charter::http
