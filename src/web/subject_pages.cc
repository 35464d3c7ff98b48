// The privacy center's pages for a signed-in data subject (docs/WEB.md "Privacy center for
// subjects"): sign-in by e-mail code (/me/sign-in, /me/code), then /me (my data),
// /me/consents, /me/objections (+ /me/restriction), /me/requests, /me/directives (+ /revoke),
// /me/history, /me/sign-out. Server-rendered, usable without JavaScript: forms POST with the
// session's CSRF token and answer 303 to the page. The logic is http::SubjectSelf's (the same as
// the /v1/rights/me routes); the subject is the session's, never a URL value.
//
// Cookies: none before the code is verified (the sign-in and code forms are protected against
// cross-site posts by the Sec-Fetch-Site/Origin checks alone); then only `charter_subject`.
#include <array>
#include <regex>

#include "core/id.h"
#include "http/csrf.h"
#include "http/subject_self.h"
#include "web/console_gate.h"
#include "web/files.h"
#include "web/routes.h"

namespace charter::web {

using nlohmann::json;

namespace {

// The words of the subject pages (pages/subject_strings.json), in `lang` ("fr" or "en").
const json& words(const std::string& lang) {
  static const json all = [] {
    auto text = page_file("subject_strings.json");
    json j = text ? json::parse(*text, nullptr, false) : json::object();
    return j.is_object() ? j : json::object();
  }();
  static const json empty = json::object();
  if (all.contains(lang)) return all[lang];
  return all.contains("en") ? all["en"] : empty;
}

std::string word(const std::string& lang, const std::string& key) {
  const json& w = words(lang);
  auto it = w.find(key);
  return it != w.end() && it->is_string() ? it->get<std::string>() : key;
}

struct SubjectCall {
  http::Request& request;
  http::SelfSession session;
  std::string lang;
  std::optional<std::string> explicit_lang;
  http::Params form;
};

using SubjectPage = std::function<Result<http::Response>(SubjectCall&)>;

http::Response with_referrer(http::Response r) {
  r.headers.set("Referrer-Policy", std::string(kConsoleReferrerPolicy));
  return r;
}

// A subject page (or the sign-in forms when `session` is null).
Result<http::Response> render(const WebContext& web, const std::string& lang, std::string_view page,
                              json view, const std::string& title_key, const std::string& path,
                              const http::SelfSession* session, int status = 200) {
  view["s"] = words(lang);
  if (session) {
    static const std::array<std::pair<const char*, const char*>, 6> nav{{
        {"/me", "nav_data"},
        {"/me/consents", "nav_consents"},
        {"/me/objections", "nav_objections"},
        {"/me/requests", "nav_requests"},
        {"/me/directives", "nav_directives"},
        {"/me/history", "nav_history"},
    }};
    json items = json::array();
    for (const auto& [href, key] : nav) {
      items.push_back({{"href", std::string(href) + "?lang=" + lang},
                       {"label", word(lang, key)},
                       {"current", path == href}});
    }
    view["me_nav"] = items;
    view["csrf_token"] = session->csrf_token;
    view["known"] = !session->who.subject_id.empty();
  }
  PageChrome c;
  c.title = word(lang, title_key);
  c.path = path;
  CHARTER_TRY(std::string body, web.site->render(page, lang, view, c));
  return with_referrer(html_response(status, std::move(body), lang));
}

http::Response failure(const WebContext& web, const std::string& lang, const Error& e,
                       const std::string& back) {
  int status = http_status(e.code);
  std::string message = status >= 500 ? word(lang, "unavailable") : std::string(e.message);
  if (e.code == Errc::kRateLimited) message = word(lang, "rate_limited");
  return with_referrer(error_page(web, lang, status, message, back, false));
}

http::Handler subject_page(std::shared_ptr<const WebContext> web, SubjectPage page) {
  return [web, page](http::Request& req) -> Result<http::Response> {
    http::Params form = req.method == http::Method::kPost ? form_fields(req) : http::Params{};
    auto chosen = explicit_lang(*web, req, form);
    std::string lang = web->site->choose_language(req, chosen);
    auto s = http::self_session(req, *web->api.rights);
    if (!s) {
      if (s.error().code != Errc::kUnauthenticated) return failure(*web, lang, s.error(), "/");
      const bool had_cookie =
          req.headers.get("Cookie").has_value() &&
          req.headers.get("Cookie")->find("charter_subject=") != std::string_view::npos;
      return see_other("/me/sign-in?lang=" + lang + (had_cookie ? "&expired=1" : ""));
    }
    if (auto csrf = http::check_self_csrf(req, *s); !csrf) {
      return with_referrer(
          error_page(*web, lang, 403, word(lang, "csrf_failed"), "/me?lang=" + lang, false));
    }
    SubjectCall call{req, std::move(s).value(), lang, chosen, std::move(form)};
    auto res = page(call);
    if (res) return res;
    return failure(*web, lang, res.error(), "/me?lang=" + lang);
  };
}

// After a form: back to `path` with a notice.
http::Response done(const SubjectCall& call, const std::string& path) {
  return see_other(path + "?lang=" + call.lang + "&saved=1");
}

std::string field_or(const http::Params& f, std::string_view name) {
  return field(f, name).value_or("");
}

json flash(const SubjectCall& call) {
  json v = json::object();
  if (call.request.query_param("saved")) v["flash"] = word(call.lang, "saved");
  return v;
}

// "2026-11-28T02:08:04.228920Z" -> "2026-11-28 02:08 UTC" (pages only; the API keeps RFC 3339).
void short_times(json& items, std::initializer_list<const char*> keys) {
  for (auto& item : items) {
    for (const char* k : keys) {
      if (!item.contains(k) || !item[k].is_string()) continue;
      std::string t = item[k].get<std::string>();
      if (t.size() >= 16 && t[10] == 'T')
        item[k] = t.substr(0, 10) + " " + t.substr(11, 5) + " UTC";
    }
  }
}

constexpr std::array<const char*, 8> kRights = {"access",      "rectification", "erasure",
                                                "restriction", "portability",   "withdraw_consent",
                                                "objection",   "post_mortem"};

}  // namespace

Status add_subject_pages(http::Router& router, std::shared_ptr<const WebContext> web) {
  auto self = std::make_shared<http::SubjectSelf>(web->api);
  rights::RightsService& svc = *web->api.rights;
  auto add = [&](http::Method m, std::string path, std::string op, std::string summary,
                 http::Handler h) -> Status {
    http::Route r = web_route(m, std::move(path), std::move(op), std::move(summary));
    r.description =
        "Privacy center, signed-in subject: only the charter_subject session cookie; POST forms "
        "carry the session's CSRF token and answer 303.";
    if (m == http::Method::kPost) r.replies = {{303, "Back to the page", "", nullptr}};
    r.handler = std::move(h);
    return router.add(std::move(r));
  };

  // --- Sign-in (no cookie before the code is verified) --------------------------------------
  {
    http::Route r = web_route(http::Method::kGet, "/me/sign-in", "subjectSignInPage",
                              "Privacy center: sign in with an e-mail one-time code (HTML)");
    r.description = "Sets no cookie.";
    r.handler = [web](http::Request& req) -> Result<http::Response> {
      std::string lang = web->site->choose_language(req);
      json view = {{"expired", req.query_param("expired").has_value()}};
      return render(*web, lang, "subject_signin", view, "signin_title", "/me/sign-in", nullptr);
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    http::Route r = web_route(http::Method::kPost, "/me/sign-in", "subjectSignIn",
                              "Privacy center: send a one-time code to the address (form)");
    r.description =
        "Same answer for every address (303 to the code form). Sets no cookie; cross-site posts "
        "refused (Sec-Fetch-Site, Origin).";
    r.replies = {{303, "To the code form", "", nullptr}};
    r.handler = [web, &svc](http::Request& req) -> Result<http::Response> {
      http::Params form = form_fields(req);
      auto chosen = explicit_lang(*web, req, form);
      std::string lang = web->site->choose_language(req, chosen);
      if (auto o = http::check_same_origin(req); !o) {
        return with_referrer(
            error_page(*web, lang, 403, word(lang, "csrf_failed"), "/me/sign-in", false));
      }
      auto id = svc.start_sign_in(field_or(form, "email"), lang, req.remote_ip);
      if (!id) {
        if (id.error().code == Errc::kInvalidArgument) {
          json view = {{"error", word(lang, "email_bad")}};
          return render(*web, lang, "subject_signin", view, "signin_title", "/me/sign-in", nullptr,
                        400);
        }
        return failure(*web, lang, id.error(), "/me/sign-in?lang=" + lang);
      }
      return see_other("/me/code?sign_in=" + *id + "&lang=" + lang);
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    http::Route r = web_route(http::Method::kGet, "/me/code", "subjectCodePage",
                              "Privacy center: enter the one-time code (HTML)");
    r.description = "Sets no cookie.";
    r.params = {{"sign_in", http::ParamIn::kQuery, "The sign-in id", {{"type", "string"}}, true}};
    r.handler = [web](http::Request& req) -> Result<http::Response> {
      std::string lang = web->site->choose_language(req);
      std::string id(req.query_param("sign_in").value_or(""));
      if (!is_valid_id(id, "sgn")) {
        return with_referrer(error_page(*web, lang, 404, word(lang, "code_expired"),
                                        "/me/sign-in?lang=" + lang, false));
      }
      return render(*web, lang, "subject_code", {{"sign_in", id}}, "code_title", "/me/code",
                    nullptr);
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  {
    http::Route r = web_route(http::Method::kPost, "/me/code", "subjectVerifyCode",
                              "Privacy center: verify the code; opens the subject session (form)");
    r.description =
        "Sets charter_subject (HttpOnly, Secure, SameSite=Strict, Path=/, 30 minutes) and "
        "answers 303 to /me. A wrong code shows the form again (at most 5 attempts).";
    r.replies = {{303, "Signed in: to /me", "", nullptr}};
    r.handler = [web, &svc](http::Request& req) -> Result<http::Response> {
      http::Params form = form_fields(req);
      auto chosen = explicit_lang(*web, req, form);
      std::string lang = web->site->choose_language(req, chosen);
      if (auto o = http::check_same_origin(req); !o) {
        return with_referrer(
            error_page(*web, lang, 403, word(lang, "csrf_failed"), "/me/sign-in", false));
      }
      std::string id = field_or(form, "sign_in");
      auto session = svc.verify_sign_in(id, field_or(form, "code"));
      if (!session) {
        const Errc c = session.error().code;
        if (c == Errc::kRateLimited || c == Errc::kUnavailable || c == Errc::kInternal) {
          return failure(*web, lang, session.error(), "/me/sign-in?lang=" + lang);
        }
        const bool retry = c == Errc::kPermissionDenied || c == Errc::kInvalidArgument;
        json view = {{"sign_in", id}, {"error", word(lang, retry ? "code_bad" : "code_expired")}};
        return render(*web, lang, "subject_code", view, "code_title", "/me/code", nullptr,
                      retry ? 401 : 410);
      }
      http::Response out = see_other("/me?lang=" + lang);
      const auto max_age = std::chrono::duration_cast<std::chrono::seconds>(svc.sessions().ttl());
      out.headers.add("Set-Cookie", http::subject_session_cookie(session->secret, max_age.count()));
      return out;
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  CHARTER_TRY_STATUS(add(http::Method::kPost, "/me/sign-out", "subjectSignOut",
                         "Privacy center: sign out",
                         subject_page(web, [&svc](SubjectCall& call) -> Result<http::Response> {
                           CHARTER_TRY_STATUS(svc.sessions().close(call.session.secret));
                           http::Response out = see_other("/?lang=" + call.lang);
                           out.headers.add("Set-Cookie", http::subject_session_cookie("", 0));
                           return out;
                         })));

  // --- My data -----------------------------------------------------------------------------
  CHARTER_TRY_STATUS(add(
      http::Method::kGet, "/me", "subjectDataPage",
      "Privacy center: my data (GDPR art. 15; the read is audited)",
      subject_page(web, [web, self](SubjectCall& call) -> Result<http::Response> {
        CHARTER_TRY(json view, self->data(call.session, call.lang, call.request.id));
        if (view.contains("values")) {
          short_times(view["values"], {"collected_at", "updated_at"});
          short_times(view["events"], {"occurred_at"});
        }
        return render(*web, call.lang, "subject_data", view, "data_title", "/me", &call.session);
      })));

  // --- Consents ----------------------------------------------------------------------------
  auto status_word = [](const std::string& lang, const std::string& status) {
    return word(lang, status == "given"       ? "consent_given"
                      : status == "withdrawn" ? "consent_withdrawn"
                      : status == "expired"   ? "consent_expired"
                                              : "consent_none");
  };
  CHARTER_TRY_STATUS(
      add(http::Method::kGet, "/me/consents", "subjectConsentsPage",
          "Privacy center: my consents, one switch per consent purpose",
          subject_page(web, [web, self, status_word](SubjectCall& call) -> Result<http::Response> {
            json view = flash(call);
            if (!call.session.who.subject_id.empty()) {
              CHARTER_TRY(json c, self->consents(call.session, call.lang));
              for (auto& e : c["consents"]) {
                e["status_label"] = status_word(call.lang, e["status"].get<std::string>());
              }
              short_times(c["consents"], {"at", "expires_at"});
              view["consents"] = c["consents"];
            }
            return render(*web, call.lang, "subject_consents", view, "consents_title",
                          "/me/consents", &call.session);
          })));
  CHARTER_TRY_STATUS(
      add(http::Method::kPost, "/me/consents", "subjectSetConsent",
          "Privacy center: give or withdraw a consent (one click either way)",
          subject_page(web, [self](SubjectCall& call) -> Result<http::Response> {
            const std::string action = field_or(call.form, "action");
            if (action != "give" && action != "withdraw") {
              return make_error(Errc::kInvalidArgument, "action: give or withdraw");
            }
            CHARTER_TRY(auto out, self->set_consent(call.session, field_or(call.form, "purpose"),
                                                    action == "give", call.lang, call.request));
            (void)out;
            return done(call, "/me/consents");
          })));

  // --- Objection and restriction ------------------------------------------------------------
  CHARTER_TRY_STATUS(
      add(http::Method::kGet, "/me/objections", "subjectObjectionsPage",
          "Privacy center: my objections (art. 21) and restriction (art. 18)",
          subject_page(web, [web, self](SubjectCall& call) -> Result<http::Response> {
            json view = flash(call);
            if (!call.session.who.subject_id.empty()) {
              CHARTER_TRY(json o, self->objections(call.session, call.lang));
              for (auto& e : o["objections"]) e["absolute"] = e["kind"] == "absolute";
              view["objections"] = o["objections"];
              view["restricted"] = o["restriction"]["restricted"];
              json grounds = json::array();
              for (const auto& g : o["grounds"]) {
                grounds.push_back(
                    {{"id", g}, {"label", word(call.lang, "ground_" + g.get<std::string>())}});
              }
              view["grounds"] = grounds;
            }
            return render(*web, call.lang, "subject_objections", view, "objections_title",
                          "/me/objections", &call.session);
          })));
  CHARTER_TRY_STATUS(add(http::Method::kPost, "/me/objections", "subjectSetObjection",
                         "Privacy center: object to a purpose or lift the objection",
                         subject_page(web, [self](SubjectCall& call) -> Result<http::Response> {
                           const std::string action = field_or(call.form, "action");
                           if (action != "object" && action != "lift") {
                             return make_error(Errc::kInvalidArgument, "action: object or lift");
                           }
                           CHARTER_TRY(auto out, self->set_objection(call.session,
                                                                     field_or(call.form, "purpose"),
                                                                     action == "object"));
                           (void)out;
                           return done(call, "/me/objections");
                         })));
  CHARTER_TRY_STATUS(add(http::Method::kPost, "/me/restriction", "subjectSetRestriction",
                         "Privacy center: restrict the processing of my data or lift it",
                         subject_page(web, [self](SubjectCall& call) -> Result<http::Response> {
                           const std::string action = field_or(call.form, "action");
                           if (action != "place" && action != "lift") {
                             return make_error(Errc::kInvalidArgument, "action: place or lift");
                           }
                           CHARTER_TRY(auto out,
                                       self->set_restriction(call.session, action == "place",
                                                             field_or(call.form, "ground")));
                           (void)out;
                           return done(call, "/me/objections");
                         })));

  // --- Requests -----------------------------------------------------------------------------
  CHARTER_TRY_STATUS(
      add(http::Method::kGet, "/me/requests", "subjectRequestsPage",
          "Privacy center: my requests with state and deadline; make one; download the archive",
          subject_page(web, [web, self](SubjectCall& call) -> Result<http::Response> {
            json view = flash(call);
            CHARTER_TRY(json list, self->requests(call.session));
            for (auto& r : list["requests"]) {
              r["type_label"] = word(call.lang, "right_" + r["type"].get<std::string>());
              r["state_label"] = word(call.lang, "state_" + r["state"].get<std::string>());
              r["deadline_label"] =
                  r["deadline_status"].is_string()
                      ? json(word(call.lang, "deadline_" + r["deadline_status"].get<std::string>()))
                      : json(false);
            }
            view["requests"] = list["requests"];
            json rights = json::array();
            for (const char* t : kRights) {
              rights.push_back({{"id", t}, {"label", word(call.lang, std::string("right_") + t)}});
            }
            view["rights"] = rights;
            return render(*web, call.lang, "subject_requests", view, "requests_title",
                          "/me/requests", &call.session);
          })));
  CHARTER_TRY_STATUS(add(http::Method::kPost, "/me/requests", "subjectMakeRequest",
                         "Privacy center: exercise a right (in progress at once)",
                         subject_page(web, [self](SubjectCall& call) -> Result<http::Response> {
                           CHARTER_TRY(auto out,
                                       self->make_request(call.session, field_or(call.form, "type"),
                                                          field_or(call.form, "text"), call.lang));
                           (void)out;
                           return done(call, "/me/requests");
                         })));

  // --- Directives ---------------------------------------------------------------------------
  CHARTER_TRY_STATUS(
      add(http::Method::kGet, "/me/directives", "subjectDirectivesPage",
          "Privacy center: my post-mortem directives (record, change, revoke)",
          subject_page(web, [web, self](SubjectCall& call) -> Result<http::Response> {
            json view = flash(call);
            if (!call.session.who.subject_id.empty()) {
              CHARTER_TRY(json d, self->directives(call.session));
              if (d["directives"].is_object()) {
                json cur = d["directives"];
                for (auto& a : cur["actions"]) {
                  a["label"] = word(call.lang, "action_" + a["type"].get<std::string>());
                }
                if (cur["executor"].is_null()) cur["executor"] = false;
                json one = json::array({cur});
                short_times(one, {"recorded_at"});
                view["current"] = one[0];
              }
            }
            return render(*web, call.lang, "subject_directives", view, "directives_title",
                          "/me/directives", &call.session);
          })));
  CHARTER_TRY_STATUS(
      add(http::Method::kPost, "/me/directives", "subjectRecordDirectives",
          "Privacy center: record or change my post-mortem directives",
          subject_page(web, [self](SubjectCall& call) -> Result<http::Response> {
            const auto& f = call.form;
            json action = {{"type", field_or(f, "action")}};
            if (field_or(f, "action") == "pass") {
              action["recipient"] = {{"name", field_or(f, "recipient_name")},
                                     {"email", field_or(f, "recipient_email")}};
            }
            json body = {{"actions", json::array({action})},
                         {"language", field_or(f, "language") == "en" ? "en" : "fr"}};
            if (!field_or(f, "note").empty()) body["note"] = field_or(f, "note");
            if (!field_or(f, "executor_name").empty() || !field_or(f, "executor_email").empty()) {
              body["executor"] = {{"name", field_or(f, "executor_name")},
                                  {"email", field_or(f, "executor_email")}};
            }
            CHARTER_TRY(auto out, self->record_directives(call.session, body));
            (void)out;
            return done(call, "/me/directives");
          })));
  CHARTER_TRY_STATUS(add(http::Method::kPost, "/me/directives/revoke", "subjectRevokeDirectives",
                         "Privacy center: revoke my post-mortem directives",
                         subject_page(web, [self](SubjectCall& call) -> Result<http::Response> {
                           CHARTER_TRY_STATUS(self->revoke_directives(call.session));
                           return done(call, "/me/directives");
                         })));

  // --- History ------------------------------------------------------------------------------
  CHARTER_TRY_STATUS(
      add(http::Method::kGet, "/me/history", "subjectHistoryPage",
          "Privacy center: who used my data, for what, when (from the audit log)",
          subject_page(web, [web, self](SubjectCall& call) -> Result<http::Response> {
            json view = json::object();
            if (!call.session.who.subject_id.empty()) {
              CHARTER_TRY(json h, self->history(call.session, call.lang));
              short_times(h["records"], {"time"});
              for (auto& r : h["records"]) {
                if (r["reason"] == "") r["reason"] = false;  // no "()" on the page
              }
              view["records"] = h["records"];
              view["has_records"] = !h["records"].empty();
            }
            return render(*web, call.lang, "subject_history", view, "history_title", "/me/history",
                          &call.session);
          })));
  return ok_status();
}

}  // namespace charter::web
