// The capability API of the real `charter serve`: authentication (staff sessions, service
// tokens), role and purpose checks, every /v1 capability route's success and its main error,
// idempotent retries, and no personal data in logs, URLs or errors. Runs on SQLite, and on
// PostgreSQL when CHARTER_TEST_PG_URL is set (a fresh schema). One server per backend, started
// once for the whole suite.
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <set>

#include "e2e/api_client.h"
#include "e2e/server_process.h"
#include "store/open.h"
#include "store/testing.h"

namespace charter::testing {
namespace {

using nlohmann::json;

const char* kSubjectEmail = "camille.martin@example.org";
const char* kSubjectPhone = "+33 6 12 34 56 78";
const char* kSupportEmail = "sam.support@example.org";
const char* kSupportPassword = "support-password-1234";

struct Env {
  std::unique_ptr<store::TestStore> pg;  // PostgreSQL: the schema the server uses
  std::unique_ptr<ServerProcess> server;
  std::string store_target;  // for the test's own direct writes
  std::string dpo_email, dpo_password, printed_password;
  Caller dpo;      // cookie session
  Caller service;  // token bound to prospecting
  std::string service_id;
  std::uint16_t port() const { return server->port(); }
};

std::map<std::string, std::unique_ptr<Env>>& envs() {
  static std::map<std::string, std::unique_ptr<Env>> m;
  return m;
}

// "charter_session=VALUE; Path=/; ..." -> VALUE
Caller login(std::uint16_t port, const std::string& email, const std::string& password) {
  auto r = call(port, "POST", "/v1/session", {}, {{"email", email}, {"password", password}});
  Caller c;
  if (r.status != 201) return c;
  c.cookie = r.raw.cookie_value();
  c.csrf = r.body["csrf_token"].get<std::string>();
  return c;
}

class Api : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() { envs().clear(); }

  void SetUp() override {
    auto& slot = envs()[GetParam()];
    if (!slot) {
      auto env = std::make_unique<Env>();
      std::vector<std::string> args = {"--rate-anonymous", "1000"};
      if (GetParam() == "postgres") {
        if (!store::test_pg_url()) GTEST_SKIP() << "CHARTER_TEST_PG_URL is not set";
        auto made = store::TestStore::make(store::Backend::kPostgres);
        ASSERT_TRUE(made.ok()) << made.error().to_string();
        env->pg = std::move(made).value();
        env->store_target = env->pg->target();
        args.insert(args.end(), {"--database", env->store_target});
      }
      env->server = std::make_unique<ServerProcess>(args);
      ASSERT_TRUE(env->server->started()) << env->server->log();
      if (env->store_target.empty()) env->store_target = env->server->dir() + "/data";
      // Notices after the banner: vault keys initialised, then the first DPO.
      for (int i = 0; i < 4 && env->dpo_password.empty(); ++i) {
        parse_dpo_line(env->server->read_line(), env->dpo_email, env->dpo_password);
      }
      ASSERT_FALSE(env->dpo_password.empty()) << "no first DPO credential on stdout";
      env->printed_password = env->dpo_password;
      env->dpo_password = "the-dpo-chose-this-one";
      env->dpo =
          first_dpo_login(env->port(), env->dpo_email, env->printed_password, env->dpo_password);
      ASSERT_FALSE(env->dpo.cookie.empty());
      auto svc = call(env->port(), "POST", "/v1/services", env->dpo,
                      {{"name", "emailing-platform"}, {"purposes", {"prospecting"}}});
      ASSERT_EQ(svc.status, 201) << svc.body.dump();
      env->service_id = svc.body["id"];
      auto tok = call(env->port(), "POST", "/v1/services/" + env->service_id + "/tokens", env->dpo,
                      {{"validity", "P30D"}});
      ASSERT_EQ(tok.status, 201) << tok.body.dump();
      env->service.bearer = tok.body["token"];
      slot = std::move(env);
    }
    env_ = slot.get();
  }

  std::uint16_t port() const { return env_->port(); }
  Reply as(const Caller& who, const std::string& method, const std::string& target,
           const json& body = nullptr, const std::string& headers = "") {
    return call(port(), method, target, who, body, headers);
  }
  // A new subject for prospecting with an e-mail (unique per call unless given).
  std::string new_subject(const std::string& email = "") {
    static int n = 0;
    std::string address = email.empty() ? "person" + std::to_string(++n) + "@example.net" : email;
    auto r = as(env_->service, "POST", "/v1/subjects",
                {{"purposes", {"prospecting"}}, {"fields", {{"email", address}}}});
    EXPECT_EQ(r.status, 201) << r.body.dump();
    return r.body.is_object() ? r.body.value("id", "") : "";
  }
  std::string log_after(const std::string& request_id) {
    std::string log;
    for (int i = 0; i < 300; ++i) {
      log = env_->server->log();
      if (log.find(request_id) != std::string::npos) break;
      usleep(10'000);
    }
    return log;
  }

  Env* env_ = nullptr;
};

// ---- Sessions ----

TEST_P(Api, LoginSetsAStrictHttpOnlySecureCookie) {
  auto r =
      as({}, "POST", "/v1/session", {{"email", env_->dpo_email}, {"password", env_->dpo_password}});
  ASSERT_EQ(r.status, 201) << r.body.dump();
  std::string cookie = r.raw.header("set-cookie");
  EXPECT_EQ(cookie.rfind("charter_session=chses_", 0), 0u);
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("; Secure"), std::string::npos);
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos);
  EXPECT_EQ(r.body["roles"], json::array({"dpo"}));
  EXPECT_FALSE(r.body["csrf_token"].get<std::string>().empty());
  EXPECT_EQ(r.raw.header("cache-control"), "no-store");
}

TEST_P(Api, LoginRefusesWrongPasswordAndUnknownEmailAlike) {
  auto wrong =
      as({}, "POST", "/v1/session", {{"email", env_->dpo_email}, {"password", "not-the-password"}});
  auto unknown = as({}, "POST", "/v1/session",
                    {{"email", "nobody@example.org"}, {"password", "whatever-password"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.type(), "unauthenticated");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body["detail"], unknown.body["detail"]);
  EXPECT_EQ(unknown.raw.body.find("nobody@"), std::string::npos);
  EXPECT_TRUE(wrong.raw.header("set-cookie").empty());
}

TEST_P(Api, CookieSessionNeedsTheCsrfTokenOnWrites) {
  Caller no_csrf = env_->dpo;
  no_csrf.csrf.clear();
  auto refused =
      as(no_csrf, "POST", "/v1/services", {{"name", "csrf-probe"}, {"purposes", {"statistics"}}});
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.type(), "permission-denied");
  Caller wrong = env_->dpo;
  wrong.csrf = "AAAA" + wrong.csrf.substr(4);
  EXPECT_EQ(
      as(wrong, "POST", "/v1/services", {{"name", "csrf-probe"}, {"purposes", {"statistics"}}})
          .status,
      403);
  // Cross-site request with the right token: refused by the Origin check.
  auto cross =
      as(env_->dpo, "POST", "/v1/services", {{"name", "csrf-probe"}, {"purposes", {"statistics"}}},
         "Origin: https://evil.example\r\n");
  EXPECT_EQ(cross.status, 403);
  // Reads need no token.
  EXPECT_EQ(as(no_csrf, "GET", "/v1/session").status, 200);
  auto ok =
      as(env_->dpo, "POST", "/v1/services", {{"name", "csrf-probe"}, {"purposes", {"statistics"}}});
  EXPECT_EQ(ok.status, 201) << ok.body.dump();
}

