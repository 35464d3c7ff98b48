#include "http/pipeline.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "core/id.h"
#include "http/csrf.h"
#include "http/json_body.h"
#include "http/security_headers.h"

namespace charter::http {

namespace {

bool is_json_media_type(std::string_view ct) {
  std::string_view base = ct.substr(0, ct.find(';'));
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  return iequals(base, "application/json") ||
         (base.size() > 5 && iequals(base.substr(base.size() - 5), "+json"));
}

std::string target_of(const Request& req) {
  std::string t = req.path;
  for (std::size_t i = 0; i < req.query.size(); ++i) {
    t += i == 0 ? '?' : '&';
    t += req.query[i].first;
    t += '=';
    t += req.query[i].second;
  }
  return t;
}

}  // namespace

Pipeline::Pipeline(const Router& router, Authenticator* authenticator, const Clock& clock,
                   Random& random, HttpMetrics& metrics, const Limits& limits)
    : router_(router),
      authenticator_(authenticator),
      random_(random),
      metrics_(metrics),
      limits_(limits),
      rate_limiter_(clock, limits.rate_limiter_keys),
      idempotency_(clock, limits.idempotency) {}

std::string Pipeline::new_request_id() { return new_id(random_, "req"); }

Response Pipeline::problem(const Request& req, const Error& error,
                           const ProblemExtras& extras) const {
  return problem_response(error, req.id, extras);
}

std::optional<Response> Pipeline::limit(Request& req, const std::string& key,
                                        const RateLimit& rate) {
  RateDecision d = rate_limiter_.take(key, rate);
  if (d.allowed) return std::nullopt;
  ProblemExtras extras;
  extras.retry_after_seconds = d.retry_after_seconds();
  return problem(req, make_error(Errc::kRateLimited, "too many requests; retry later"), extras);
}

std::optional<Response> Pipeline::route(Request& req) {
  if (req.id.empty()) req.id = new_request_id();
  RouteMatch m = router_.find(req.method, req.segments);
  if (m.kind == RouteMatch::Kind::kNotFound) {
    return problem(req, make_error(Errc::kNotFound, "no resource at this path"));
  }
  if (m.kind == RouteMatch::Kind::kMethodNotAllowed) {
    ProblemExtras extras;
    extras.allow = m.allow;
    return problem(req,
                   make_error(Errc::kMethodNotAllowed, "this resource does not support " +
                                                           std::string(to_string(req.method)) +
                                                           "; allowed: " + m.allow),
                   extras);
  }
  req.route = m.route;
  req.path_params = std::move(m.params);
  const Route& r = *m.route;
  if (r.auth == Auth::kNone) {
    if (r.rate_limited) return limit(req, anonymous_rate_key(req.remote_ip), limits_.anonymous);
    return std::nullopt;
  }
  auto creds = extract_credentials(req.headers);
  if (!creds || !*creds) {
    // Failed or missing credentials cost the address a token: guessing is throttled.
    if (auto limited = limit(req, anonymous_rate_key(req.remote_ip), limits_.anonymous)) {
      return limited;
    }
    return problem(req, creds ? make_error(Errc::kUnauthenticated,
                                           "this operation needs a bearer token or a session")
                              : creds.error());
  }
  return std::nullopt;
}

Response Pipeline::authenticated_failure(Request& req, const Error& error) {
  if (error.code == Errc::kUnauthenticated) {
    if (auto limited = limit(req, anonymous_rate_key(req.remote_ip), limits_.anonymous)) {
      return *limited;
    }
  }
  return problem(req, error);
}

std::optional<Response> Pipeline::authorize(Request& req) {
  const Route& r = *req.route;
  if (r.auth != Auth::kNone) {
    auto creds = extract_credentials(req.headers);
    if (!creds || !*creds) {
      return problem(req,
                     creds ? make_error(Errc::kUnauthenticated, "no credential") : creds.error());
    }
    if (!authenticator_) {
      return authenticated_failure(
          req, make_error(Errc::kUnauthenticated, "this server accepts no credentials yet"));
    }
    auto principal = authenticator_->authenticate(**creds);
    if (!principal) return authenticated_failure(req, principal.error());
    bool service = principal->kind == Principal::Kind::kService;
    if ((r.auth == Auth::kService && !service) || (r.auth == Auth::kStaff && service)) {
      return problem(req, make_error(Errc::kPermissionDenied,
                                     service ? "this operation is for staff members"
                                             : "this operation is for service tokens"));
    }
    if (r.rate_limited) {
      if (auto limited = limit(req, "cred:" + principal->id, limits_.credential)) return *limited;
    }
    if (auto csrf = check_csrf(req, *principal); !csrf) return problem(req, csrf.error());
    if (principal->must_change_password && !r.path.starts_with("/v1/session")) {
      ProblemExtras extras;
      extras.slug = "password-change-required";
      return problem(req,
                     make_error(Errc::kPermissionDenied,
                                "change your password first (PUT /v1/session/password)"),
                     extras);
    }
    req.principal = std::move(principal).value();
  }
  return std::nullopt;
}

Response Pipeline::execute(Request& req) {
  const Route& r = *req.route;
  if (auto refused = authorize(req)) return std::move(*refused);

  if (r.body) {
    auto ct = req.headers.get("Content-Type");
    if (!ct || !is_json_media_type(*ct)) {
      return problem(req, make_error(Errc::kBadMediaType, "the body must be application/json"));
    }
    auto json = parse_json_body(req.body, limits_.json);
    if (!json) return problem(req, json.error());
    req.json = std::move(json).value();
  }

  auto key = req.headers.get("Idempotency-Key");
  if (!key || !is_unsafe(req.method)) {
    auto res = run_handler(req);
    return res ? std::move(res).value() : problem(req, res.error());
  }
  if (auto ok = check_idempotency_key(*key); !ok) return problem(req, ok.error());
  std::string scope =
      req.principal ? "cred:" + req.principal->id : anonymous_rate_key(req.remote_ip);
  std::string k(*key);
  auto begun = records_->begin(
      scope, k, request_fingerprint(to_string(req.method), target_of(req), req.body));
  if (!begun) return problem(req, begun.error());
  auto& begin = *begun;
  switch (begin.outcome) {
    case IdempotencyStore::Outcome::kReplay:
      begin.response.headers.set("Idempotent-Replayed", "true");
      return begin.response;
    case IdempotencyStore::Outcome::kMismatch:
      return problem(req, make_error(Errc::kUnprocessable,
                                     "this Idempotency-Key was used for a different request"));
    case IdempotencyStore::Outcome::kInProgress:
      return problem(req, make_error(Errc::kConflict,
                                     "a request with this Idempotency-Key is still being "
                                     "processed; retry later"));
    case IdempotencyStore::Outcome::kProceed:
      break;
  }
  auto res = run_handler(req);
  Response out = res ? std::move(res).value() : problem(req, res.error());
  if (out.status >= 500) {
    records_->abandon(scope, k);
  } else {
    records_->complete(scope, k, out);
  }
  return out;
}

Result<Response> Pipeline::run_handler(Request& req) {
  try {
    auto res = router_.run(req);
    if (!res && res.error().code == Errc::kInternal) {
      spdlog::error("{} internal error: {}", req.id, res.error().message);
    } else if (!res && res.error().code == Errc::kUnavailable) {
      // The operator must see why writes stop (a fenced store, an unreachable database); the
      // messages of the store carry no personal data.
      spdlog::warn("{} unavailable: {}", req.id, res.error().message);
    }
    return res;
  } catch (const std::exception& e) {
    spdlog::error("{} handler threw (a bug): {}", req.id, e.what());
  } catch (...) {
    spdlog::error("{} handler threw (a bug)", req.id);
  }
  return make_error(Errc::kInternal, "handler failed");
}

bool Pipeline::takes_stream(Method method, std::span<const std::string> segments,
                            std::string_view content_type) const {
  if (method != Method::kPost) return false;
  RouteMatch m = router_.find(method, segments);
  return m.kind == RouteMatch::Kind::kFound && m.route->stream &&
         m.route->stream->accepts(content_type);
}

std::optional<Response> Pipeline::open_stream(Request& req, std::unique_ptr<BodyStream>& stream) {
  if (auto refused = authorize(req)) return refused;
  try {
    auto opened = req.route->stream->open(req);
    if (!opened) {
      if (opened.error().code == Errc::kUnavailable) {
        spdlog::warn("{} unavailable: {}", req.id, opened.error().message);
      }
      return problem(req, opened.error());
    }
    stream = std::move(opened).value();
    return std::nullopt;
  } catch (const std::exception& e) {
    spdlog::error("{} stream open threw (a bug): {}", req.id, e.what());
  }
  return problem(req, make_error(Errc::kInternal, "handler failed"));
}

void Pipeline::decorate(const Request& req, Response& res, bool tls) const {
  res.headers.set("X-Request-Id", req.id);
  add_security_headers(res, req.route ? std::string_view(req.route->cache_control) : "no-store",
                       tls);
}

bool Pipeline::audited_refusal(const Request& req, int status) {
  // A body declared too large is refused while the header is read, before routing.
  if (status == 413) return true;
  if (!req.route || !req.route->path.starts_with("/v1/")) return false;
  return status == 400 || status == 401 || status == 403 || status == 413 || status == 415;
}

void Pipeline::finish(const Request& req, Response& res,
                      std::chrono::steady_clock::time_point started, bool tls) {
  decorate(req, res, tls);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.observe(req.route, res.status, seconds);
  if (refusal_ && audited_refusal(req, res.status)) refusal_(req, res.status);
  spdlog::info("{} {} {} {} {:.3f}ms", req.id, to_string(req.method),
               req.route ? std::string_view(req.route->path) : std::string_view("unmatched"),
               res.status, seconds * 1e3);
}

}  // namespace charter::http
