// Data-subject requests over HTTP (docs/RIGHTS.md, docs/HTTP.md "Rights"): the subject-facing
// routes (submit, ask for another code, verify the code — which opens the subject session —,
// see one's own requests, upload a proof) and the DPO's queue (record with the real receipt date,
// list with deadline status, classify, settle identity or proof, extend, fulfil, refuse).
//
// Subject routes take no credential (Auth::kNone, rate-limited per address by the pipeline and
// per address/client by the verifier); the routes under /v1/rights/me read the subject session
// cookie `charter_subject` (HttpOnly, Secure, SameSite=Strict) and only ever show the requests of
// the session's address: another request id is 404, as an unknown one.
#include <nlohmann/json.hpp>

#include "crypto/encoding.h"
#include "http/authenticator.h"
#include "http/capability_routes.h"
#include "http/cookies.h"
#include "http/json_input.h"
#include "http/openapi.h"
#include "http/route_builder.h"
#include "rights/service.h"

namespace charter::http {

using nlohmann::json;

namespace {

const json kObject = {{"type", "object"}};
const json kString = {{"type", "string"}};
const json kRightEnum = {{"type", "string"},
                         {"enum",
                          {"access", "rectification", "erasure", "restriction", "portability",
                           "withdraw_consent", "objection", "post_mortem"}}};

json subject_view(const rights::Request& r, Date today) {
  const auto d = rights::deadline_view(r, today);
  json out = {{"request_id", r.id},
              {"type", rights::to_string(r.type)},
              {"state", rights::to_string(r.state)},
              {"requester", rights::to_string(r.requester)},
              {"proof", rights::to_string(r.proof)},
              {"language", r.language},
              {"received", format_date(r.received)},
              {"due", format_date(d.due)},
              {"extended", r.extended_due.has_value()},
              {"created_at", format_timestamp(r.created_at)},
              {"updated_at", format_timestamp(r.updated_at)}};
  if (d.status) out["deadline_status"] = rights::to_string(*d.status);
  if (!r.answer.empty()) out["answer"] = r.answer;
  return out;
}

json staff_view(const rights::Request& r, Date today) {
  json out = subject_view(r, today);
  out["email"] = r.email;
  out["text"] = r.text;
  out["channel"] = r.channel;
  out["subject_id"] = r.subject_id;
  out["first_month_due"] = format_date(r.due);
  json params = json::parse(r.params_json, nullptr, false);
  out["params"] = params.is_discarded() ? json::object() : params;
  out["verified_at"] = time_json(r.verified_at);
  return out;
}

std::string subject_cookie(const std::string& secret, std::int64_t max_age) {
  return std::string(rights::kSubjectCookie) + "=" + secret +
         "; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age);
}

Result<rights::RightType> right_member(const json& body, std::string_view name, bool required) {
  auto v = optional_string(body, name, 32);
  if (!v) return v.error();
  if (!*v) {
    if (required) {
      return make_error(Errc::kInvalidArgument, std::string(name) +
                                                    ": required; one of access, "
                                                    "rectification, erasure, "
                                                    "restriction, portability, "
                                                    "withdraw_consent, objection, "
                                                    "post_mortem");
    }
    return rights::RightType::kUnclassified;
  }
  auto t = rights::parse_right(**v);
  if (!t || *t == rights::RightType::kUnclassified) {
    return make_error(Errc::kInvalidArgument,
                      std::string(name) +
                          ": one of access, rectification, erasure, restriction, "
                          "portability, withdraw_consent, objection, post_mortem");
  }
  return *t;
}

// The common members of a new request.
Result<rights::NewRequest> new_request(const json& body, bool type_required) {
  rights::NewRequest n;
  CHARTER_TRY(n.type, right_member(body, "type", type_required));
  CHARTER_TRY(n.email, string_member(body, "email", 254));
  CHARTER_TRY(auto lang, optional_string(body, "language", 2));
  if (lang) n.language = *lang;
  CHARTER_TRY(auto text, optional_string(body, "text", 10000));
  if (text) n.text = *text;
  if (body.contains("params")) {
    if (!body["params"].is_object()) {
      return make_error(Errc::kInvalidArgument, "params: a JSON object");
    }
    n.params_json = body["params"].dump();
  }
  CHARTER_TRY(auto requester, optional_string(body, "requester", 16));
  if (requester) {
    auto r = rights::parse_requester(*requester);
    if (!r) return make_error(Errc::kInvalidArgument, "requester: subject, heir or agent");
    n.requester = *r;
  }
  return n;
}

// The address index of the request's subject session (kUnauthenticated without one).
Result<crypto::BlindIndex> session_of(const Request& req, rights::RightsService& svc) {
  auto cookie = req.headers.get("Cookie");
  std::optional<std::string_view> secret;
  if (cookie) secret = find_cookie(*cookie, rights::kSubjectCookie);
  if (!secret) {
    return make_error(Errc::kUnauthenticated,
                      "subject session: verify the code of a request first");
  }
  return svc.sessions().check(*secret);
}

// One request of the session's address; 404 for any other.
Result<rights::Request> own_request(const Request& req, rights::RightsService& svc) {
  CHARTER_TRY(auto index, session_of(req, svc));
  CHARTER_TRY(std::string id, id_param(req, "request_id", "dsr"));
  CHARTER_TRY(auto own, svc.own_requests(index));
  for (auto& r : own) {
    if (r.id == id) return std::move(r);
  }
  return make_error(Errc::kNotFound, "request: no such request");
}

Route staff_route(Method m, std::string path, std::string op, std::string summary) {
  return make_route(m, std::move(path), std::move(op), std::move(summary), "rights");
}

}  // namespace

Status add_rights_routes(Router& router, const ApiContext& ctx) {
  rights::RightsService& svc = *ctx.rights;
  const Clock& clock = *ctx.clock;
  auto today = [&clock] { return date_of(clock.now()); };

  // --- Subjects -------------------------------------------------------------------------------
  {
    Route r = make_route(Method::kPost, "/v1/rights/requests", "submitRightsRequest",
                         "Exercise a right: a one-time code is e-mailed to the address", "rights");
    r.description =
        "Same answer for every address, known or not: the code is always sent, and only its "
        "verified owner learns whether data is held. Rate-limited per address and per client. "
        "503 when no outbox is configured.";
    r.auth = Auth::kNone;
    r.body = body_of("The request",
                     {{"type", kRightEnum},
                      {"email", {{"type", "string"}, {"format", "email"}}},
                      {"language", {{"type", "string"}, {"enum", {"fr", "en"}}}},
                      {"text", kString},
                      {"params", kObject},
                      {"requester", {{"type", "string"}, {"enum", {"subject", "heir", "agent"}}}}},
                     {"type", "email"});
    r.replies = {{202, "Received; a code was sent to the address", "application/json", kObject}};
    r.handler = [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(
          check_members(req.json, {"type", "email", "language", "text", "params", "requester"}));
      CHARTER_TRY(auto n, new_request(req.json, true));
      n.channel = "privacy_center";
      CHARTER_TRY(auto made, svc.submit(n, req.remote_ip));
      return json_response(202, {{"request_id", made.id},
                                 {"state", rights::to_string(made.state)},
                                 {"message", "If the address is valid, a code was sent to it."}});
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kPost, "/v1/rights/requests/{request_id}/code", "resendRightsCode",
                         "Send another one-time code (the previous one stops working)", "rights");
    r.auth = Auth::kNone;
    r.replies = {{202, "Sent", "application/json", kObject}};
    r.handler = [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY(std::string id, id_param(req, "request_id", "dsr"));
      CHARTER_TRY_STATUS(svc.resend_code(id, req.remote_ip));
      return json_response(202, {{"request_id", id}});
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r =
        make_route(Method::kPost, "/v1/rights/requests/{request_id}/verify", "verifyRightsCode",
                   "Verify the one-time code; opens the subject session", "rights");
    r.description =
        "Sets the subject session cookie charter_subject (HttpOnly, Secure, SameSite=Strict, "
        "30 minutes), scoped to the verified address. At most 5 attempts per code.";
    r.auth = Auth::kNone;
    r.body = body_of("The code", {{"code", kString}}, {"code"});
    r.replies = {
        {200, "Verified; the request and the session expiry", "application/json", kObject}};
    r.handler = [&svc, today](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"code"}));
      CHARTER_TRY(std::string id, id_param(req, "request_id", "dsr"));
      CHARTER_TRY(std::string code, string_member(req.json, "code", 16));
      CHARTER_TRY(auto v, svc.verify(id, code));
      Response out =
          json_response(200, {{"request", subject_view(v.request, today())},
                              {"session_expires_at", format_timestamp(v.session.expires_at)}});
      const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(svc.sessions().ttl());
      out.headers.add("Set-Cookie", subject_cookie(v.session.secret, max_age.count()));
      return out;
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/rights/me/requests", "listOwnRightsRequests",
                         "The requests made from the session's address, with state and deadline",
                         "rights");
    r.auth = Auth::kNone;
    r.replies = {{200, "Requests", "application/json", kObject}};
    r.handler = [&svc, today](Request& req) -> Result<Response> {
      CHARTER_TRY(auto index, session_of(req, svc));
      CHARTER_TRY(auto own, svc.own_requests(index));
      json out = json::array();
      for (const auto& r : own) out.push_back(subject_view(r, today()));
      return json_response(200, {{"requests", out}});
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kGet, "/v1/rights/me/requests/{request_id}", "getOwnRightsRequest",
                         "One request of the session's address", "rights");
    r.auth = Auth::kNone;
    r.replies = {{200, "The request", "application/json", kObject}};
    r.handler = [&svc, today](Request& req) -> Result<Response> {
      CHARTER_TRY(auto mine, own_request(req, svc));
      return json_response(200, subject_view(mine, today()));
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r =
        make_route(Method::kPost, "/v1/rights/me/requests/{request_id}/proof", "uploadRightsProof",
                   "Heirs and agents: upload the proof (sealed) for the DPO", "rights");
    r.auth = Auth::kNone;
    r.body = body_of("The document, base64url", {{"document", kString}}, {"document"});
    r.replies = {{200, "The request, proof pending", "application/json", kObject}};
    r.handler = [&svc, today](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"document"}));
      CHARTER_TRY(auto mine, own_request(req, svc));
      CHARTER_TRY(std::string doc, string_member(req.json, "document", 6 * 1024 * 1024));
      auto bytes = crypto::from_base64url(doc);
      if (!bytes) return make_error(Errc::kInvalidArgument, "document: base64url bytes");
      std::string raw(crypto::as_chars(*bytes));
      CHARTER_TRY(auto after,
                  svc.upload_proof(mine.id, raw, rights::Actor{rights::Actor::Kind::kSubject, ""}));
      return json_response(200, subject_view(after, today()));
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = make_route(Method::kDelete, "/v1/rights/me/session", "closeSubjectSession",
                         "Close the subject session", "rights");
    r.auth = Auth::kNone;
    r.replies = {{204, "Closed", "", nullptr}};
    r.handler = [&svc](Request& req) -> Result<Response> {
      auto cookie = req.headers.get("Cookie");
      if (cookie) {
        if (auto secret = find_cookie(*cookie, rights::kSubjectCookie)) {
          CHARTER_TRY_STATUS(svc.sessions().close(*secret));
        }
      }
      Response out = no_content();
      out.headers.add("Set-Cookie", subject_cookie("", 0));
      return out;
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }

  // --- The DPO's queue -----------------------------------------------------------------------
  {
    Route r = staff_route(Method::kPost, "/v1/rights/queue", "recordRightsRequest",
                          "Record a request received by e-mail or post, with its receipt date");
    r.body = body_of("The request (type may be left out: classify it later)",
                     {{"type", kRightEnum},
                      {"email", {{"type", "string"}, {"format", "email"}}},
                      {"language", {{"type", "string"}, {"enum", {"fr", "en"}}}},
                      {"text", kString},
                      {"params", kObject},
                      {"requester", {{"type", "string"}, {"enum", {"subject", "heir", "agent"}}}},
                      {"channel", kString},
                      {"received", {{"type", "string"}, {"format", "date"}}}},
                     {"email"});
    r.replies = {{201, "Recorded (state received)", "application/json", kObject}};
    guard(r, rules::kRights, [&svc, today](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"type", "email", "language", "text", "params",
                                                  "requester", "channel", "received"}));
      CHARTER_TRY(auto n, new_request(req.json, false));
      CHARTER_TRY(auto channel, optional_string(req.json, "channel", 64));
      n.channel = channel ? *channel : "email_dpo";
      CHARTER_TRY(n.received, optional_date(req.json, "received"));
      CHARTER_TRY(auto made, svc.record(n, req.principal->id));
      return json_response(201, staff_view(made, today()));
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = staff_route(Method::kGet, "/v1/rights/queue", "listRightsQueue",
                          "The queue with each request's deadline status");
    r.params.push_back({"state", ParamIn::kQuery, "Only requests in this state", kString});
    r.params.push_back(
        {"open", ParamIn::kQuery, "\"true\": only requests not yet answered", kString});
    r.replies = {{200, "Requests, oldest first", "application/json", kObject}};
    guard(r, rules::kRights, [&svc, today](Request& req) -> Result<Response> {
      std::optional<rights::State> state;
      if (auto s = req.query_param("state")) {
        state = rights::parse_state(*s);
        if (!state) {
          return make_error(Errc::kInvalidArgument,
                            "state: received, awaiting_verification, in_progress, extended, "
                            "fulfilled, partially_fulfilled or refused");
        }
      }
      const bool open = req.query_param("open") == std::optional<std::string_view>("true");
      CHARTER_TRY(auto list, svc.queue().list(state, open));
      json out = json::array();
      for (const auto& r : list) out.push_back(staff_view(r, today()));
      return json_response(200, {{"requests", out}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = staff_route(Method::kGet, "/v1/rights/queue/{request_id}", "getRightsRequest",
                          "One request with its history (who did what, when, why)");
    r.replies = {{200, "The request", "application/json", kObject}};
    guard(r, rules::kRights, [&svc, today](Request& req) -> Result<Response> {
      CHARTER_TRY(std::string id, id_param(req, "request_id", "dsr"));
      CHARTER_TRY(auto r, svc.queue().get(id));
      CHARTER_TRY(auto hist, svc.queue().history(id));
      json h = json::array();
      for (const auto& t : hist) {
        json e = {{"at", format_timestamp(t.at)},
                  {"to", rights::to_string(t.to)},
                  {"actor", t.actor.id},
                  {"reason", t.reason}};
        if (t.from) e["from"] = rights::to_string(*t.from);
        if (!t.note.empty()) e["note"] = t.note;
        h.push_back(std::move(e));
      }
      json out = staff_view(r, today());
      out["history"] = std::move(h);
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  auto action = [&](std::string verb, std::string op, std::string summary, json props,
                    json required,
                    std::function<Result<json>(Request&, const std::string&)> run) -> Status {
    Route r = staff_route(Method::kPost, "/v1/rights/queue/{request_id}/" + verb, std::move(op),
                          std::move(summary));
    r.body = body_of("Parameters", std::move(props), std::move(required));
    r.replies = {{200, "The request after the change", "application/json", kObject}};
    guard(r, rules::kRights, [run](Request& req) -> Result<Response> {
      CHARTER_TRY(std::string id, id_param(req, "request_id", "dsr"));
      CHARTER_TRY(json out, run(req, id));
      return json_response(200, out);
    });
    return router.add(std::move(r));
  };
  CHARTER_TRY_STATUS(action("classify", "classifyRightsRequest", "Say which right it exercises",
                            {{"type", kRightEnum}}, {"type"},
                            [&svc, today](Request& req, const std::string& id) -> Result<json> {
                              CHARTER_TRY_STATUS(check_members(req.json, {"type"}));
                              CHARTER_TRY(auto t, right_member(req.json, "type", true));
                              CHARTER_TRY(auto r, svc.classify(id, t, req.principal->id));
                              return staff_view(r, today());
                            }));
  CHARTER_TRY_STATUS(
      action("identity", "confirmRightsIdentity",
             "The identity is established otherwise (say how): in progress", {{"note", kString}},
             {"note"}, [&svc, today](Request& req, const std::string& id) -> Result<json> {
               CHARTER_TRY_STATUS(check_members(req.json, {"note"}));
               CHARTER_TRY(auto note, string_member(req.json, "note", 2000));
               CHARTER_TRY(auto r, svc.confirm_identity(id, req.principal->id, note));
               return staff_view(r, today());
             }));
  CHARTER_TRY_STATUS(action("code", "sendRightsCode",
                            "E-mail a one-time code to the requester: awaiting verification",
                            json::object(), json::array(),
                            [&svc, today](Request& req, const std::string& id) -> Result<json> {
                              CHARTER_TRY_STATUS(check_members(req.json, {}));
                              CHARTER_TRY(auto r, svc.send_code(id, req.principal->id));
                              return staff_view(r, today());
                            }));
  CHARTER_TRY_STATUS(action(
      "proof", "decideRightsProof",
      "Accept (naming the subject) or refuse the proof of an heir or agent",
      {{"decision", {{"type", "string"}, {"enum", {"accept", "refuse"}}}},
       {"subject_id", kString},
       {"note", kString}},
      {"decision", "note"}, [&svc, today](Request& req, const std::string& id) -> Result<json> {
        CHARTER_TRY_STATUS(check_members(req.json, {"decision", "subject_id", "note"}));
        CHARTER_TRY(auto decision, string_member(req.json, "decision", 8));
        if (decision != "accept" && decision != "refuse") {
          return make_error(Errc::kInvalidArgument, "decision: accept or refuse");
        }
        CHARTER_TRY(auto subject, optional_string(req.json, "subject_id", 64));
        CHARTER_TRY(auto note, string_member(req.json, "note", 2000));
        if (decision == "accept" && !subject) {
          return make_error(Errc::kInvalidArgument, "subject_id: the subject the proof is about");
        }
        CHARTER_TRY(auto r, svc.decide_proof(id, decision == "accept", subject.value_or(""),
                                             req.principal->id, note));
        return staff_view(r, today());
      }));
  CHARTER_TRY_STATUS(action(
      "extend", "extendRightsRequest",
      "Extend by two months (within the first month only); the reason is sent to the requester",
      {{"reason", kString}}, {"reason"},
      [&svc, today](Request& req, const std::string& id) -> Result<json> {
        CHARTER_TRY_STATUS(check_members(req.json, {"reason"}));
        CHARTER_TRY(auto reason, string_member(req.json, "reason", 2000));
        CHARTER_TRY(auto r, svc.extend(id, req.principal->id, reason));
        return staff_view(r, today());
      }));
  CHARTER_TRY_STATUS(
      action("fulfil", "fulfilRightsRequest",
             "Carry the right out and send the answer (access and portability: the archive link)",
             {{"params", kObject}, {"note", kString}}, json::array(),
             [&svc, today](Request& req, const std::string& id) -> Result<json> {
               CHARTER_TRY_STATUS(check_members(req.json, {"params", "note"}));
               rights::FulfilOptions fo;
               if (req.json.contains("params")) {
                 if (!req.json["params"].is_object()) {
                   return make_error(Errc::kInvalidArgument, "params: a JSON object");
                 }
                 fo.params_json = req.json["params"].dump();
               }
               CHARTER_TRY(auto note, optional_string(req.json, "note", 4000));
               if (note) fo.note = *note;
               CHARTER_TRY(auto o, svc.fulfil(id, req.principal->id, fo));
               json out = staff_view(o.request, today());
               if (!o.archive_link.empty()) out["archive_link"] = o.archive_link;
               return out;
             }));
  CHARTER_TRY_STATUS(action(
      "refuse", "refuseRightsRequest",
      "Refuse (art. 12(5): manifestly unfounded or excessive; or identity not established)",
      {{"ground",
        {{"type", "string"},
         {"enum", {"manifestly_unfounded", "excessive", "identity_not_established"}}}},
       {"reasons", kString}},
      {"ground", "reasons"}, [&svc, today](Request& req, const std::string& id) -> Result<json> {
        CHARTER_TRY_STATUS(check_members(req.json, {"ground", "reasons"}));
        CHARTER_TRY(auto ground, string_member(req.json, "ground", 32));
        if (ground == "proof_refused") {
          return make_error(Errc::kInvalidArgument,
                            "ground: manifestly_unfounded, excessive or identity_not_established");
        }
        CHARTER_TRY(auto reasons, string_member(req.json, "reasons", 4000));
        CHARTER_TRY(auto o, svc.refuse(id, req.principal->id, ground, reasons));
        return staff_view(o.request, today());
      }));
  return ok_status();
}

}  // namespace charter::http
