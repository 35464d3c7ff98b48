// The console's entrance: login (GET form, POST), logout, own password, home (with the consent
// chart). docs/WEB.md "Console".
#include <array>
#include <chrono>
#include <cstdio>

#include "consent/monthly.h"
#include "crypto/encoding.h"
#include "http/authenticator.h"
#include "http/cookies.h"
#include "http/csrf.h"
#include "rights/monthly.h"
#include "web/chart.h"
#include "web/console_gate.h"
#include "web/routes.h"

namespace charter::web {

using nlohmann::json;

namespace {

constexpr std::size_t kMinPassword = 12;
constexpr int kPresessionMaxAge = 3600;

std::string presession_cookie(const std::string& value, int max_age) {
  return std::string(http::kPresessionCookie) + "=" + value +
         "; Path=/console; Max-Age=" + std::to_string(max_age) +
         "; HttpOnly; Secure; SameSite=Strict";
}

// The login page with a fresh pre-session secret (cookie) and its token (hidden field).
Result<http::Response> login_page(const WebContext& web, const http::Request& req,
                                  const std::string& lang, int status, const std::string& error,
                                  bool expired) {
  std::array<std::uint8_t, 32> secret_bytes{};
  web.random->fill(secret_bytes);
  std::string secret = crypto::to_base64url(secret_bytes);
  PageChrome c;
  c.title = web.site->word(lang, "login_title");
  c.path = "/console/login";
  c.console = true;
  json view = {
      {"login_token", http::presession_csrf_token(secret)}, {"error", error}, {"expired", expired}};
  CHARTER_TRY(std::string body, web.site->render("login", lang, view, c));
  http::Response r = html_response(status, std::move(body), lang);
  r.headers.add("Set-Cookie", presession_cookie(secret, kPresessionMaxAge));
  r.headers.set("Referrer-Policy", std::string(kConsoleReferrerPolicy));
  return r;
}

std::string month_label(std::chrono::year_month ym) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u", static_cast<int>(ym.year()),
                static_cast<unsigned>(ym.month()));
  return buf;
}

}  // namespace