TEST_P(Api, LogoutEndsTheSession) {
  Caller s = login(port(), env_->dpo_email, env_->dpo_password);
  ASSERT_FALSE(s.cookie.empty());
  auto me = as(s, "GET", "/v1/session");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.body["csrf_token"], s.csrf);
  auto out = as(s, "DELETE", "/v1/session");
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.raw.header("set-cookie").find("Max-Age=0"), std::string::npos);
  auto after = as(s, "GET", "/v1/session");
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.body["detail"], "session revoked");
  // A made-up session cookie.
  Caller fake;
  fake.cookie = "chses_" + std::string(52, 'a');
  EXPECT_EQ(as(fake, "GET", "/v1/session").status, 401);
}

// ---- Tokens ----

TEST_P(Api, TokensThatAreMissingMalformedRevokedOrExpiredAreRefused) {
  EXPECT_EQ(as({}, "POST", "/v1/subjects/lookup", {{"email", kSubjectEmail}}).status, 401);
  Caller junk;
  junk.bearer = "chsvc_" + std::string(52, 'z');
  auto bad = as(junk, "POST", "/v1/subjects/lookup", {{"email", kSubjectEmail}});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.type(), "unauthenticated");
  EXPECT_FALSE(bad.raw.header("www-authenticate").empty());

  auto issue = [&] {
    auto t = as(env_->dpo, "POST", "/v1/services/" + env_->service_id + "/tokens", json::object());
    EXPECT_EQ(t.status, 201);
    return std::make_pair(t.body["token"].get<std::string>(), t.body["id"].get<std::string>());
  };
  auto [revoked_token, revoked_id] = issue();
  Caller revoked{revoked_token, "", ""};
  EXPECT_EQ(as(revoked, "POST", "/v1/subjects/lookup", {{"email", kSubjectEmail}}).status, 200);
  EXPECT_EQ(as(env_->dpo, "DELETE", "/v1/tokens/" + revoked_id).status, 204);
  auto r = as(revoked, "POST", "/v1/subjects/lookup", {{"email", kSubjectEmail}});
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["detail"], "token revoked");

  // Expired: the test moves the token's expiry into the past directly in the store.
  auto [expired_token, expired_id] = issue();
  {
    auto db = store::open_store(env_->store_target);
    ASSERT_TRUE(db.ok()) << db.error().to_string();
    auto tx = (*db)->write();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(tx->exec("UPDATE staff_tokens SET expires_at = 1 WHERE token_id = ?",
                         {std::string_view(expired_id)})
                    .ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  auto e = as({expired_token, "", ""}, "POST", "/v1/subjects/lookup", {{"email", kSubjectEmail}});
  EXPECT_EQ(e.status, 401);
  EXPECT_EQ(e.body["detail"], "token expired");
  // Token listing never shows tokens.
  auto list = as(env_->dpo, "GET", "/v1/services/" + env_->service_id + "/tokens");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.raw.body.find("chsvc_"), std::string::npos);
}

