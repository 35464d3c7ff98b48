// Staff console sessions: login, current session, logout, own password change.
#include <string>

#include "http/authenticator.h"
#include "http/capability_routes.h"
#include "http/json_input.h"
#include "http/openapi.h"
#include "http/route_builder.h"

namespace charter::http {

using nlohmann::json;

namespace {

constexpr std::size_t kMinPassword = 12;

// HttpOnly: no script reads it. Secure: always (browsers accept Secure cookies from
// http://localhost; elsewhere the console needs HTTPS). SameSite=Strict: never sent on
// cross-site requests. Path=/: the console and the API.
std::string session_cookie(const std::string& secret, std::int64_t max_age) {
  return std::string(kSessionCookieName) + "=" + secret +
         "; Path=/; Max-Age=" + std::to_string(max_age) + "; HttpOnly; Secure; SameSite=Strict";
}

Result<std::string> presented_secret(const Request& req) {
  CHARTER_TRY(auto creds, extract_credentials(req.headers));
  if (!creds) return make_error(Errc::kUnauthenticated, "no credential");
  return creds->secret;
}

json principal_json(const Principal& p) {
  return {{"staff_id", p.id},
          {"roles", p.roles},
          {"csrf_token", p.csrf_token},
          {"must_change_password", p.must_change_password}};
}

}  // namespace

Status add_session_routes(Router& router, const ApiContext& ctx) {
  staff::StaffRegistry* staff = ctx.staff;
  SessionStore* sessions = ctx.sessions;
  const json member_schema =
      object_schema({{"staff_id", {{"type", "string"}}},
                     {"roles", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                     {"csrf_token", {{"type", "string"}}},
                     {"expires_at", {{"type", "string"}, {"format", "date-time"}}},
                     {"must_change_password", {{"type", "boolean"}}}},
                    {"staff_id", "roles", "csrf_token"});

  Route login = make_route(Method::kPost, "/v1/session", "login", "Staff console login", "session");
  login.description =
      "E-mail and password of a staff member. Sets the session cookie (HttpOnly, Secure, "
      "SameSite=Strict) and returns the CSRF token to send in X-CSRF-Token on unsafe requests.";
  login.auth = Auth::kNone;
  login.body = body_of(
      "Credentials",
      {{"email", {{"type", "string"}, {"format", "email"}}}, {"password", {{"type", "string"}}}},
      {"email", "password"});
  login.replies = {
      {201, "Logged in; Set-Cookie carries the session", "application/json", member_schema}};
  login.handler = [staff, sessions](Request& req) -> Result<Response> {
    CHARTER_TRY_STATUS(check_members(req.json, {"email", "password"}));
    CHARTER_TRY(auto email, string_member(req.json, "email", 254));
    CHARTER_TRY(auto password, string_member(req.json, "password", 1024));
    CHARTER_TRY(staff::Identity who, staff->login(email, password));
    CHARTER_TRY(NewSession session, sessions->create(who.id));
    CHARTER_TRY(bool must_change, sessions->password_change_required(who.id));
    auto max_age = sessions->options().lifetime.count();
    Response r = json_response(201, {{"staff_id", who.id},
                                     {"roles", who.roles},
                                     {"session_id", session.session_id},
                                     {"csrf_token", session.csrf_token},
                                     {"expires_at", format_timestamp(session.expires_at)},
                                     {"must_change_password", must_change}});
    r.headers.add("Set-Cookie", session_cookie(session.secret, max_age));
    return r;
  };
  CHARTER_TRY_STATUS(router.add(std::move(login)));

  Route current =
      make_route(Method::kGet, "/v1/session", "getSession", "The current staff session", "session");
  current.auth = Auth::kStaff;
  current.replies = {
      {200, "Who is logged in, with the session's CSRF token", "application/json", member_schema}};
  current.handler = [](Request& req) -> Result<Response> {
    return json_response(200, principal_json(*req.principal));
  };
  CHARTER_TRY_STATUS(router.add(std::move(current)));

  Route logout = make_route(Method::kDelete, "/v1/session", "logout",
                            "Logout: revokes the session and clears the cookie", "session");
  logout.auth = Auth::kStaff;
  logout.replies = {{204, "Logged out", "", nullptr}};
  logout.handler = [staff, sessions](Request& req) -> Result<Response> {
    CHARTER_TRY(auto secret, presented_secret(req));
    CHARTER_TRY_STATUS(sessions->revoke(secret));
    Response r = no_content();
    r.headers.add("Set-Cookie", session_cookie("", 0));
    return r;
  };
  CHARTER_TRY_STATUS(router.add(std::move(logout)));

  Route password = make_route(Method::kPut, "/v1/session/password", "changeOwnPassword",
                              "Change one's own console password", "session");
  password.description =
      "Needs the current password. Every session of the member is revoked afterwards (log in "
      "again). The new password has at least 12 characters and differs from the current one. "
      "A member who must change their password (the first DPO, whose password serve printed) "
      "can only call this route, GET and DELETE /v1/session until they do: any other route "
      "answers 403 with the problem type password-change-required.";
  password.auth = Auth::kStaff;
  password.body = body_of("Current and new password",
                          {{"current_password", {{"type", "string"}}},
                           {"new_password", {{"type", "string"}, {"minLength", kMinPassword}}}},
                          {"current_password", "new_password"});
  password.replies = {{204, "Password changed; sessions revoked", "", nullptr}};
  password.handler = [staff, sessions](Request& req) -> Result<Response> {
    CHARTER_TRY_STATUS(check_members(req.json, {"current_password", "new_password"}));
    CHARTER_TRY(auto current_pw, string_member(req.json, "current_password", 1024));
    CHARTER_TRY(auto next_pw, string_member(req.json, "new_password", 1024));
    if (next_pw.size() < kMinPassword) {
      return make_error(Errc::kInvalidArgument, "new_password: at least 12 characters");
    }
    if (next_pw == current_pw) {
      return make_error(Errc::kInvalidArgument,
                        "new_password: must differ from the current password");
    }
    CHARTER_TRY(auto details, staff->details(req.principal->id));
    auto who = staff->login(details.email, current_pw);
    if (!who) {
      if (who.error().code == Errc::kUnauthenticated) {
        return make_error(Errc::kPermissionDenied, "current_password: not the current password");
      }
      return std::move(who).error();
    }
    CHARTER_TRY_STATUS(staff->set_password(req.principal->id, next_pw));
    CHARTER_TRY_STATUS(sessions->clear_password_change(req.principal->id));
    CHARTER_TRY_STATUS(sessions->revoke_all(req.principal->id));
    Response r = no_content();
    r.headers.add("Set-Cookie", session_cookie("", 0));
    return r;
  };
  CHARTER_TRY_STATUS(router.add(std::move(password)));
  return ok_status();
}

}  // namespace charter::http
