// The data subject's own session over HTTP (docs/RIGHTS.md "The subject's own session"): sign in
// with an e-mail code (no request needed), then read and change what concerns them under
// /v1/rights/me/... — data, consents, objections and restriction, requests and archive links,
// post-mortem directives, access history. Authorised ONLY by the `charter_subject` session
// cookie; the subject is the session's, never an id from the URL (http/subject_self.h). Writes
// take JSON bodies and pass the Sec-Fetch-Site/Origin checks (CSRF).
#include <nlohmann/json.hpp>

#include "http/capability_routes.h"
#include "http/csrf.h"
#include "http/json_input.h"
#include "http/openapi.h"
#include "http/route_builder.h"
#include "http/subject_self.h"

namespace charter::http {

using nlohmann::json;

namespace {

const json kObject = {{"type", "object"}};
const json kString = {{"type", "string"}};
const json kBool = {{"type", "boolean"}};
constexpr const char* kWho =
    "Authorised only by the subject session cookie charter_subject (a verified e-mail code); "
    "the subject is the session's own, never taken from the URL. ";

std::string lang_of(const Request& req, const SelfSession& s) {
  if (auto l = req.query_param("lang"); l && (*l == "fr" || *l == "en")) return std::string(*l);
  return s.who.language == "fr" ? "fr" : "en";
}

Result<bool> bool_member(const json& body, const char* name) {
  if (!body.contains(name) || !body[name].is_boolean()) {
    return make_error(Errc::kInvalidArgument, std::string(name) + ": required, true or false");
  }
  return body[name].get<bool>();
}

Route me_route(Method m, std::string path, std::string op, std::string summary,
               std::string description) {
  Route r = make_route(m, std::move(path), std::move(op), std::move(summary), "rights");
  r.auth = Auth::kNone;
  r.description = kWho + description;
  if (m == Method::kGet) {
    r.params.push_back({"lang", ParamIn::kQuery, "Language of the labels: fr or en", kString});
  }
  return r;
}

}  // namespace

Status add_subject_self_routes(Router& router, const ApiContext& ctx) {
  rights::RightsService& svc = *ctx.rights;
  auto self = std::make_shared<SubjectSelf>(ctx);
  using Fn = std::function<Result<Response>(Request&, SelfSession&)>;
  // A handler that opens the session (and, for writes, checks the origin) first.
  auto in_session = [&svc](Fn fn) -> Handler {
    return [&svc, fn](Request& req) -> Result<Response> {
      CHARTER_TRY(auto s, self_session(req, svc));
      if (is_unsafe(req.method)) CHARTER_TRY_STATUS(check_same_origin(req));
      return fn(req, s);
    };
  };

  // --- Sign-in ---------------------------------------------------------------------------------
  {
    Route r = make_route(Method::kPost, "/v1/rights/sign-in", "startSubjectSignIn",
                         "Sign in to the privacy center: a one-time code is e-mailed", "rights");
    r.description =
        "Same answer and work for every address, known or not (the vault is not consulted). "
        "Rate-limited per address and client like an intake. 503 without an outbox.";
    r.auth = Auth::kNone;
    r.body = body_of("The address",
                     {{"email", {{"type", "string"}, {"format", "email"}}},
                      {"language", {{"type", "string"}, {"enum", {"fr", "en"}}}}},
                     {"email"});
    r.replies = {{202, "A code was sent if the address is valid", "application/json", kObject}};
    r.handler = [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"email", "language"}));
      CHARTER_TRY(auto email, string_member(req.json, "email", 254));
      CHARTER_TRY(auto lang, optional_string(req.json, "language", 2));
      CHARTER_TRY(auto id, svc.start_sign_in(email, lang.value_or("fr"), req.remote_ip));
      return json_response(202, {{"sign_in_id", id},
                                 {"message", "If the address is valid, a code was sent to it."}});
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r =
        make_route(Method::kPost, "/v1/rights/sign-in/{sign_in_id}/verify", "verifySubjectSignIn",
                   "Verify the sign-in code; opens the subject session", "rights");
    r.description =
        "Sets charter_subject (HttpOnly, Secure, SameSite=Strict, Path=/, 30 minutes). At most 5 "
        "attempts per code; the code is valid 30 minutes.";
    r.auth = Auth::kNone;
    r.body = body_of("The code", {{"code", kString}}, {"code"});
    r.replies = {
        {200, "Signed in: expiry and the CSRF token of the session", "application/json", kObject}};
    r.handler = [&svc](Request& req) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"code"}));
      CHARTER_TRY(std::string id, id_param(req, "sign_in_id", "sgn"));
      CHARTER_TRY(std::string code, string_member(req.json, "code", 16));
      CHARTER_TRY(auto session, svc.verify_sign_in(id, code));
      Response out =
          json_response(200, {{"session_expires_at", format_timestamp(session.expires_at)},
                              {"csrf_token", self_csrf_token(session.secret)}});
      const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(svc.sessions().ttl());
      out.headers.add("Set-Cookie", subject_session_cookie(session.secret, max_age.count()));
      return out;
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = me_route(Method::kGet, "/v1/rights/me/session", "getSubjectSession",
                       "The session: whether data is held for the address, its language",
                       "The CSRF token is the one the privacy center's forms carry.");
    r.replies = {{200, "known, language, csrf_token", "application/json", kObject}};
    r.handler = in_session([](Request&, SelfSession& s) -> Result<Response> {
      return json_response(200, {{"known", !s.who.subject_id.empty()},
                                 {"language", s.who.language},
                                 {"csrf_token", s.csrf_token}});
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }

  // --- Data, consents, objection, restriction --------------------------------------------------
  {
    Route r = me_route(Method::kGet, "/v1/rights/me/data", "getOwnData",
                       "My data: every value and event held (GDPR art. 15)",
                       "The read is decided and audited first (purpose rights_management, actor "
                       "the service privacy_center for the verified subject).");
    r.replies = {{200, "known, decision, values, events, purposes", "application/json", kObject}};
    r.handler = in_session([self](Request& req, SelfSession& s) -> Result<Response> {
      CHARTER_TRY(auto out, self->data(s, lang_of(req, s), req.id));
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = me_route(Method::kGet, "/v1/rights/me/consents", "getOwnConsents",
                       "My consents: the state of each purpose resting on consent", "");
    r.replies = {{200, "consents[]", "application/json", kObject}};
    r.handler = in_session([self](Request& req, SelfSession& s) -> Result<Response> {
      CHARTER_TRY(auto out, self->consents(s, lang_of(req, s)));
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = me_route(Method::kPut, "/v1/rights/me/consents/{purpose}", "setOwnConsent",
                       "Give or withdraw my consent to a purpose (one call either way)",
                       "Recorded in the consent ledger (channel privacy_center); access decisions "
                       "change at once.");
    r.body = body_of("true: give; false: withdraw", {{"given", kBool}}, {"given"});
    r.replies = {{200, "The event recorded", "application/json", kObject}};
    r.handler = in_session([self](Request& req, SelfSession& s) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"given"}));
      CHARTER_TRY(bool give, bool_member(req.json, "given"));
      std::string purpose(req.path_param("purpose"));
      CHARTER_TRY(auto out, self->set_consent(s, purpose, give, lang_of(req, s), req));
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = me_route(Method::kGet, "/v1/rights/me/objections", "getOwnObjections",
                       "My objections (purposes open to objection) and restriction", "");
    r.replies = {{200, "objections[], restriction, grounds[]", "application/json", kObject}};
    r.handler = in_session([self](Request& req, SelfSession& s) -> Result<Response> {
      CHARTER_TRY(auto out, self->objections(s, lang_of(req, s)));
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = me_route(Method::kPut, "/v1/rights/me/objections/{purpose}", "setOwnObjection",
                       "Object to a purpose (GDPR art. 21) or lift my objection",
                       "Takes effect at once on access decisions.");
    r.body = body_of("true: object; false: lift", {{"objected", kBool}}, {"objected"});
    r.replies = {{200, "The event recorded", "application/json", kObject}};
    r.handler = in_session([self](Request& req, SelfSession& s) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"objected"}));
      CHARTER_TRY(bool object, bool_member(req.json, "objected"));
      CHARTER_TRY(auto out, self->set_objection(s, req.path_param("purpose"), object));
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = me_route(Method::kPut, "/v1/rights/me/restriction", "setOwnRestriction",
                       "Restrict the processing of my data (GDPR art. 18) or lift it",
                       "Placing needs an art. 18(1) ground (default accuracy_contested).");
    r.body = body_of(
        "The restriction",
        {{"restricted", kBool},
         {"ground",
          {{"type", "string"},
           {"enum",
            {"accuracy_contested", "unlawful_processing", "legal_claims", "objection_pending"}}}}},
        {"restricted"});
    r.replies = {{200, "The state after the change", "application/json", kObject}};
    r.handler = in_session([self](Request& req, SelfSession& s) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"restricted", "ground"}));
      CHARTER_TRY(bool restrict, bool_member(req.json, "restricted"));
      CHARTER_TRY(auto ground, optional_string(req.json, "ground", 32));
      CHARTER_TRY(auto out, self->set_restriction(s, restrict, ground.value_or("")));
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }

  // --- Requests and archives ----------------------------------------------------------------
  {
    Route r = me_route(Method::kPost, "/v1/rights/me/requests", "makeOwnRightsRequest",
                       "Exercise a right from the session (no second code: in progress at once)",
                       "The deadline runs from today.");
    r.body = body_of("The request",
                     {{"type",
                       {{"type", "string"},
                        {"enum",
                         {"access", "rectification", "erasure", "restriction", "portability",
                          "withdraw_consent", "objection", "post_mortem"}}}},
                      {"text", kString},
                      {"language", {{"type", "string"}, {"enum", {"fr", "en"}}}}},
                     {"type"});
    r.replies = {{201, "The request with its due date", "application/json", kObject}};
    r.handler = in_session([self](Request& req, SelfSession& s) -> Result<Response> {
      CHARTER_TRY_STATUS(check_members(req.json, {"type", "text", "language"}));
      CHARTER_TRY(auto type, string_member(req.json, "type", 32));
      CHARTER_TRY(auto text, optional_string(req.json, "text", 10000));
      CHARTER_TRY(auto lang, optional_string(req.json, "language", 2));
      CHARTER_TRY(auto out,
                  self->make_request(s, type, text.value_or(""), lang.value_or(s.who.language)));
      return json_response(201, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = me_route(Method::kGet, "/v1/rights/me/archives", "listOwnArchives",
                       "My requests with state, deadline and, once answered, the archive link",
                       "archive_link: the access/portability archive (GET /archives/{token}, "
                       "expires).");
    r.replies = {{200, "requests[]", "application/json", kObject}};
    r.handler = in_session([self](Request&, SelfSession& s) -> Result<Response> {
      CHARTER_TRY(auto out, self->requests(s));
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }

  // --- Directives and history ---------------------------------------------------------------
  const json kPerson = {{"type", "object"},
                        {"properties", {{"name", kString}, {"email", kString}}},
                        {"required", {"name", "email"}}};
  {
    Route r =
        me_route(Method::kGet, "/v1/rights/me/directives", "getOwnDirectives",
                 "My post-mortem directives in force (loi Informatique et Libertés art. 85)", "");
    r.replies = {{200, "directives (null: none)", "application/json", kObject}};
    r.handler = in_session([self](Request&, SelfSession& s) -> Result<Response> {
      CHARTER_TRY(auto out, self->directives(s));
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = me_route(Method::kPut, "/v1/rights/me/directives", "recordOwnDirectives",
                       "Record or change my post-mortem directives (replaces those in force)",
                       "Audited with the subject (pseudonym) as actor.");
    r.body = body_of("The directives",
                     {{"actions",
                       {{"type", "array"},
                        {"items",
                         {{"type", "object"},
                          {"properties",
                           {{"type", {{"type", "string"}, {"enum", {"erase", "keep", "pass"}}}},
                            {"recipient", kPerson}}},
                          {"required", {"type"}}}}}},
                      {"executor", kPerson},
                      {"language", {{"type", "string"}, {"enum", {"fr", "en"}}}},
                      {"note", kString}},
                     {"actions"});
    r.replies = {{200, "The directives in force", "application/json", kObject}};
    r.handler = in_session([self](Request& req, SelfSession& s) -> Result<Response> {
      CHARTER_TRY(auto out, self->record_directives(s, req.json));
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = me_route(Method::kDelete, "/v1/rights/me/directives", "revokeOwnDirectives",
                       "Revoke my post-mortem directives", "");
    r.replies = {{204, "Revoked", "", nullptr}};
    r.handler = in_session([self](Request&, SelfSession& s) -> Result<Response> {
      CHARTER_TRY_STATUS(self->revoke_directives(s));
      return no_content();
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    Route r = me_route(Method::kGet, "/v1/rights/me/history", "getOwnAccessHistory",
                       "Who used my data, for which purpose, when, with which decision",
                       "From the audit log; staff appear by role, services by id; newest first.");
    r.replies = {{200, "records[]", "application/json", kObject}};
    r.handler = in_session([self](Request& req, SelfSession& s) -> Result<Response> {
      CHARTER_TRY(auto out, self->history(s, lang_of(req, s)));
      return json_response(200, out);
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  return ok_status();
}

}  // namespace charter::http