// Security refusals: each answered with its status and recorded in the audit log as an
// "http.refused" entry carrying the request id (read back from the audit database).
TEST_P(Api, SecurityRefusalsHaveTheirStatusAndAreAudited) {
  const std::string id = new_subject();
  auto audited = [&](const Reply& r) {
    const std::string rid = r.raw.header("x-request-id");
    if (rid.empty()) return false;
    std::string target = env_->store_target;
    for (int i = 0; i < 100; ++i) {
      auto db = store::open_audit_store(target);
      if (!db.ok()) return false;
      auto tx = (*db)->read();
      if (!tx.ok()) return false;
      auto rows = tx->query("SELECT entry FROM audit_entries ORDER BY seq DESC LIMIT 500");
      if (!rows.ok()) return false;
      while (rows->next().value_or(false)) {
        auto blob = rows->get_blob(0);
        if (!blob.ok()) continue;
        std::string text(reinterpret_cast<const char*>(blob->data()), blob->size());
        if (text.find(rid) != std::string::npos && text.find("http.refused") != std::string::npos) {
          return true;
        }
      }
      usleep(30'000);
    }
    return false;
  };
  auto expect = [&](const Reply& r, int status, const std::string& what) {
    EXPECT_EQ(r.status, status) << what << ": " << r.body.dump();
    EXPECT_TRUE(audited(r)) << what << ": no http.refused audit entry";
  };
  const std::string lookup = "/v1/subjects/lookup";
  const json who = {{"email", kSubjectEmail}};
  // No credential, a malformed one, a revoked one.
  expect(as({}, "POST", lookup, who), 401, "no token");
  expect(as({"chsvc_" + std::string(52, 'q'), "", ""}, "POST", lookup, who), 401, "unknown token");
  auto t = as(env_->dpo, "POST", "/v1/services/" + env_->service_id + "/tokens", json::object());
  ASSERT_EQ(t.status, 201);
  ASSERT_EQ(as(env_->dpo, "DELETE", "/v1/tokens/" + t.body["id"].get<std::string>()).status, 204);
  expect(as({t.body["token"], "", ""}, "POST", lookup, who), 401, "revoked token");
  // Another service's token: bound to statistics, it may not act for prospecting, nor manage
  // the first service's tokens.
  auto other = as(env_->dpo, "POST", "/v1/services",
                  {{"name", "stats-" + GetParam()}, {"purposes", {"statistics"}}});
  ASSERT_EQ(other.status, 201);
  auto ot = as(env_->dpo, "POST", "/v1/services/" + other.body["id"].get<std::string>() + "/tokens",
               json::object());
  Caller stats{ot.body["token"], "", ""};
  expect(as(stats, "GET", "/v1/services/" + env_->service_id + "/tokens"), 403,
         "another service's tokens");
  expect(as(stats, "POST", "/v1/subjects/" + id + "/consents",
            {{"purpose", "prospecting"}, {"action", "give"}, {"channel", "api"}}),
         403, "purpose of another service");
  // Purpose lacking; a subject that is not the caller's to read (BOLA: no consent, refused by
  // the access decision); another subject's access history.
  expect(as(env_->service, "POST", "/v1/subjects/" + id + "/objections",
            {{"purpose", "statistics"}, {"action", "object"}, {"channel", "api"}}),
         403, "purpose lacking");
  expect(as(env_->service, "GET", "/v1/subjects/" + id + "?purpose=prospecting"), 403, "BOLA read");
  expect(as(env_->service, "GET", "/v1/subjects/" + id + "/access-history"), 403, "BOLA history");
  // Mass assignment of server-owned fields.
  for (const char* member : {"id", "status", "created_at"}) {
    json body = {{"purposes", {"prospecting"}}, {"fields", {{"email", "mass@example.net"}}}};
    body[member] = "sub_00000000000000000000000000";
    expect(as(env_->service, "POST", "/v1/subjects", body), 400,
           std::string("mass assignment of ") + member);
  }
  // Malformed, too deep, wrong media type, oversize bodies.
  {
    RawClient c(port());
    auto r = c.request(
        "POST", lookup,
        "Authorization: Bearer " + env_->service.bearer + "\r\nContent-Type: application/json\r\n",
        "{\"email\": ");
    ASSERT_TRUE(r);
    Reply rep;
    rep.status = r->status;
    rep.raw = *r;
    expect(rep, 400, "malformed JSON");
  }
  {
    std::string deep(40, '[');
    deep += std::string(40, ']');
    RawClient c(port());
    auto r = c.request(
        "POST", lookup,
        "Authorization: Bearer " + env_->service.bearer + "\r\nContent-Type: application/json\r\n",
        "{\"email\": " + deep + "}");
    ASSERT_TRUE(r);
    Reply rep{r->status, nullptr, *r};
    expect(rep, 400, "nesting too deep");
    RawClient c2(port());
    auto m = c2.request(
        "POST", lookup,
        "Authorization: Bearer " + env_->service.bearer + "\r\nContent-Type: text/plain\r\n",
        "email");
    ASSERT_TRUE(m);
    Reply media{m->status, nullptr, *m};
    expect(media, 415, "media type");
    RawClient c3(port());
    ASSERT_TRUE(c3.send("POST /v1/subjects HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                        env_->service.bearer +
                        "\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n"));
    auto big = c3.read_response();
    ASSERT_TRUE(big);
    Reply oversize{big->status, nullptr, *big};
    expect(oversize, 413, "oversize body");
  }
  // Injection in parameters: refused as invalid input, never run.
  expect(as(env_->service, "GET",
            "/v1/subjects/" + id + "?purpose=prospecting%27%20OR%20%271%27%3D%271"),
         400, "injection in the purpose");
  // A category is a name from the policy: an injected one is an unknown category (a denial,
  // audited as a decision), never a query.
  auto cat = as(env_->service, "POST", "/v1/decisions",
                {{"subject_id", id}, {"purpose", "prospecting"}, {"categories", {"x' OR 1=1 --"}}});
  EXPECT_EQ(cat.status, 200) << cat.body.dump();
  EXPECT_FALSE(cat.body.value("allowed", true));
  // Values are bound, never spliced into SQL: an injected address or id is invalid input
  // (400, audited) or matches nothing.
  auto mail = as(env_->service, "POST", lookup, {{"email", "a@b.c' OR '1'='1"}});
  if (mail.status == 400) {
    EXPECT_TRUE(audited(mail)) << "injection in the e-mail: no audit entry";
  } else {
    EXPECT_EQ(mail.status, 200) << mail.body.dump();
    EXPECT_EQ(mail.body["subject_ids"].size(), 0u);
  }
  for (const std::string& target :
       {std::string("/v1/subjects/sub_x%27%20OR%201%3D1--/consents"),
        std::string(
            "/v1/subjects/%27%3B%20DROP%20TABLE%20vault_subjects%3B--?purpose=prospecting")}) {
    auto inj = as(env_->service, "GET", target);
    EXPECT_TRUE(inj.status == 400 || inj.status == 404) << target << " " << inj.status;
    if (inj.status == 400) EXPECT_TRUE(audited(inj)) << target << ": no audit entry";
  }
  EXPECT_EQ(as(env_->service, "GET", "/v1/subjects/" + id + "/consents").status, 200);
}

TEST_P(Api, ServicesActOnlyForTheirPurposesAndOnlyWhereAllowed) {
  std::string id = new_subject();
  // Bound to prospecting: statistics is refused.
  auto r = as(env_->service, "POST", "/v1/subjects/" + id + "/objections",
              {{"purpose", "statistics"}, {"action", "object"}, {"channel", "api"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.type(), "permission-denied");
  auto c = as(env_->service, "POST", "/v1/subjects",
              {{"purposes", {"statistics"}}, {"fields", {{"email", "x@example.net"}}}});
  EXPECT_EQ(c.status, 403);
  // Admin and erasure routes: not for services.
  EXPECT_EQ(as(env_->service, "GET", "/v1/staff").status, 403);
  EXPECT_EQ(as(env_->service, "POST", "/v1/subjects/" + id + "/erasure", json::object()).status,
            403);
  // A suspended service's tokens stop working.
  auto svc = as(env_->dpo, "POST", "/v1/services",
                {{"name", "billing-" + GetParam()}, {"purposes", {"prospecting"}}});
  ASSERT_EQ(svc.status, 201);
  std::string sid = svc.body["id"];
  auto tok = as(env_->dpo, "POST", "/v1/services/" + sid + "/tokens", json::object());
  Caller billing{tok.body["token"], "", ""};
  EXPECT_EQ(as(billing, "GET", "/v1/subjects/" + id + "/consents").status, 200);
  EXPECT_EQ(as(env_->dpo, "POST", "/v1/services/" + sid + "/suspension").status, 200);
  auto s = as(billing, "GET", "/v1/subjects/" + id + "/consents");
  EXPECT_EQ(s.status, 403);
  EXPECT_EQ(s.body["detail"], "service suspended");
  EXPECT_EQ(as(env_->dpo, "DELETE", "/v1/services/" + sid + "/suspension").status, 200);
  EXPECT_EQ(as(billing, "GET", "/v1/subjects/" + id + "/consents").status, 200);
}

// ---- Staff ----

TEST_P(Api, StaffAdministrationIsForTheDpoAndSuspensionEndsSessions) {
  auto add = as(env_->dpo, "POST", "/v1/staff",
                {{"display_name", "Sam Support"},
                 {"email", kSupportEmail},
                 {"roles", {"support"}},
                 {"password", kSupportPassword}});
  ASSERT_EQ(add.status, 201) << add.body.dump();
  std::string sid = add.body["id"];
  EXPECT_FALSE(add.body.contains("email"));
  auto again = as(env_->dpo, "POST", "/v1/staff",
                  {{"display_name", "Other"}, {"email", kSupportEmail}, {"roles", {"support"}}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.raw.body.find(kSupportEmail), std::string::npos);
  // Mass assignment: server-owned members are refused.
  auto owned = as(env_->dpo, "POST", "/v1/staff",
                  {{"display_name", "X"},
                   {"email", "x@example.org"},
                   {"roles", {"dpo"}},
                   {"id", "stf_00000000000000000000000000"}});
  EXPECT_EQ(owned.status, 400);
  EXPECT_EQ(owned.raw.body.find("stf_0000"), std::string::npos);

  Caller support = login(port(), kSupportEmail, kSupportPassword);
  ASSERT_FALSE(support.cookie.empty());
  EXPECT_EQ(as(support, "GET", "/v1/staff").status, 403);
  std::string id = new_subject();
  EXPECT_EQ(as(support, "GET", "/v1/subjects/" + id + "/consents").status, 200);

  auto one = as(env_->dpo, "GET", "/v1/staff/" + sid);
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.body["email"], kSupportEmail);
  EXPECT_EQ(as(env_->dpo, "GET", "/v1/staff/stf_00000000000000000000000000").status, 404);
  EXPECT_EQ(as(env_->dpo, "GET", "/v1/staff/not-an-id").status, 400);
  auto roles =
      as(env_->dpo, "PUT", "/v1/staff/" + sid + "/roles", {{"roles", {"support", "sales"}}});
  EXPECT_EQ(roles.status, 200);
  EXPECT_EQ(as(env_->dpo, "PUT", "/v1/staff/" + sid + "/roles", {{"roles", {"janitor"}}}).status,
            400);
  auto trained = as(env_->dpo, "POST", "/v1/staff/" + sid + "/training", {{"date", "2026-01-05"}});
  EXPECT_EQ(trained.status, 200);
  EXPECT_EQ(trained.body["trained_on"], "2026-01-05");
  EXPECT_EQ(as(env_->dpo, "POST", "/v1/staff/" + sid + "/confidentiality", json::object()).status,
            200);
  EXPECT_EQ(as(env_->dpo, "GET", "/v1/staff").status, 200);

  EXPECT_EQ(as(env_->dpo, "POST", "/v1/staff/" + sid + "/suspension").status, 200);
  auto gone = as(support, "GET", "/v1/session");
  EXPECT_EQ(gone.status, 401);
  auto relog =
      as({}, "POST", "/v1/session", {{"email", kSupportEmail}, {"password", kSupportPassword}});
  EXPECT_EQ(relog.status, 403);
  EXPECT_EQ(as(env_->dpo, "DELETE", "/v1/staff/" + sid + "/suspension").status, 200);
  EXPECT_EQ(as(env_->dpo, "PUT", "/v1/staff/" + sid + "/password", {{"password", "short"}}).status,
            400);
  EXPECT_EQ(as(env_->dpo, "PUT", "/v1/staff/" + sid + "/password",
               {{"password", "another-password-5678"}})
                .status,
            204);
  EXPECT_FALSE(login(port(), kSupportEmail, "another-password-5678").cookie.empty());
}

// ---- Subjects ----

TEST_P(Api, SubjectLifecycleCreateLookupRectifyEventErase) {
  auto created = as(env_->service, "POST", "/v1/subjects",
                    {{"purposes", {"prospecting"}},
                     {"relationship", "prospect"},
                     {"fields", {{"email", kSubjectEmail}, {"phone", kSubjectPhone}}}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  std::string id = created.body["id"];
  EXPECT_EQ(id.rfind("sub_", 0), 0u);

  auto found = as(env_->service, "POST", "/v1/subjects/lookup", {{"email", kSubjectEmail}});
  ASSERT_EQ(found.status, 200);
  EXPECT_EQ(found.body, json({{"subject_ids", {id}}}));
  auto by_phone = as(env_->service, "POST", "/v1/subjects/lookup", {{"phone", kSubjectPhone}});
  EXPECT_EQ(by_phone.body["subject_ids"], json::array({id}));
  auto none = as(env_->service, "POST", "/v1/subjects/lookup", {{"email", "nobody@example.com"}});
  EXPECT_EQ(none.body["subject_ids"], json::array());
  auto both = as(env_->service, "POST", "/v1/subjects/lookup",
                 {{"email", kSubjectEmail}, {"phone", kSubjectPhone}});
  EXPECT_EQ(both.status, 400);
  auto malformed = as(env_->service, "POST", "/v1/subjects/lookup", {{"email", "camille@@bad"}});
  EXPECT_EQ(malformed.status, 400);
  EXPECT_EQ(malformed.raw.body.find("camille"), std::string::npos);

  // Bad creations: missing required field, unknown field, server-owned member.
  auto missing = as(env_->service, "POST", "/v1/subjects",
                    {{"purposes", {"prospecting"}}, {"fields", json::object()}});
  EXPECT_EQ(missing.status, 400);
  auto owned = as(env_->service, "POST", "/v1/subjects",
                  {{"purposes", {"prospecting"}},
                   {"fields", {{"email", "a@example.net"}}},
                   {"status", "erased"}});
  EXPECT_EQ(owned.status, 400);
  auto undeclared = as(env_->service, "POST", "/v1/subjects",
                       {{"purposes", {"prospecting"}},
                        {"fields", {{"email", "b@example.net"}, {"shoe_size", "42"}}}});
  EXPECT_EQ(undeclared.status, 400);

  auto rect = as(env_->service, "PUT", "/v1/subjects/" + id + "/fields/email",
                 {{"value", "camille.m@example.org"}});
  EXPECT_EQ(rect.status, 200) << rect.body.dump();
  EXPECT_EQ(as(env_->service, "POST", "/v1/subjects/lookup", {{"email", kSubjectEmail}})
                .body["subject_ids"],
            json::array());
  EXPECT_EQ(as(env_->service, "POST", "/v1/subjects/lookup", {{"email", "camille.m@example.org"}})
                .body["subject_ids"],
            json::array({id}));
  EXPECT_EQ(
      as(env_->service, "PUT", "/v1/subjects/" + id + "/fields/connection_ip", {{"value", "x"}})
          .status,
      404);
  EXPECT_EQ(as(env_->service, "PUT", "/v1/subjects/sub_00000000000000000000000000/fields/email",
               {{"value", "z@example.org"}})
                .status,
            404);

  auto ev = as(env_->service, "POST", "/v1/subjects/" + id + "/events",
               {{"field", "connection_ip"}, {"payload", "192.0.2.10"}});
  EXPECT_EQ(ev.status, 201) << ev.body.dump();
  EXPECT_EQ(ev.body["id"].get<std::string>().rfind("evt_", 0), 0u);
  EXPECT_EQ(as(env_->service, "POST", "/v1/subjects/" + id + "/events",
               {{"field", "email"}, {"payload", "x"}})
                .status,
            400);

  auto erase = as(env_->dpo, "POST", "/v1/subjects/" + id + "/erasure", json::object());
  ASSERT_EQ(erase.status, 200) << erase.body.dump();
  EXPECT_EQ(erase.body["subject_id"], id);
  EXPECT_TRUE(erase.body["destroyed"].is_array());
  EXPECT_EQ(as(env_->service, "POST", "/v1/subjects/lookup", {{"email", "camille.m@example.org"}})
                .body["subject_ids"],
            json::array());
  // The connection event is held by a legal obligation: the subject stays restricted.
  EXPECT_TRUE(erase.body["status_after"] == "erased" || erase.body["status_after"] == "restricted")
      << erase.body.dump();
  auto twice =
      as(env_->dpo, "POST", "/v1/subjects/sub_00000000000000000000000000/erasure", json::object());
  EXPECT_EQ(twice.status, 404);
  EXPECT_EQ(
      as(env_->dpo, "POST", "/v1/subjects/" + id + "/erasure", {{"classes", {"nope"}}}).status,
      400);

  // Nothing personal in the log.
  std::string log = log_after(twice.raw.header("x-request-id"));
  for (const char* secret : {kSubjectEmail, "camille", "12 34 56", "192.0.2.10"}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret;
  }
  EXPECT_EQ(log.find(env_->dpo_password), std::string::npos);
  EXPECT_EQ(log.find(env_->printed_password), std::string::npos);
  EXPECT_EQ(log.find(env_->service.bearer), std::string::npos);
  EXPECT_NE(log.find("POST /v1/subjects/lookup 200"), std::string::npos);
}

TEST_P(Api, IdempotentRetryIsAppliedOnce) {
  const std::string key = "Idempotency-Key: create-" + GetParam() + "-1\r\n";
  const json body = {{"purposes", {"prospecting"}}, {"fields", {{"email", "idem@example.net"}}}};
  auto first = as(env_->service, "POST", "/v1/subjects", body, key);
  auto second = as(env_->service, "POST", "/v1/subjects", body, key);
  ASSERT_EQ(first.status, 201);
  ASSERT_EQ(second.status, 201);
  EXPECT_EQ(first.body["id"], second.body["id"]);
  EXPECT_EQ(second.raw.header("idempotent-replayed"), "true");
  EXPECT_EQ(as(env_->service, "POST", "/v1/subjects/lookup", {{"email", "idem@example.net"}})
                .body["subject_ids"]
                .size(),
            1u);
  json other = body;
  other["fields"]["email"] = "idem2@example.net";
  EXPECT_EQ(as(env_->service, "POST", "/v1/subjects", other, key).status, 422);
}

// ---- Consent, objection, restriction ----

TEST_P(Api, ConsentGivenWithdrawnWithHistoryAndReceipt) {
  std::string id = new_subject();
  auto give = as(env_->service, "POST", "/v1/subjects/" + id + "/consents",
                 {{"purpose", "prospecting"},
                  {"action", "give"},
                  {"channel", "api"},
                  {"language", "en"},
                  {"ip", "198.51.100.7"}});
  ASSERT_EQ(give.status, 201) << give.body.dump();
  std::string event = give.body["event_id"];
  EXPECT_EQ(give.body["kind"], "given");
  EXPECT_FALSE(give.body.contains("ip"));
  auto state = as(env_->service, "GET", "/v1/subjects/" + id + "/consents");
  EXPECT_EQ(state.body["purposes"]["prospecting"]["status"], "given");

  auto receipt = as(env_->service, "GET", "/v1/subjects/" + id + "/consents/" + event + "/receipt");
  ASSERT_EQ(receipt.status, 200) << receipt.body.dump();
  EXPECT_EQ(receipt.body["version"], "KI-CR-v1.1.0");
  EXPECT_EQ(receipt.body["piiPrincipalId"], id);
  EXPECT_EQ(as(env_->service, "GET",
               "/v1/subjects/" + id + "/consents/cev_00000000000000000000000000/receipt")
                .status,
            404);

  auto withdraw = as(
      env_->service, "POST", "/v1/subjects/" + id + "/consents",
      {{"purpose", "prospecting"}, {"action", "withdraw"}, {"channel", "one_click_unsubscribe"}});
  EXPECT_EQ(withdraw.status, 201) << withdraw.body.dump();
  EXPECT_EQ(as(env_->dpo, "GET", "/v1/subjects/" + id + "/consents")
                .body["purposes"]["prospecting"]["status"],
            "withdrawn");
  auto history =
      as(env_->dpo, "GET", "/v1/subjects/" + id + "/consents/history?purpose=prospecting");
  ASSERT_EQ(history.status, 200);
  ASSERT_EQ(history.body["events"].size(), 2u);
  EXPECT_EQ(history.body["events"][1]["kind"], "withdrawn");

  // Errors: a purpose not on consent, an unknown channel, an unknown subject.
  auto not_consent = as(env_->dpo, "POST", "/v1/subjects/" + id + "/consents",
                        {{"purpose", "statistics"}, {"action", "give"}, {"channel", "api"}});
  EXPECT_EQ(not_consent.status, 400);
  auto channel = as(env_->service, "POST", "/v1/subjects/" + id + "/consents",
                    {{"purpose", "prospecting"}, {"action", "give"}, {"channel", "pigeon"}});
  EXPECT_EQ(channel.status, 400);
  auto unknown = as(env_->service, "POST", "/v1/subjects/sub_00000000000000000000000000/consents",
                    {{"purpose", "prospecting"}, {"action", "give"}, {"channel", "api"}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.type(), "not-found");
}

TEST_P(Api, ObjectionAndDpoGrounds) {
  std::string id = new_subject();
  auto obj = as(env_->dpo, "POST", "/v1/subjects/" + id + "/objections",
                {{"purpose", "statistics"}, {"action", "object"}, {"channel", "email_dpo"}});
  ASSERT_EQ(obj.status, 201) << obj.body.dump();
  auto grounds = as(env_->dpo, "POST", "/v1/subjects/" + id + "/objections/grounds",
                    {{"purpose", "statistics"}, {"grounds", "fraud prevention statistics"}});
  EXPECT_EQ(grounds.status, 201) << grounds.body.dump();
  auto states = as(env_->dpo, "GET", "/v1/subjects/" + id + "/objections");
  EXPECT_EQ(states.body["purposes"]["statistics"]["overridden"], true);
  EXPECT_EQ(states.raw.body.find("fraud prevention"), std::string::npos);
  // Direct marketing: absolute, no grounds.
  EXPECT_EQ(as(env_->service, "POST", "/v1/subjects/" + id + "/objections",
               {{"purpose", "prospecting"}, {"action", "object"}, {"channel", "api"}})
                .status,
            201);
  auto absolute = as(env_->dpo, "POST", "/v1/subjects/" + id + "/objections/grounds",
                     {{"purpose", "prospecting"}, {"grounds", "we want to"}});
  EXPECT_EQ(absolute.status, 409);
  EXPECT_EQ(absolute.type(), "failed-precondition");
  auto lifted = as(env_->service, "POST", "/v1/subjects/" + id + "/objections",
                   {{"purpose", "prospecting"}, {"action", "lift"}, {"channel", "api"}});
  EXPECT_EQ(lifted.status, 201);
}

TEST_P(Api, RestrictionPlacedAndLifted) {
  std::string id = new_subject();
  auto place = as(env_->dpo, "POST", "/v1/subjects/" + id + "/restriction",
                  {{"action", "place"},
                   {"ground", "accuracy_contested"},
                   {"channel", "email_dpo"},
                   {"note", "the subject says the phone number is wrong"}});
  ASSERT_EQ(place.status, 201) << place.body.dump();
  EXPECT_EQ(as(env_->dpo, "POST", "/v1/subjects/" + id + "/restriction",
               {{"action", "place"}, {"ground", "legal_claims"}, {"channel", "email_dpo"}})
                .status,
            409);
  EXPECT_EQ(as(env_->dpo, "POST", "/v1/subjects/" + id + "/restriction",
               {{"action", "place"}, {"channel", "email_dpo"}})
                .status,
            400);
  auto state = as(env_->dpo, "GET", "/v1/subjects/" + id + "/restriction");
  EXPECT_EQ(state.body["restricted"], true);
  EXPECT_EQ(state.body["ground"], "accuracy_contested");
  EXPECT_EQ(state.raw.body.find("phone number"), std::string::npos);
  EXPECT_EQ(as(env_->dpo, "POST", "/v1/subjects/" + id + "/restriction",
               {{"action", "lift"}, {"channel", "email_dpo"}})
                .status,
            201);
  EXPECT_EQ(as(env_->dpo, "GET", "/v1/subjects/" + id + "/restriction").body["restricted"], false);
}

// ---- Audit ----

TEST_P(Api, AuditRoutesAreForDpoAndAuditorAndCheckTheirParameters) {
  EXPECT_EQ(as(env_->service, "GET", "/v1/audit/tree-head").status, 403);
  auto head = as(env_->dpo, "GET", "/v1/audit/tree-head");
  // This build writes no audit entries yet (the trail does): no head, or a valid one.
  if (head.status == 200) {
    EXPECT_TRUE(head.body.contains("root_hash"));
  } else {
    EXPECT_EQ(head.status, 404);
  }
  auto missing = as(env_->dpo, "GET", "/v1/audit/proofs/inclusion?leaf_index=0");
  EXPECT_EQ(missing.status, 400);
  auto bad = as(env_->dpo, "GET", "/v1/audit/proofs/consistency?first_size=a&second_size=2");
  EXPECT_EQ(bad.status, 400);
  auto out_of_range = as(env_->dpo, "GET", "/v1/audit/proofs/inclusion?leaf_index=5&tree_size=3");
  EXPECT_EQ(out_of_range.status, 400);
}

TEST_P(Api, OpenApiDescribesTheCapabilityRoutes) {
  auto doc = as({}, "GET", "/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  std::set<std::string> ops;
  for (auto& [path, item] : doc.body["paths"].items()) {
    for (auto& [method, op] : item.items()) ops.insert(op["operationId"].get<std::string>());
  }
  for (const char* op : {"login",
                         "logout",
                         "getSession",
                         "changeOwnPassword",
                         "createSubject",
                         "lookupSubject",
                         "rectifySubjectField",
                         "eraseSubject",
                         "recordEvent",
                         "recordConsent",
                         "getConsents",
                         "getConsentHistory",
                         "getConsentReceipt",
                         "recordObjection",
                         "recordObjectionGrounds",
                         "getObjections",
                         "recordRestriction",
                         "getRestriction",
                         "listStaff",
                         "addStaff",
                         "getStaff",
                         "setStaffRoles",
                         "suspendStaff",
                         "listServices",
                         "addService",
                         "issueServiceToken",
                         "revokeToken",
                         "getTreeHead",
                         "getInclusionProof",
                         "getConsistencyProof",
                         "getPolicy"}) {
    EXPECT_TRUE(ops.count(op)) << op;
  }
}

// ---- Access: reads for a purpose, single and bulk decisions, all audited ----

TEST_P(Api, ReadsAndDecisionsAreDecidedAndAudited) {
  const std::string email = "decided" + GetParam() + "@example.net";
  std::string id = new_subject(email);
  auto decide = [&](const Caller& who, const std::string& purpose) {
    return as(who, "POST", "/v1/decisions", {{"subject_id", id}, {"purpose", purpose}});
  };
  // Prospecting rests on consent: none yet.
  auto d = decide(env_->service, "prospecting");
  ASSERT_EQ(d.status, 200) << d.body.dump();
  EXPECT_FALSE(d.body["allowed"].get<bool>());
  EXPECT_EQ(d.body["reasons"][0], "consent_missing");
  auto read = as(env_->service, "GET", "/v1/subjects/" + id + "?purpose=prospecting");
  EXPECT_EQ(read.status, 403) << read.body.dump();
  EXPECT_EQ(read.body.dump().find(email), std::string::npos);
  // A purpose the token is not bound to is refused whatever the subject.
  EXPECT_EQ(decide(env_->service, "commercial_relationship").body["reasons"][0],
            "service_not_bound");

  ASSERT_EQ(as(env_->service, "POST", "/v1/subjects/" + id + "/consents",
               {{"purpose", "prospecting"}, {"action", "give"}, {"channel", "api"}})
                .status,
            201);
  d = decide(env_->service, "prospecting");
  EXPECT_TRUE(d.body["allowed"].get<bool>()) << d.body.dump();
  read = as(env_->service, "GET", "/v1/subjects/" + id + "?purpose=prospecting");
  ASSERT_EQ(read.status, 200) << read.body.dump();
  EXPECT_EQ(read.body["values"]["email"], email);
  EXPECT_TRUE(read.body["decision"]["allowed"].get<bool>());
  EXPECT_EQ(as(env_->service, "GET", "/v1/subjects/" + id).status, 400);  // no purpose

  // The first DPO has no training on record: staff decisions check it.
  auto dpo_read = as(env_->dpo, "GET", "/v1/subjects/" + id + "?purpose=commercial_relationship");
  EXPECT_EQ(dpo_read.status, 403) << dpo_read.body.dump();

  // Bulk, from the decision index: by address and by id, with an unknown address.
  auto bulk = as(env_->service, "POST", "/v1/decisions/bulk",
                 {{"purpose", "prospecting"}, {"items", {email, "nobody@example.net", id}}});
  ASSERT_EQ(bulk.status, 200) << bulk.body.dump();
  ASSERT_EQ(bulk.body["answers"].size(), 3u);
  EXPECT_TRUE(bulk.body["answers"][0]["allowed"].get<bool>());
  EXPECT_EQ(bulk.body["answers"][1]["reason"], "unknown_subject");
  EXPECT_TRUE(bulk.body["answers"][2]["allowed"].get<bool>());
  EXPECT_EQ(bulk.body["allowed"], 2);
  // A withdrawal reaches the index at once.
  ASSERT_EQ(
      as(env_->service, "POST", "/v1/subjects/" + id + "/consents",
         {{"purpose", "prospecting"}, {"action", "withdraw"}, {"channel", "one_click_unsubscribe"}})
          .status,
      201);
  bulk = as(env_->service, "POST", "/v1/decisions/bulk",
            {{"purpose", "prospecting"}, {"items", {email}}});
  EXPECT_EQ(bulk.body["answers"][0]["reason"], "consent_withdrawn") << bulk.body.dump();

  // The subject's access history shows the decisions and who made them (by role or service).
  auto history = as(env_->dpo, "GET", "/v1/subjects/" + id + "/access-history");
  ASSERT_EQ(history.status, 200) << history.body.dump();
  std::string h = history.body.dump();
  EXPECT_NE(h.find("access.decide"), std::string::npos) << h;
  EXPECT_NE(h.find(env_->service_id), std::string::npos) << h;
  EXPECT_EQ(h.find(email), std::string::npos);
  // Heads are signed every second (or 4,096 entries) while entries wait unsigned.
  auto head = as(env_->dpo, "GET", "/v1/audit/tree-head");
  for (int i = 0; i < 50 && head.status == 404; ++i) {
    usleep(100'000);
    head = as(env_->dpo, "GET", "/v1/audit/tree-head");
  }
  ASSERT_EQ(head.status, 200) << head.body.dump();
  EXPECT_GT(head.body["tree_size"].get<std::uint64_t>(), 0u) << head.body.dump();
}

// /metrics: decisions by outcome and reason, the audit backlog, beside the request series.
TEST_P(Api, MetricsCountDecisionsAndShowTheAuditBacklog) {
  auto value = [&](const std::string& series) {
    auto r = as({}, "GET", "/metrics");
    EXPECT_EQ(r.status, 200);
    const std::string& text = r.raw.body;
    auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1.0;
    return std::stod(text.substr(at + series.size() + 2));
  };
  const std::string missing = R"(charter_decisions_total{outcome="deny",reason="consent_missing"})";
  const std::string unknown = R"(charter_decisions_total{outcome="deny",reason="unknown_subject"})";
  const std::string allow = R"(charter_decisions_total{outcome="allow",reason="allowed"})";
  const double missing_before = value(missing), unknown_before = value(unknown),
               allow_before = value(allow);
  ASSERT_GE(missing_before, 0);
  ASSERT_GE(unknown_before, 0);
  std::string id = new_subject();
  ASSERT_EQ(
      as(env_->service, "POST", "/v1/decisions", {{"subject_id", id}, {"purpose", "prospecting"}})
          .status,
      200);
  ASSERT_EQ(as(env_->service, "POST", "/v1/decisions/bulk",
               {{"purpose", "prospecting"},
                {"items", {"nobody1@example.net", "nobody2@example.net", id}}})
                .status,
            200);
  EXPECT_EQ(value(missing), missing_before + 2);
  EXPECT_EQ(value(unknown), unknown_before + 2);
  EXPECT_EQ(value(allow), allow_before);
  EXPECT_GE(value("charter_audit_backlog"), 0);
  auto text = as({}, "GET", "/metrics").raw.body;
  EXPECT_NE(text.find("# TYPE charter_audit_backlog gauge"), std::string::npos);
  EXPECT_NE(text.find("# TYPE charter_decisions_total counter"), std::string::npos);
  EXPECT_NE(text.find("charter_http_requests_total{"), std::string::npos);
  EXPECT_NE(text.find("charter_http_request_duration_seconds_bucket{"), std::string::npos);
}

// ---- Retention: legal holds placed by the DPO hold against erasure; sweep reports ----

TEST_P(Api, LegalHoldKeepsDataFromErasureUntilReleased) {
  std::string id = new_subject();
  EXPECT_EQ(
      as(env_->service, "POST", "/v1/subjects/" + id + "/holds", {{"reason", "dispute"}}).status,
      403);  // the DPO only
  auto hold = as(env_->dpo, "POST", "/v1/subjects/" + id + "/holds",
                 {{"reason", "invoice dispute, ref 2026-118"}});
  ASSERT_EQ(hold.status, 201) << hold.body.dump();
  EXPECT_TRUE(hold.body["active"].get<bool>());
  auto list = as(env_->dpo, "GET", "/v1/subjects/" + id + "/holds");
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body["holds"].size(), 1u);

  auto erased = as(env_->dpo, "POST", "/v1/subjects/" + id + "/erasure", json::object());
  ASSERT_EQ(erased.status, 200) << erased.body.dump();
  EXPECT_NE(erased.body["status_after"], "erased") << erased.body.dump();
  EXPECT_FALSE(erased.body["kept"].empty()) << erased.body.dump();

  auto released =
      as(env_->dpo, "POST", "/v1/holds/" + hold.body["hold_id"].get<std::string>() + "/release",
         {{"reason", "settled"}});
  ASSERT_EQ(released.status, 200) << released.body.dump();
  EXPECT_FALSE(released.body["active"].get<bool>());
  erased = as(env_->dpo, "POST", "/v1/subjects/" + id + "/erasure", json::object());
  ASSERT_EQ(erased.status, 200) << erased.body.dump();
  EXPECT_EQ(erased.body["status_after"], "erased") << erased.body.dump();

  auto sweeps = as(env_->dpo, "GET", "/v1/retention/sweeps?limit=5");
  ASSERT_EQ(sweeps.status, 200) << sweeps.body.dump();
  EXPECT_TRUE(sweeps.body["sweeps"].is_array());
  EXPECT_EQ(as(env_->dpo, "GET", "/v1/retention/sweeps?limit=0").status, 400);
  EXPECT_EQ(as(env_->dpo, "GET", "/v1/retention/sweeps/swp_00000000000000000000000000").status,
            404);
}

INSTANTIATE_TEST_SUITE_P(Backends, Api, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

// The first DPO credential is printed once: a restart on the same data prints none.
TEST(FirstDpo, PrintedOnceOnStdoutNeverInTheLogAndChangedAtFirstLogin) {
  const std::string keep = make_temp_dir();
  const std::string data = keep + "/data";
  const std::string chosen = "a-password-the-dpo-chose";
  std::string password;
  {
    ServerProcess first({"--data", data});
    ASSERT_TRUE(first.started()) << first.log();
    for (int i = 0; i < 4 && password.empty(); ++i) {
      std::string line = first.read_line();
      auto at = line.find("password ");
      if (line.rfind("First DPO account", 0) == 0 && at != std::string::npos) {
        password = line.substr(at + 9, line.find(' ', at + 9) - at - 9);
      }
    }
    ASSERT_FALSE(password.empty());
    EXPECT_EQ(first.log().find(password), std::string::npos);
    // Until the printed password is changed, the session can only change it or log out.
    auto r = call(first.port(), "POST", "/v1/session", {},
                  {{"email", "dpo@oxemis.com"}, {"password", password}});
    ASSERT_EQ(r.status, 201) << r.body.dump();
    EXPECT_TRUE(r.body["must_change_password"].get<bool>());
    Caller dpo = login(first.port(), "dpo@oxemis.com", password);
    for (auto [method, target] :
         {std::pair{"GET", "/v1/staff"}, {"GET", "/v1/services"}, {"GET", "/v1/audit/tree-head"}}) {
      auto refused = call(first.port(), method, target, dpo);
      EXPECT_EQ(refused.status, 403) << target;
      EXPECT_EQ(refused.type(), "password-change-required") << refused.body.dump();
    }
    auto made = call(first.port(), "POST", "/v1/services", dpo,
                     {{"name", "too-early"}, {"purposes", {"prospecting"}}});
    EXPECT_EQ(made.status, 403);
    EXPECT_EQ(made.type(), "password-change-required");
    EXPECT_EQ(call(first.port(), "GET", "/v1/session", dpo).body["must_change_password"], true);
    // The same password again is refused; a new one is accepted and ends the sessions.
    EXPECT_EQ(call(first.port(), "PUT", "/v1/session/password", dpo,
                   {{"current_password", password}, {"new_password", password}})
                  .status,
              400);
    EXPECT_EQ(call(first.port(), "PUT", "/v1/session/password", dpo,
                   {{"current_password", password}, {"new_password", chosen}})
                  .status,
              204);
    EXPECT_EQ(call(first.port(), "GET", "/v1/staff", dpo).status, 401);
    Caller again = login(first.port(), "dpo@oxemis.com", chosen);
    ASSERT_FALSE(again.cookie.empty());
    EXPECT_EQ(call(first.port(), "GET", "/v1/staff", again).status, 200);
    EXPECT_EQ(first.stop(), 0);
    EXPECT_EQ(first.log().find(password), std::string::npos);
  }
  {
    ServerProcess second({"--data", data});
    ASSERT_TRUE(second.started()) << second.log();
    std::string next = second.read_line(std::chrono::milliseconds(1500));
    EXPECT_EQ(next.find("First DPO"), std::string::npos) << next;
    // The DPO created by the first run logs in with the password they chose, nothing pending.
    auto r = call(second.port(), "POST", "/v1/session", {},
                  {{"email", "dpo@oxemis.com"}, {"password", chosen}});
    EXPECT_EQ(r.status, 201) << r.body.dump();
    EXPECT_FALSE(r.body.value("must_change_password", true));
    EXPECT_EQ(second.stop(), 0);
  }
  std::filesystem::remove_all(keep);
}

// Two servers on one PostgreSQL database act as one system: what one writes, the other serves.
TEST(TwoServers, OnePostgresDatabaseServesConsistentWrites) {
  if (!store::test_pg_url()) GTEST_SKIP() << "CHARTER_TEST_PG_URL is not set";
  auto pg = store::TestStore::make(store::Backend::kPostgres);
  ASSERT_TRUE(pg.ok()) << pg.error().to_string();
  // One key folder for both (the epoch keys are per deployment, never in the database).
  const std::string keep = make_temp_dir();
  const std::vector<std::string> args = {"--database",   (*pg)->target(),    "--data",
                                         keep + "/data", "--rate-anonymous", "1000"};
  ServerProcess a(args);
  ASSERT_TRUE(a.started()) << a.log();
  std::string email, password;
  for (int i = 0; i < 4 && password.empty(); ++i) parse_dpo_line(a.read_line(), email, password);
  ASSERT_FALSE(password.empty());
  ServerProcess b(args);
  ASSERT_TRUE(b.started()) << b.log();
  EXPECT_EQ(b.read_line(std::chrono::milliseconds(1000)).find("First DPO"), std::string::npos);

  // A session opened on A works on B (sessions live in the database).
  Caller dpo = first_dpo_login(a.port(), email, password);
  ASSERT_FALSE(dpo.cookie.empty());
  EXPECT_EQ(call(b.port(), "GET", "/v1/session", dpo).status, 200);
  auto svc = call(b.port(), "POST", "/v1/services", dpo,
                  {{"name", "two-servers"}, {"purposes", {"prospecting"}}});
  ASSERT_EQ(svc.status, 201) << svc.body.dump();
  auto tok = call(a.port(), "POST", "/v1/services/" + svc.body["id"].get<std::string>() + "/tokens",
                  dpo, json::object());
  ASSERT_EQ(tok.status, 201);
  Caller service{tok.body["token"], "", ""};

  // Writes alternate between the servers; each sees the other's.
  auto created = call(a.port(), "POST", "/v1/subjects", service,
                      {{"purposes", {"prospecting"}}, {"fields", {{"email", "two@example.net"}}}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  std::string id = created.body["id"];
  EXPECT_EQ(call(b.port(), "POST", "/v1/subjects/lookup", service, {{"email", "two@example.net"}})
                .body["subject_ids"],
            json::array({id}));
  EXPECT_EQ(call(b.port(), "POST", "/v1/subjects/" + id + "/consents", service,
                 {{"purpose", "prospecting"}, {"action", "give"}, {"channel", "api"}})
                .status,
            201);
  EXPECT_EQ(
      call(a.port(), "POST", "/v1/subjects/" + id + "/consents", service,
           {{"purpose", "prospecting"}, {"action", "withdraw"}, {"channel", "privacy_center"}})
          .status,
      201);
  auto state = call(b.port(), "GET", "/v1/subjects/" + id + "/consents", service);
  EXPECT_EQ(state.body["purposes"]["prospecting"]["status"], "withdrawn");
  EXPECT_EQ(call(a.port(), "GET", "/v1/subjects/" + id + "/consents/history", service)
                .body["events"]
                .size(),
            2u);
  // Decisions on B follow A's consent changes within a second: single decisions (read from
  // the store) and bulk ones (from B's decision index, kept current by the index feed).
  auto bulk_on_b = [&] {
    auto r = call(b.port(), "POST", "/v1/decisions/bulk", service,
                  {{"purpose", "prospecting"}, {"items", {"two@example.net", id}}});
    EXPECT_EQ(r.status, 200) << r.body.dump();
    return r;
  };
  auto single_on_b = [&] {
    return call(b.port(), "POST", "/v1/decisions", service,
                {{"subject_id", id}, {"purpose", "prospecting"}});
  };
  auto until = [](auto ask, auto done) {
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
      auto r = ask();
      auto waited = std::chrono::steady_clock::now() - start;
      if (done(r) || waited > std::chrono::seconds(3)) {
        return std::make_pair(r, std::chrono::duration_cast<std::chrono::milliseconds>(waited));
      }
      usleep(20'000);
    }
  };
  auto allowed = [](const Reply& r) { return r.body.value("allowed", 0) == 2; };
  auto refused = [](const Reply& r) { return r.body.value("allowed", -1) == 0; };
  ASSERT_EQ(call(a.port(), "POST", "/v1/subjects/" + id + "/consents", service,
                 {{"purpose", "prospecting"}, {"action", "give"}, {"channel", "api"}})
                .status,
            201);
  auto [given, given_after] = until(bulk_on_b, allowed);
  EXPECT_TRUE(allowed(given)) << given.body.dump();
  EXPECT_LE(given_after.count(), 1000);
  EXPECT_TRUE(single_on_b().body["allowed"].get<bool>());
  ASSERT_EQ(call(a.port(), "POST", "/v1/subjects/" + id + "/consents", service,
                 {{"purpose", "prospecting"},
                  {"action", "withdraw"},
                  {"channel", "one_click_unsubscribe"}})
                .status,
            201);
  EXPECT_FALSE(single_on_b().body["allowed"].get<bool>());
  auto [withdrawn, withdrawn_after] = until(bulk_on_b, refused);
  ASSERT_TRUE(refused(withdrawn)) << withdrawn.body.dump();
  EXPECT_EQ(withdrawn.body["answers"][0]["reason"], "consent_withdrawn");
  EXPECT_LE(withdrawn_after.count(), 1000)
      << "B's index followed A after " << withdrawn_after.count() << " ms";
  // A subject created through B is known to A's index too.
  auto other = call(b.port(), "POST", "/v1/subjects", service,
                    {{"purposes", {"prospecting"}}, {"fields", {{"email", "three@example.net"}}}});
  ASSERT_EQ(other.status, 201);
  auto [known, known_after] = until(
      [&] {
        return call(a.port(), "POST", "/v1/decisions/bulk", service,
                    {{"purpose", "prospecting"}, {"items", {"three@example.net"}}});
      },
      [](const Reply& r) { return r.body["answers"][0]["reason"] != "unknown_subject"; });
  EXPECT_EQ(known.body["answers"][0]["reason"], "consent_missing") << known.body.dump();
  EXPECT_LE(known_after.count(), 1000);

  // An Idempotency-Key is shared: a write retried against the other server is applied once.
  const json retried = {{"purposes", {"prospecting"}}, {"fields", {{"email", "once@example.net"}}}};
  const std::string key = "Idempotency-Key: two-servers-create-1\r\n";
  auto first_try = call(a.port(), "POST", "/v1/subjects", service, retried, key);
  ASSERT_EQ(first_try.status, 201) << first_try.body.dump();
  auto retry = call(b.port(), "POST", "/v1/subjects", service, retried, key);
  EXPECT_EQ(retry.status, 201) << retry.body.dump();
  EXPECT_EQ(retry.raw.header("idempotent-replayed"), "true");
  EXPECT_EQ(retry.body["id"], first_try.body["id"]);
  EXPECT_EQ(call(a.port(), "POST", "/v1/subjects/lookup", service, {{"email", "once@example.net"}})
                .body["subject_ids"]
                .size(),
            1u);
  auto other_body =
      call(b.port(), "POST", "/v1/subjects", service,
           {{"purposes", {"prospecting"}}, {"fields", {{"email", "x@example.net"}}}}, key);
  EXPECT_EQ(other_body.status, 422) << other_body.body.dump();

  // A token revoked through B is refused by A at once.
  EXPECT_EQ(call(b.port(), "DELETE", "/v1/tokens/" + tok.body["id"].get<std::string>(), dpo).status,
            204);
  EXPECT_EQ(call(a.port(), "GET", "/v1/subjects/" + id + "/consents", service).status, 401);
  EXPECT_EQ(a.stop(), 0);
  EXPECT_EQ(b.stop(), 0);
  std::filesystem::remove_all(keep);
}

}  // namespace
}  // namespace charter::testing
