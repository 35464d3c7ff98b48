// The console on both backends, through the router with the real staff registry, session store
// and consent ledger: redirects, login with the pre-session CSRF token, cookie properties,
// session expiry, CSRF on POST, roles, the consent chart's monthly counts.
#include <gtest/gtest.h>

#include <regex>

#include "consent/ledger.h"
#include "consent/monthly.h"
#include "http/csrf.h"
#include "http/session_store.h"
#include "staff/test_util.h"
#include "web/test_util.h"
#include "web/web_routes.h"

namespace charter::web {
namespace {

using staff::testing::at;
using testing::Call;
using testing::run;

constexpr const char* kPassword = "correct horse battery staple";

class Console : public staff::testing::StaffFixture {
 protected:
  void SetUp() override {
    StaffFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto s = http::SessionStore::open(ts_->store(), clock_, random_);
    ASSERT_TRUE(s) << s.error().to_string();
    sessions_ = std::move(s).value();
    auto l = consent::ConsentLedger::open(ts_->store(), staff::testing::oxemis(), clock_, random_,
                                          ring_);
    ASSERT_TRUE(l) << l.error().to_string();
    ledger_ = std::move(l).value();
    http::ApiContext ctx;
    ctx.policy = staff::testing::oxemis();
    ctx.clock = &clock_;
    ctx.staff = staff_.get();
    ctx.services = services_.get();
    ctx.sessions = sessions_.get();
    ctx.ledger = ledger_.get();
    ctx.around = [this](http::Request& req, const http::Handler& h) {
      ++around_calls_;
      if (req.principal) last_actor_ = req.principal->id;
      return h(req);
    };
    ASSERT_TRUE(add_web_routes(router_, ctx));
    router_.set_around(ctx.around);
    auto dpo = staff_->add({"Dana Po", "dpo@oxemis.example", {"dpo"}});
    ASSERT_TRUE(dpo);
    dpo_ = dpo->id;
    ASSERT_TRUE(staff_->set_password(dpo_, kPassword));
    auto sales = staff_->add({"Sam Sales", "sales@oxemis.example", {"sales"}});
    ASSERT_TRUE(sales);
    ASSERT_TRUE(staff_->set_password(sales->id, kPassword));
  }
  void TearDown() override { ledger_.reset(); }

  // GET the login form: the pre-session cookie and the form's token.
  std::pair<std::string, std::string> login_form() {
    auto form = run(router_, {.path = "/console/login"});
    EXPECT_EQ(form.status, 200);
    std::string cookie(form.headers.get("Set-Cookie").value_or(""));
    std::smatch m;
    EXPECT_TRUE(std::regex_search(cookie, m, std::regex("charter_presession=([^;]+)")));
    std::string pre = m[1];
    EXPECT_NE(cookie.find("HttpOnly; Secure; SameSite=Strict"), std::string::npos);
    EXPECT_TRUE(
        std::regex_search(form.body, m, std::regex("name=\"csrf_token\" value=\"([^\"]+)\"")));
    return {pre, m[1]};
  }

  // Logs in; returns the session cookie value.
  std::string login(const std::string& email = "dpo@oxemis.example") {
    auto [pre, token] = login_form();
    auto r = run(router_, {.method = http::Method::kPost,
                           .path = "/console/login",
                           .headers = {{"Cookie", "charter_presession=" + pre}},
                           .form = "csrf_token=" + token + "&email=" + email +
                                   "&password=correct+horse+battery+staple"});
    EXPECT_EQ(r.status, 303) << r.body;
    EXPECT_EQ(r.headers.get("Location"), "/console");
    std::string cookies;
    for (auto v : r.headers.get_all("Set-Cookie")) cookies += std::string(v) + "\n";
    std::smatch m;
    EXPECT_TRUE(std::regex_search(cookies, m, std::regex("charter_session=(chses_[^;]+)")));
    EXPECT_NE(cookies.find("; Path=/; Max-Age=28800; HttpOnly; Secure; SameSite=Strict"),
              std::string::npos)
        << cookies;
    return m[1];
  }

  std::string csrf_of(const std::string& secret) {
    return http::SessionStore::csrf_token_of(secret);
  }

