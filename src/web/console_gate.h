// The console's gate: who is logged in, and the wrapper every console page runs in.
//
// console_page() turns a page function into a route handler that:
//   1. reads the session cookie (charter_session) and authenticates it with the production
//      authenticator (the member's roles and suspension as they are now); no cookie, an invalid
//      session or a suspended member: 303 See Other to /console/login; an expired or revoked
//      session: 303 to /console/login?expired=1 (the login page says so);
//   2. for POST, checks CSRF (http/csrf.h: Sec-Fetch-Site, Origin, the session's token in the
//      `csrf_token` form field); a failure renders the error page with 403;
//   3. sets the request's principal and runs the page inside ApiContext::around (the audit
//      trail's actor is the member, as for /v1 routes);
//   4. renders an Error returned by the page as the error page (status from core/error.h; the
//      message is the module's, which never holds personal data).
// Thread safe (the WebContext is immutable).
#pragma once

#include <functional>
#include <string>

#include "http/principal.h"
#include "http/route.h"
#include "web/web_context.h"

namespace charter::web {

// Console pages post forms: with "no-referrer" Chromium sends "Origin: null" on those posts and
// the CSRF Origin check could not pass. "same-origin" still sends no referrer to other sites.
inline constexpr std::string_view kConsoleReferrerPolicy = "same-origin";

struct ConsoleCall {
  http::Request& request;
  const http::Principal& member;
  std::string lang;
  std::optional<std::string> explicit_lang;  // keep in links and redirects
  http::Params form;                         // decoded form fields (POST)
};

using ConsolePage = std::function<Result<http::Response>(ConsoleCall&)>;

http::Handler console_page(std::shared_ptr<const WebContext> web, ConsolePage page);

// The chrome of a console page for `call`'s member.
PageChrome console_chrome(const ConsoleCall& call, std::string title, std::string path);

// Renders `page` for a console call (html_response with the page's status).
Result<http::Response> render_console(const WebContext& web, const ConsoleCall& call,
                                      std::string_view page, const nlohmann::json& view,
                                      const std::string& title_key, const std::string& path,
                                      int status = 200);

// The error page, for public and console pages.
http::Response error_page(const WebContext& web, const std::string& lang, int status,
                          const std::string& message, const std::string& back, bool console);

// Session cookie with the properties of POST /v1/session (HttpOnly; Secure; SameSite=Strict;
// Path=/); max_age 0 clears it.
std::string session_cookie(const std::string& secret, std::int64_t max_age);

bool has_role(const http::Principal& member, std::string_view role);

}  // namespace charter::web
