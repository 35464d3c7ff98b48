// Data Rights Protocol routes (docs/DRP.md, DRP 1.0 / 0.9.4 section 2): pair-wise key setup and
// agent check, exercise, status and revoke of data rights requests. They answer as the protocol
// says, not in problem+json: 200 application/json, or an application/json error
// {"code": "<status>", "message": "...", "fatal": true?}; a failed pair-wise setup is 403 with no
// body (DRP 2.05.1). Bodies are text/plain (base64 of signature || JSON), read raw: the routes
// declare no JSON body. No Charter credential: Auth::kNone (the pipeline ignores the
// Authorization field); the DRP bearer token is checked by drp::DrpService.
#include "drp/service.h"
#include "http/capability_routes.h"
#include "http/openapi.h"
#include "http/route_builder.h"

namespace charter::http {

using nlohmann::json;

namespace {

const char* kTag = "drp";

const json kError = {{"type", "object"},
                     {"required", {"code", "message"}},
                     {"properties",
                      {{"code", {{"type", "string"}}},
                       {"message", {{"type", "string"}}},
                       {"fatal", {{"type", "boolean"}}}}}};

const json kStatus = {
    {"type", "object"},
    {"required", {"request_id", "status"}},
    {"properties",
     {{"request_id", {{"type", "string"}}},
      {"agent_request_id", {{"type", "string"}}},
      {"received_at", {{"type", "string"}}},
      {"expected_by", {{"type", "string"}}},
      {"processing_details", {{"type", "string"}}},
      {"status",
       {{"type", "string"},
        {"enum", {"open", "in_progress", "fulfilled", "revoked", "denied", "expired"}}}},
      {"reason", {{"type", "string"}}},
      {"user_verification_url", {{"type", "string"}}},
      {"expires_at", {{"type", "string"}}}}}};

Response reply(const drp::DrpReply& r) {
  if (r.no_body) {
    Response empty;
    empty.status = r.status;
    return empty;
  }
  return json_response(r.status, r.body);
}

drp::Call call_of(const Request& req) {
  drp::Call c;
  c.authorization = req.headers.get("Authorization");
  c.body = req.body;
  c.http_request_id = req.id;
  return c;
}

void describe_errors(Route& r, std::initializer_list<int> statuses) {
  for (int s : statuses) {
    r.replies.push_back({s, "DRP error (DRP 3.06): code is the status as a string",
                         std::string(kJsonType), kError});
  }
}

const char* kSigned =
    " The body is text/plain: the base64 of a 64-byte Ed25519 signature followed by the signed "
    "JSON document (libsodium combined mode), checked as DRP 3.07 says, in order: base64, "
    "signature with the agent's key, agent-id, business-id, issued-at, expires-at; then "
    "drp.version (\"0.9.4\" or \"1.0\").";

}  // namespace

Status add_drp_routes(Router& router, const ApiContext& ctx) {
  drp::DrpService* drp = ctx.drp;

  Route pair = make_route(Method::kPost, "/v1/agent/{agent_id}", "drpPairAgent",
                          "DRP pair-wise key setup: a bearer token for a trusted agent", kTag);
  pair.description =
      std::string(
          "Signed claims agent-id (as in the path), business-id, issued-at, expires-at, "
          "drp.version. Answers {\"agent-id\", \"token\"}; a failed validation is 403 "
          "with no body (DRP 2.05.1).") +
      kSigned;
  pair.replies = {
      {200, "The agent's bearer token", std::string(kJsonType),
       json{{"type", "object"},
            {"properties", {{"agent-id", {{"type", "string"}}}, {"token", {{"type", "string"}}}}}}},
      {403, "Validation failed (no body)", "", nullptr}};
  describe_errors(pair, {503});
  pair.handler = [drp](Request& req) -> Result<Response> {
    return reply(drp->pair(req.path_param("agent_id"), call_of(req)));
  };
  CHARTER_TRY_STATUS(router.add(std::move(pair)));

  Route info = make_route(Method::kGet, "/v1/agent/{agent_id}", "drpAgentInfo",
                          "DRP agent information: {} while the bearer token is valid", kTag);
  info.description = "Authorization: Bearer <token> of POST /v1/agent/{agent-id}.";
  info.replies = {{200, "The token is valid", std::string(kJsonType), json{{"type", "object"}}}};
  describe_errors(info, {401, 403, 503});
  info.handler = [drp](Request& req) -> Result<Response> {
    return reply(drp->agent_info(req.path_param("agent_id"), call_of(req)));
  };
  CHARTER_TRY_STATUS(router.add(std::move(info)));

  Route exercise = make_route(Method::kPost, "/v1/data-rights-request", "drpExercise",
                              "DRP data rights exercise: access, deletion, sale:opt-out", kTag);
  exercise.description =
      std::string(
          "Authorization: Bearer <token>. Claims: agent-id, business-id, issued-at, "
          "expires-at, drp.version, exercise (access -> GDPR art. 15, deletion -> "
          "art. 17, sale:opt-out or sale:opt_out -> objection, art. 21), optional "
          "agent-request-id, regime, relationships, status_callback, and the user's "
          "email (required) with email_verified.") +
      kSigned;
  exercise.replies = {
      {200, "The status of the new request (DRP 3.03)", std::string(kJsonType), kStatus}};
  describe_errors(exercise, {400, 401, 403, 429, 503});
  exercise.handler = [drp](Request& req) -> Result<Response> {
    return reply(drp->exercise(call_of(req)));
  };
  CHARTER_TRY_STATUS(router.add(std::move(exercise)));

  Route status = make_route(Method::kGet, "/v1/data-rights-request/{request_id}", "drpStatus",
                            "DRP data rights status of a request of this agent", kTag);
  status.description =
      "Authorization: Bearer <token>. Another agent's request, or an unknown id, is 403.";
  status.replies = {{200, "The status (DRP 3.03)", std::string(kJsonType), kStatus}};
  describe_errors(status, {401, 403, 503});
  status.handler = [drp](Request& req) -> Result<Response> {
    return reply(drp->status(req.path_param("request_id"), call_of(req)));
  };
  CHARTER_TRY_STATUS(router.add(std::move(status)));

  Route revoke = make_route(Method::kDelete, "/v1/data-rights-request/{request_id}", "drpRevoke",
                            "DRP data rights revoke: the request is cancelled (revoked)", kTag);
  revoke.description =
      std::string(
          "Authorization: Bearer <token>. Signed claims: optional reason (and any of "
          "the 3.07 claims, checked when present). A closed request is 409.") +
      kSigned;
  revoke.replies = {{200, "The status, now revoked", std::string(kJsonType), kStatus}};
  describe_errors(revoke, {400, 401, 403, 409, 503});
  revoke.handler = [drp](Request& req) -> Result<Response> {
    return reply(drp->revoke(req.path_param("request_id"), call_of(req)));
  };
  CHARTER_TRY_STATUS(router.add(std::move(revoke)));
  return ok_status();
}

}  // namespace charter::http