Status add_console_routes(http::Router& router, std::shared_ptr<const WebContext> web) {
  {
    http::Route r = web_route(http::Method::kGet, "/console/login", "consoleLoginForm",
                              "Console login form (HTML)");
    r.description =
        "Sets a pre-session cookie (HttpOnly, Secure, SameSite=Strict, Path=/console) whose "
        "derived token is the form's hidden csrf_token (login CSRF). A member already logged in "
        "is sent to /console.";
    r.params = {{"expired",
                 http::ParamIn::kQuery,
                 "1: say that the session expired",
                 {{"type", "string"}},
                 false}};
    r.handler = [web](http::Request& req) -> Result<http::Response> {
      auto chosen = explicit_lang(*web, req);
      std::string lang = web->site->choose_language(req);
      if (auto creds = http::extract_credentials(req.headers);
          creds && *creds && (*creds)->kind == http::Credentials::Kind::kSessionCookie) {
        if (auto p = web->authenticator->authenticate(**creds); p) {
          return see_other(with_lang("/console", chosen));
        }
      }
      return login_page(*web, req, lang, 200, "", req.query_param("expired") == "1");
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    http::Route r = web_route(http::Method::kPost, "/console/login", "consoleLogin",
                              "Console login (HTML form: email, password, csrf_token)");
    r.description =
        "application/x-www-form-urlencoded. On success: the session cookie (as POST "
        "/v1/session: HttpOnly, Secure, SameSite=Strict) and 303 to /console. Wrong e-mail or "
        "password: the form again with 401, one message for both.";
    r.replies = {{303, "Logged in: to /console", "", nullptr},
                 {401, "The form again, with the error", "text/html", {{"type", "string"}}}};
    r.handler = [web](http::Request& req) -> Result<http::Response> {
      http::Params form = form_fields(req);
      auto chosen = explicit_lang(*web, req, form);
      std::string lang = web->site->choose_language(req, chosen);
      if (auto csrf = http::check_presession_csrf(req); !csrf) {
        return login_page(*web, req, lang, 403, web->site->word(lang, "csrf_failed"), false);
      }
      std::string email = field(form, "email").value_or("");
      std::string password = field(form, "password").value_or("");
      if (email.size() > 254 || password.size() > 1024 || email.empty() || password.empty()) {
        return login_page(*web, req, lang, 401, web->site->word(lang, "invalid_login"), false);
      }
      auto who = web->api.staff->login(email, password);
      if (!who) {
        if (who.error().code == Errc::kUnavailable) return std::move(who).error();
        return login_page(*web, req, lang, 401, web->site->word(lang, "invalid_login"), false);
      }
      CHARTER_TRY(http::NewSession session, web->api.sessions->create(who->id));
      CHARTER_TRY(bool must_change, web->api.sessions->password_change_required(who->id));
      http::Response r =
          see_other(with_lang(must_change ? "/console/password" : "/console", chosen));
      r.headers.add("Set-Cookie",
                    session_cookie(session.secret, web->api.sessions->options().lifetime.count()));
      r.headers.add("Set-Cookie", presession_cookie("", 0));
      return r;
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    http::Route r = web_route(http::Method::kPost, "/console/logout", "consoleLogout",
                              "Console logout (HTML form with csrf_token)");
    r.replies = {{303, "Logged out: to the login page", "", nullptr}};
    r.handler = console_page(web, [web](ConsoleCall& call) -> Result<http::Response> {
      auto creds = http::extract_credentials(call.request.headers);
      if (creds && *creds) (void)web->api.sessions->revoke((*creds)->secret);
      http::Response r = see_other(with_lang("/console/login", call.explicit_lang));
      r.headers.add("Set-Cookie", session_cookie("", 0));
      return r;
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    auto password_page = [web](ConsoleCall& call) -> Result<http::Response> {
      json view = {
          {"error", ""}, {"done", false}, {"must_change", call.member.must_change_password}};
      if (call.request.method == http::Method::kGet) {
        return render_console(*web, call, "password", view, "password_title", "/console/password");
      }
      std::string current = field(call.form, "current_password").value_or("");
      std::string next = field(call.form, "new_password").value_or("");
      if (next.size() < kMinPassword || next.size() > 1024) {
        view["error"] = web->site->word(call.lang, "password_short");
        return render_console(*web, call, "password", view, "password_title", "/console/password",
                              400);
      }
      CHARTER_TRY(auto details, web->api.staff->details(call.member.id));
      auto who = web->api.staff->login(details.email, current);
      if (!who) {
        if (who.error().code == Errc::kUnavailable) return std::move(who).error();
        view["error"] = web->site->word(call.lang, "password_wrong");
        return render_console(*web, call, "password", view, "password_title", "/console/password",
                              403);
      }
      if (next == current) {
        view["error"] = web->site->word(call.lang, "password_same");
        return render_console(*web, call, "password", view, "password_title", "/console/password",
                              400);
      }
      CHARTER_TRY_STATUS(web->api.staff->set_password(call.member.id, next));
      CHARTER_TRY_STATUS(web->api.sessions->clear_password_change(call.member.id));
      CHARTER_TRY_STATUS(web->api.sessions->revoke_all(call.member.id));
      http::Response r = see_other(with_lang("/console/login", call.explicit_lang));
      r.headers.add("Set-Cookie", session_cookie("", 0));
      return r;
    };
    http::Route g = web_route(http::Method::kGet, "/console/password", "consolePasswordForm",
                              "Change one's own console password (HTML form)");
    g.handler = console_page(web, password_page);
    CHARTER_TRY_STATUS(router.add(std::move(g)));
    http::Route p = web_route(http::Method::kPost, "/console/password", "consolePassword",
                              "Change one's own console password (current_password, "
                              "new_password, csrf_token); every session ends");
    p.replies = {{303, "Changed: to the login page", "", nullptr}};
    p.handler = console_page(web, password_page);
    CHARTER_TRY_STATUS(router.add(std::move(p)));
  }
  {
    http::Route r = web_route(http::Method::kGet, "/console", "consoleHome",
                              "Console home: links and the consent chart (HTML)");
    r.description = "Without a live session: 303 to /console/login.";
    r.replies.push_back({303, "Not logged in: to /console/login", "", nullptr});
    r.handler = console_page(web, [web](ConsoleCall& call) -> Result<http::Response> {
      json view = {{"months", json::array()}, {"chart_svg", ""}, {"chart_error", ""}};
      if (web->api.ledger && web->api.clock) {
        Timestamp now = web->api.clock->now();
        Date today = date_of(now);
        auto first = (today.year() / today.month()) - std::chrono::months{11};
        auto counts =
            consent::monthly_counts(*web->api.ledger, start_of(first / std::chrono::day{1}), now);
        if (counts) {
          std::vector<ChartMonth> months;
          for (const auto& m : *counts) {
            months.push_back({month_label(m.month), m.given, m.withdrawn});
            view["months"].push_back(
                {{"label", months.back().label}, {"given", m.given}, {"withdrawn", m.withdrawn}});
          }
          view["chart_svg"] = bar_chart(months, web->site->word(call.lang, "chart_caption"));
        } else {
          view["chart_error"] = web->site->word(call.lang, "unavailable");
        }
      }
      // Requests received per month (counts only), beside the consents.
      view["request_months"] = json::array();
      view["requests_chart_svg"] = "";
      view["has_requests_chart"] = false;
      if (web->api.rights && web->api.clock) {
        Date today = date_of(web->api.clock->now());
        auto last = today.year() / today.month();
        auto counts = rights::monthly_request_counts(web->api.rights->queue(),
                                                     last - std::chrono::months{11}, last);
        if (counts) {
          std::vector<ChartCount> months;
          for (const auto& m : *counts) {
            months.push_back({month_label(m.month), m.received});
            view["request_months"].push_back(
                {{"label", months.back().label}, {"received", m.received}});
          }
          view["has_requests_chart"] = true;
          view["requests_chart_svg"] = count_chart(
              months, web->site->word(call.lang, "requests_chart_caption"), "requests-chart");
        }
      }
      return render_console(*web, call, "console_home", view, "console_title", "/console");
    });
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  return ok_status();
}

}  // namespace charter::web