  std::unique_ptr<http::SessionStore> sessions_;
  std::unique_ptr<consent::ConsentLedger> ledger_;
  http::Router router_;
  std::string dpo_;
  int around_calls_ = 0;
  std::string last_actor_;
};

TEST_P(Console, UnauthenticatedPagesRedirectToLogin) {
  for (const char* path : {"/console", "/console/register", "/console/staff"}) {
    auto r = run(router_, {.path = path});
    EXPECT_EQ(r.status, 303) << path;
    EXPECT_EQ(r.headers.get("Location"), "/console/login") << path;
  }
  auto bad = run(router_, {.path = "/console", .headers = {{"Cookie", "charter_session=chses_x"}}});
  EXPECT_EQ(bad.status, 303);
  // The language chosen is kept.
  auto en = run(router_, {.path = "/console", .query = {{"lang", "en"}}});
  EXPECT_EQ(en.headers.get("Location"), "/console/login?lang=en");
}

TEST_P(Console, LoginSetsTheSessionCookieAndOpensTheConsole) {
  std::string secret = login();
  auto home = run(router_, {.path = "/console",
                            .query = {{"lang", "en"}},
                            .headers = {{"Cookie", "charter_session=" + secret}}});
  ASSERT_EQ(home.status, 200) << home.body;
  EXPECT_NE(home.body.find("Staff console"), std::string::npos);
  EXPECT_NE(home.body.find("<svg"), std::string::npos);
  // The page runs inside `around` with the member as principal (the audit actor).
  EXPECT_EQ(last_actor_, dpo_);
  // The logout form carries the session's CSRF token.
  EXPECT_NE(home.body.find("value=\"" + csrf_of(secret) + "\""), std::string::npos);
  // Already logged in: the login page sends to the console.
  auto again = run(
      router_, {.path = "/console/login", .headers = {{"Cookie", "charter_session=" + secret}}});
  EXPECT_EQ(again.status, 303);
}

TEST_P(Console, LoginRefusesWrongPasswordAndMissingCsrf) {
  auto [pre, token] = login_form();
  auto wrong = run(router_, {.method = http::Method::kPost,
                             .path = "/console/login",
                             .headers = {{"Cookie", "charter_presession=" + pre}},
                             .form = "csrf_token=" + token +
                                     "&email=dpo%40oxemis.example&password=nope&lang=en"});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.body.find("Wrong e-mail address or password."), std::string::npos);
  EXPECT_EQ(wrong.body.find("dpo@oxemis.example"), std::string::npos);  // not echoed
  // No pre-session cookie, a token of another form, a cross-site POST: refused.
  auto no_cookie = run(router_, {.method = http::Method::kPost,
                                 .path = "/console/login",
                                 .form = "csrf_token=" + token +
                                         "&email=dpo%40oxemis.example&password=" + kPassword});
  EXPECT_EQ(no_cookie.status, 403);
  auto other = run(router_, {.method = http::Method::kPost,
                             .path = "/console/login",
                             .headers = {{"Cookie", "charter_presession=another"}},
                             .form = "csrf_token=" + token + "&email=dpo%40oxemis.example"});
  EXPECT_EQ(other.status, 403);
  auto cross =
      run(router_,
          {.method = http::Method::kPost,
           .path = "/console/login",
           .headers = {{"Cookie", "charter_presession=" + pre}, {"Sec-Fetch-Site", "cross-site"}},
           .form = "csrf_token=" + token + "&email=dpo%40oxemis.example"});
  EXPECT_EQ(cross.status, 403);
}

TEST_P(Console, PostsNeedTheSessionCsrfToken) {
  std::string secret = login();
  auto no_token = run(router_, {.method = http::Method::kPost,
                                .path = "/console/logout",
                                .headers = {{"Cookie", "charter_session=" + secret}}});
  EXPECT_EQ(no_token.status, 403);
  // Still logged in.
  EXPECT_EQ(run(router_, {.path = "/console", .headers = {{"Cookie", "charter_session=" + secret}}})
                .status,
            200);
  auto out = run(router_, {.method = http::Method::kPost,
                           .path = "/console/logout",
                           .headers = {{"Cookie", "charter_session=" + secret}},
                           .form = "csrf_token=" + csrf_of(secret)});
  EXPECT_EQ(out.status, 303);
  EXPECT_EQ(out.headers.get("Location"), "/console/login");
  auto after =
      run(router_, {.path = "/console", .headers = {{"Cookie", "charter_session=" + secret}}});
  EXPECT_EQ(after.status, 303);
  EXPECT_EQ(after.headers.get("Location"), "/console/login?expired=1");
}

TEST_P(Console, ExpiredSessionsGoBackToLogin) {
  std::string secret = login();
  clock_.set(clock_.now() + std::chrono::minutes(31));  // idle timeout: 30 min
  auto r = run(router_, {.path = "/console", .headers = {{"Cookie", "charter_session=" + secret}}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.headers.get("Location"), "/console/login?expired=1");
  auto page = run(router_, {.path = "/console/login", .query = {{"expired", "1"}, {"lang", "en"}}});
  EXPECT_NE(page.body.find("Your session has expired"), std::string::npos);
}

TEST_P(Console, PagesFollowTheRoles) {
  std::string sales = login("sales@oxemis.example");
  auto staff = run(router_, {.path = "/console/staff",
                             .query = {{"lang", "en"}},
                             .headers = {{"Cookie", "charter_session=" + sales}}});
  EXPECT_EQ(staff.status, 403);
  EXPECT_NE(staff.body.find("Your role does not give access to this page."), std::string::npos);
  std::string dpo = login();
  auto list =
      run(router_, {.path = "/console/staff", .headers = {{"Cookie", "charter_session=" + dpo}}});
  EXPECT_EQ(list.status, 200);
  EXPECT_NE(list.body.find(dpo_), std::string::npos);
  EXPECT_EQ(list.body.find("dpo@oxemis.example"), std::string::npos);  // ids, not addresses
}

TEST_P(Console, PasswordChangeEndsTheSessions) {
  std::string secret = login();
  auto wrong = run(router_, {.method = http::Method::kPost,
                             .path = "/console/password",
                             .headers = {{"Cookie", "charter_session=" + secret}},
                             .form = "csrf_token=" + csrf_of(secret) +
                                     "&current_password=nope&new_password=a+long+new+password"});
  EXPECT_EQ(wrong.status, 403);
  auto ok = run(router_, {.method = http::Method::kPost,
                          .path = "/console/password",
                          .headers = {{"Cookie", "charter_session=" + secret}},
                          .form = "csrf_token=" + csrf_of(secret) +
                                  "&current_password=correct+horse+battery+staple"
                                  "&new_password=a+long+new+password"});
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(run(router_, {.path = "/console", .headers = {{"Cookie", "charter_session=" + secret}}})
                .status,
            303);
  EXPECT_TRUE(staff_->login("dpo@oxemis.example", "a long new password"));
}

TEST_P(Console, MonthlyConsentCounts) {
  consent::Evidence ev{"privacy_center", "fr", {}, {}, false};
  SeededRandom ids{5};
  std::string a = new_id(ids, "sub"), b = new_id(ids, "sub");
  clock_.set(at("2025-01-10T10:00:00Z"));
  ASSERT_TRUE(ledger_->give(a, "prospecting", ev));
  ASSERT_TRUE(ledger_->give(b, "prospecting", ev));
  clock_.set(at("2025-03-31T23:59:59Z"));
  ASSERT_TRUE(ledger_->withdraw(a, "prospecting", ev));
  auto counts =
      consent::monthly_counts(*ledger_, at("2024-12-15T00:00:00Z"), at("2025-03-31T23:59:59Z"));
  ASSERT_TRUE(counts) << counts.error().to_string();
  ASSERT_EQ(counts->size(), 4u);  // Dec, Jan, Feb, Mar
  EXPECT_EQ((*counts)[0].given, 0);
  EXPECT_EQ((*counts)[1].given, 2);
  EXPECT_EQ((*counts)[1].withdrawn, 0);
  EXPECT_EQ((*counts)[2].given + (*counts)[2].withdrawn, 0);
  EXPECT_EQ((*counts)[3].withdrawn, 1);
  EXPECT_EQ((*counts)[3].month, std::chrono::year(2025) / std::chrono::March);
  EXPECT_FALSE(
      consent::monthly_counts(*ledger_, at("2025-03-01T00:00:00Z"), at("2025-01-01T00:00:00Z")));
}

CHARTER_STAFF_BACKENDS(Console);

}  // namespace
}  // namespace charter::web
