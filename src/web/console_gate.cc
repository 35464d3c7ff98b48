#include "web/console_gate.h"

#include "http/authenticator.h"
#include "http/csrf.h"

namespace charter::web {

using nlohmann::json;

std::string session_cookie(const std::string& secret, std::int64_t max_age) {
  return std::string(http::kSessionCookieName) + "=" + secret +
         "; Path=/; Max-Age=" + std::to_string(max_age) + "; HttpOnly; Secure; SameSite=Strict";
}

bool has_role(const http::Principal& member, std::string_view role) {
  for (const auto& r : member.roles) {
    if (r == role) return true;
  }
  return false;
}

PageChrome console_chrome(const ConsoleCall& call, std::string title, std::string path) {
  PageChrome c;
  c.title = std::move(title);
  c.path = std::move(path);
  c.console = true;
  c.member = {{"staff_id", call.member.id},
              {"roles", call.member.roles},
              {"csrf_token", call.member.csrf_token}};
  return c;
}

Result<http::Response> render_console(const WebContext& web, const ConsoleCall& call,
                                      std::string_view page, const json& view,
                                      const std::string& title_key, const std::string& path,
                                      int status) {
  CHARTER_TRY(std::string body,
              web.site->render(page, call.lang, view,
                               console_chrome(call, web.site->word(call.lang, title_key), path)));
  http::Response r = html_response(status, std::move(body), call.lang);
  r.headers.set("Referrer-Policy", std::string(kConsoleReferrerPolicy));
  return r;
}

http::Response error_page(const WebContext& web, const std::string& lang, int status,
                          const std::string& message, const std::string& back, bool console) {
  PageChrome c;
  c.title = web.site->word(lang, "error_title");
  c.path = back;
  c.console = console;
  json view = {{"heading", web.site->word(lang, status == 404 ? "not_found" : "error_title")},
               {"message", message},
               {"back", back}};
  auto body = web.site->render("error", lang, view, c);
  return html_response(status, body ? *body : std::string("error"), lang);
}

http::Handler console_page(std::shared_ptr<const WebContext> web, ConsolePage page) {
  return [web, page](http::Request& req) -> Result<http::Response> {
    http::Params form = req.method == http::Method::kPost ? form_fields(req) : http::Params{};
    auto chosen = explicit_lang(*web, req, form);
    std::string lang = web->site->choose_language(req, chosen);
    auto login = [&](bool expired) {
      std::string to = "/console/login";
      if (expired) to += "?expired=1";
      return see_other(with_lang(to, chosen));
    };
    if (!web->authenticator) return login(false);
    auto creds = http::extract_credentials(req.headers);
    if (!creds || !*creds || (*creds)->kind != http::Credentials::Kind::kSessionCookie) {
      return login(false);
    }
    auto principal = web->authenticator->authenticate(**creds);
    if (!principal) {
      const std::string& m = principal.error().message;
      if (principal.error().code == Errc::kUnavailable) {
        return error_page(*web, lang, 503, web->site->word(lang, "unavailable"), "/console", true);
      }
      return login(m == "session expired" || m == "session revoked");
    }
    if (principal->kind != http::Principal::Kind::kStaff) return login(false);
    if (auto csrf = http::check_csrf(req, *principal); !csrf) {
      return error_page(*web, lang, 403, web->site->word(lang, "csrf_failed"),
                        with_lang("/console", chosen), true);
    }
    // The first DPO's printed password must be changed first (docs/HTTP.md): only the password
    // form and logout are open until it is.
    if (principal->must_change_password && req.path != "/console/password" &&
        req.path != "/console/logout") {
      return see_other(with_lang("/console/password", chosen));
    }
    req.principal = *principal;
    ConsoleCall call{req, *req.principal, lang, chosen, std::move(form)};
    http::Handler inner = [&](http::Request&) -> Result<http::Response> { return page(call); };
    auto res = web->api.around ? web->api.around(req, inner) : inner(req);
    if (res) return res;
    const Error& e = res.error();
    int status = http_status(e.code);
    std::string message =
        status >= 500 ? web->site->word(lang, "unavailable") : std::string(e.message);
    if (e.code == Errc::kPermissionDenied) message = web->site->word(lang, "not_allowed");
    return error_page(*web, lang, status, message, with_lang("/console", chosen), true);
  };
}

}  // namespace charter::web
