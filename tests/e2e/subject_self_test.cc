// The data subject's own session over the real `charter serve` (docs/RIGHTS.md "The subject's
// own session", docs/WEB.md "Privacy center for subjects"): sign-in by e-mail code read from the
// outbox's .eml files, then the /v1/rights/me/... routes and the /me pages — refusal without a
// session, no reach into another subject's data or requests, CSRF refused, consent withdrawal
// changing the access decision at once, an access request answered with a zip archive,
// directives recorded and revoked, the audited read in the access history. SQLite, and
// PostgreSQL when CHARTER_TEST_PG_URL is set.
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>

#include "e2e/api_client.h"
#include "e2e/dpo_server.h"
#include "e2e/server_process.h"
#include "store/testing.h"

namespace charter::testing {
namespace {

using nlohmann::json;

struct Env : DpoServer {
  Caller service;  // bound to prospecting
};

std::string form_encode(const std::map<std::string, std::string>& f) {
  std::string out;
  for (const auto& [k, v] : f) {
    if (!out.empty()) out += '&';
    out += k + "=";
    for (unsigned char c : v) {
      if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
        out += static_cast<char>(c);
      } else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
  }
  return out;
}

class SubjectSelf : public SharedServerSuite<Env> {
 protected:
  void prepare(Env& env) override { make_service(env, "crm", {"prospecting"}, env.service); }

  // RawClient sends "Host: localhost": the server's own origin is then http://localhost.
  std::string origin() const { return "http://localhost"; }
  std::string address(const std::string& name) { return name + "." + GetParam() + "@example.org"; }

  Reply as(const Caller& who, const std::string& method, const std::string& target,
           const json& body = nullptr) {
    return call(env_->port(), method, target, who, body);
  }
  // A call with the subject cookie (and this server's Origin, as a browser sends on writes).
  Reply me(const std::string& session, const std::string& method, const std::string& target,
           const json& body = nullptr, const std::string& origin_header = "") {
    std::string h;
    if (!session.empty()) h += "Cookie: charter_subject=" + session + "\r\n";
    h += "Origin: " + (origin_header.empty() ? origin() : origin_header) + "\r\n";
    return call(env_->port(), method, target, {}, body, h);
  }
  // A page request (form body when `form` is set).
  RawResponse page(const std::string& session, const std::string& method, const std::string& target,
                   const std::map<std::string, std::string>& form = {}, bool with_origin = true) {
    RawClient c(env_->port());
    std::string h;
    if (!session.empty()) h += "Cookie: charter_subject=" + session + "\r\n";
    std::string body;
    if (method == "POST") {
      if (with_origin) h += "Origin: " + origin() + "\r\n";
      h += "Content-Type: application/x-www-form-urlencoded\r\n";
      body = form_encode(form);
    }
    auto r = c.request(method, target, h, body);
    return r ? *r : RawResponse{};
  }

  std::string new_subject(const std::string& email) {
    auto r = as(env_->service, "POST", "/v1/subjects",
                {{"purposes", {"prospecting"}}, {"fields", {{"email", email}}}});
    EXPECT_EQ(r.status, 201) << r.body.dump();
    return r.body.is_object() ? r.body.value("id", "") : "";
  }
  json decision(const std::string& id) {
    auto d = as(env_->service, "POST", "/v1/decisions",
                {{"subject_id", id}, {"purpose", "prospecting"}});
    EXPECT_EQ(d.status, 200) << d.body.dump();
    return d.body;
  }
  // The newest sign-in code e-mailed to `to`.
  std::string code_for(const std::string& to) {
    namespace fs = std::filesystem;
    const fs::path dir = env_->server->dir() + "/data/outbox";
    static const std::regex mark("code[^:\\r\\n]*: ([0-9]{8})");
    for (int i = 0; i < 500; ++i) {
      std::error_code ec;
      auto newest = fs::file_time_type::min();
      std::string code;
      for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.path().extension() != ".eml") continue;
        std::ifstream in(e.path());
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string text = ss.str();
        std::smatch m;
        if (text.find(to) == std::string::npos || !std::regex_search(text, m, mark)) continue;
        if (e.last_write_time() >= newest) {
          newest = e.last_write_time();
          code = m[1];
        }
      }
      if (!code.empty() && code != seen_[to]) {
        seen_[to] = code;
        return code;
      }
      usleep(20'000);
    }
    return "";
  }
  // Signs in through the API; returns the session secret ("" when no outbox is wired).
  std::string sign_in(const std::string& email) {
    auto r = as({}, "POST", "/v1/rights/sign-in", {{"email", email}, {"language", "en"}});
    if (r.status == 503) return "";
    EXPECT_EQ(r.status, 202) << r.body.dump();
    EXPECT_FALSE(r.raw.has("set-cookie"));
    const std::string id = r.body.value("sign_in_id", "");
    const std::string code = code_for(email);
    EXPECT_EQ(code.size(), 8u) << "no sign-in e-mail";
    auto v = as({}, "POST", "/v1/rights/sign-in/" + id + "/verify", {{"code", code}});
    EXPECT_EQ(v.status, 200) << v.body.dump();
    EXPECT_NE(v.raw.header("set-cookie").find("HttpOnly; Secure; SameSite=Strict; Path=/"),
              std::string::npos);
    return v.raw.cookie_value();
  }

  std::map<std::string, std::string> seen_;
};

TEST_P(SubjectSelf, RoutesRefuseWithoutASession) {
  for (const auto& [m, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/v1/rights/me/data"},
                                                        {"GET", "/v1/rights/me/consents"},
                                                        {"GET", "/v1/rights/me/objections"},
                                                        {"GET", "/v1/rights/me/archives"},
                                                        {"GET", "/v1/rights/me/directives"},
                                                        {"GET", "/v1/rights/me/history"},
                                                        {"GET", "/v1/rights/me/session"}}) {
    EXPECT_EQ(me("", m, path).status, 401) << path;
    EXPECT_EQ(me("chsub_forged", m, path).status, 401) << path;
  }
  EXPECT_EQ(me("", "PUT", "/v1/rights/me/consents/prospecting", {{"given", false}}).status, 401);
  EXPECT_EQ(me("", "PUT", "/v1/rights/me/directives", {{"actions", {{{"type", "erase"}}}}}).status,
            401);
  // Pages: to the sign-in form, which sets no cookie.
  auto p = page("", "GET", "/me/consents");
  EXPECT_EQ(p.status, 303);
  EXPECT_EQ(p.header("location").rfind("/me/sign-in", 0), 0u) << p.header("location");
  auto form = page("", "GET", "/me/sign-in?lang=en");
  EXPECT_EQ(form.status, 200);
  EXPECT_FALSE(form.has("set-cookie"));
  EXPECT_EQ(page("chsub_forged", "GET", "/me").header("location"), "/me/sign-in?lang=fr&expired=1");
  // Every route is in the served OpenAPI document.
  auto doc = as({}, "GET", "/v1/openapi.json").body;
  for (const auto& [path, method] : std::vector<std::pair<std::string, std::string>>{
           {"/v1/rights/sign-in", "post"},
           {"/v1/rights/sign-in/{sign_in_id}/verify", "post"},
           {"/v1/rights/me/session", "get"},
           {"/v1/rights/me/data", "get"},
           {"/v1/rights/me/consents", "get"},
           {"/v1/rights/me/consents/{purpose}", "put"},
           {"/v1/rights/me/objections", "get"},
           {"/v1/rights/me/objections/{purpose}", "put"},
           {"/v1/rights/me/restriction", "put"},
           {"/v1/rights/me/requests", "post"},
           {"/v1/rights/me/archives", "get"},
           {"/v1/rights/me/directives", "put"},
           {"/v1/rights/me/directives", "delete"},
           {"/v1/rights/me/history", "get"},
           {"/me/sign-in", "post"},
           {"/me/code", "post"},
           {"/me", "get"},
           {"/me/consents", "post"},
           {"/me/requests", "post"},
           {"/me/directives/revoke", "post"},
           {"/me/history", "get"}}) {
    ASSERT_TRUE(doc["paths"].contains(path)) << path;
    EXPECT_TRUE(doc["paths"][path].contains(method)) << method << " " << path;
    EXPECT_TRUE(doc["paths"][path][method]["operationId"].is_string()) << path;
  }
}

TEST_P(SubjectSelf, ConsentWithdrawnInOneCallChangesTheDecision) {
  const std::string email = address("consent");
  const std::string id = new_subject(email);
  const std::string s = sign_in(email);
  if (s.empty()) GTEST_SKIP() << "no outbox wired";
  auto give = me(s, "PUT", "/v1/rights/me/consents/prospecting", {{"given", true}});
  ASSERT_EQ(give.status, 200) << give.body.dump();
  EXPECT_TRUE(decision(id).value("allowed", false));
  auto c = me(s, "GET", "/v1/rights/me/consents");
  ASSERT_EQ(c.status, 200);
  ASSERT_EQ(c.body["consents"].size(), 1u);
  EXPECT_EQ(c.body["consents"][0]["status"], "given");
  auto withdraw = me(s, "PUT", "/v1/rights/me/consents/prospecting", {{"given", false}});
  ASSERT_EQ(withdraw.status, 200) << withdraw.body.dump();
  auto d = decision(id);
  EXPECT_FALSE(d.value("allowed", true));
  EXPECT_EQ(d["reasons"][0], "consent_withdrawn");
  // Not a consent purpose: refused with the field named.
  auto bad = me(s, "PUT", "/v1/rights/me/consents/statistics", {{"given", true}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.dump().find("purpose"), std::string::npos);
  // Objection and restriction change decisions at once too.
  ASSERT_EQ(me(s, "PUT", "/v1/rights/me/consents/prospecting", {{"given", true}}).status, 200);
  ASSERT_EQ(me(s, "PUT", "/v1/rights/me/objections/prospecting", {{"objected", true}}).status, 200);
  EXPECT_EQ(decision(id)["reasons"][0], "objection");
  ASSERT_EQ(me(s, "PUT", "/v1/rights/me/objections/prospecting", {{"objected", false}}).status,
            200);
  EXPECT_TRUE(decision(id).value("allowed", false));
  auto r = me(s, "PUT", "/v1/rights/me/restriction", {{"restricted", true}});
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(decision(id)["reasons"][0], "subject_restricted");
  auto o = me(s, "GET", "/v1/rights/me/objections");
  EXPECT_EQ(o.body["restriction"]["restricted"], true);
  ASSERT_EQ(me(s, "PUT", "/v1/rights/me/restriction", {{"restricted", false}}).status, 200);
  EXPECT_TRUE(decision(id).value("allowed", false));
}

// Erasure (art. 17) also forgets the subject's privacy-center sign-in (sealed address, address
// index) and ends the sessions of that address at once.
TEST_P(SubjectSelf, ErasureSignsTheSubjectOut) {
  const std::string email = address("erased");
  const std::string id = new_subject(email);
  const std::string s = sign_in(email);
  if (s.empty()) GTEST_SKIP() << "no outbox wired";
  ASSERT_EQ(me(s, "GET", "/v1/rights/me/session").status, 200);
  const std::string other = sign_in(address("kept"));
  auto erase = as(env_->dpo, "POST", "/v1/subjects/" + id + "/erasure", json::object());
  ASSERT_EQ(erase.status, 200) << erase.body.dump();
  EXPECT_EQ(me(s, "GET", "/v1/rights/me/session").status, 401);
  EXPECT_EQ(me(s, "GET", "/v1/rights/me/data").status, 401);
  EXPECT_EQ(me(other, "GET", "/v1/rights/me/session").status, 200);  // another address: kept
}

TEST_P(SubjectSelf, CsrfIsRefused) {
  const std::string email = address("csrf");
  new_subject(email);
  const std::string s = sign_in(email);
  if (s.empty()) GTEST_SKIP() << "no outbox wired";
  // JSON route from another origin.
  auto cross =
      me(s, "PUT", "/v1/rights/me/consents/prospecting", {{"given", true}}, "https://evil.example");
  EXPECT_EQ(cross.status, 403) << cross.body.dump();
  // A form (not JSON) to a JSON route: 415, nothing changed.
  RawClient c(env_->port());
  auto form = c.request(
      "PUT", "/v1/rights/me/consents/prospecting",
      "Cookie: charter_subject=" + s + "\r\nContent-Type: application/x-www-form-urlencoded\r\n",
      "given=true");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 415);
  EXPECT_EQ(me(s, "GET", "/v1/rights/me/consents").body["consents"][0]["status"], "none");
  // Page forms: the session's token is required.
  auto missing = page(s, "POST", "/me/consents", {{"purpose", "prospecting"}, {"action", "give"}});
  EXPECT_EQ(missing.status, 403);
  auto wrong = page(s, "POST", "/me/consents",
                    {{"purpose", "prospecting"}, {"action", "give"}, {"csrf_token", "nope"}});
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(me(s, "GET", "/v1/rights/me/consents").body["consents"][0]["status"], "none");
  const std::string token = me(s, "GET", "/v1/rights/me/session").body.value("csrf_token", "");
  ASSERT_FALSE(token.empty());
  auto ok = page(s, "POST", "/me/consents",
                 {{"purpose", "prospecting"}, {"action", "give"}, {"csrf_token", token}});
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(me(s, "GET", "/v1/rights/me/consents").body["consents"][0]["status"], "given");
  // The sign-in forms (no session yet) refuse cross-site posts.
  RawClient x(env_->port());
  auto signin = x.request("POST", "/me/sign-in",
                          "Origin: https://evil.example\r\nContent-Type: "
                          "application/x-www-form-urlencoded\r\n",
                          "email=" + email);
  ASSERT_TRUE(signin);
  EXPECT_EQ(signin->status, 403);
}

TEST_P(SubjectSelf, AnotherSubjectsDataAndRequestsCannotBeReached) {
  const std::string a_email = address("alice"), b_email = address("bob");
  new_subject(a_email);
  new_subject(b_email);
  const std::string a = sign_in(a_email);
  if (a.empty()) GTEST_SKIP() << "no outbox wired";
  const std::string b = sign_in(b_email);
  auto req = me(a, "POST", "/v1/rights/me/requests", {{"type", "erasure"}});
  ASSERT_EQ(req.status, 201) << req.body.dump();
  EXPECT_EQ(req.body["state"], "in_progress");
  const std::string a_req = req.body["request_id"];
  // Bob's session: his own data only; Alice's request is 404 like an unknown one.
  auto data = me(b, "GET", "/v1/rights/me/data");
  ASSERT_EQ(data.status, 200) << data.body.dump();
  EXPECT_NE(data.body.dump().find(b_email), std::string::npos);
  EXPECT_EQ(data.body.dump().find(a_email), std::string::npos);
  EXPECT_EQ(me(b, "GET", "/v1/rights/me/requests/" + a_req).status, 404);
  EXPECT_EQ(me(b, "GET", "/v1/rights/me/archives").body["requests"].size(), 0u);
  // No route takes a subject id: a query or body id is ignored or refused.
  auto q = me(b, "GET", "/v1/rights/me/data?subject_id=whatever");
  EXPECT_EQ(q.body.dump().find(a_email), std::string::npos);
  auto extra = me(b, "POST", "/v1/rights/me/requests", {{"type", "access"}, {"subject_id", "x"}});
  EXPECT_EQ(extra.status, 400);
  // An address without data: signed in, nothing held.
  const std::string c = sign_in(address("nobody"));
  auto none = me(c, "GET", "/v1/rights/me/data");
  ASSERT_EQ(none.status, 200);
  EXPECT_EQ(none.body["known"], false);
  EXPECT_EQ(me(c, "GET", "/v1/rights/me/consents").status, 404);
}

TEST_P(SubjectSelf, AccessRequestArchiveDirectivesAndHistory) {
  const std::string email = address("dora");
  const std::string id = new_subject(email);
  const std::string s = sign_in(email);
  if (s.empty()) GTEST_SKIP() << "no outbox wired";
  // My data: read after an audited decision.
  auto data = me(s, "GET", "/v1/rights/me/data");
  ASSERT_EQ(data.status, 200) << data.body.dump();
  EXPECT_EQ(data.body["decision"]["allowed"], true);
  bool has_email = false;
  for (const auto& v : data.body["values"]) has_email |= v["value"] == email;
  EXPECT_TRUE(has_email);
  auto hist = me(s, "GET", "/v1/rights/me/history");
  ASSERT_EQ(hist.status, 200) << hist.body.dump();
  bool read_recorded = false;
  for (const auto& r : hist.body["records"]) {
    read_recorded |= r["actor"] == "privacy_center" && r["purpose"] == "rights_management" &&
                     r["decision"] == "allow";
  }
  EXPECT_TRUE(read_recorded) << hist.body.dump();

  // Access request: in progress at once, then the DPO fulfils it and the archive is a zip.
  auto req = me(s, "POST", "/v1/rights/me/requests", {{"type", "access"}});
  ASSERT_EQ(req.status, 201) << req.body.dump();
  EXPECT_EQ(req.body["deadline_status"], "on_time");
  const std::string rid = req.body["request_id"];
  auto f = as(env_->dpo, "POST", "/v1/rights/queue/" + rid + "/fulfil", json::object());
  ASSERT_EQ(f.status, 200) << f.body.dump();
  auto list = me(s, "GET", "/v1/rights/me/archives");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["requests"].size(), 1u);
  EXPECT_EQ(list.body["requests"][0]["state"], "fulfilled");
  const std::string link = list.body["requests"][0]["archive_link"];
  ASSERT_EQ(link.rfind("/archives/", 0), 0u) << link;
  RawClient c(env_->port());
  auto zip = c.request("GET", link, "", "");
  ASSERT_TRUE(zip);
  EXPECT_EQ(zip->status, 200);
  EXPECT_EQ(zip->body.substr(0, 4), std::string("PK\x03\x04", 4));
  // The page lists it with the download link.
  auto p = page(s, "GET", "/me/requests?lang=en");
  EXPECT_EQ(p.status, 200);
  EXPECT_NE(p.body.find("href=\"" + link + "\""), std::string::npos);

  // Directives: record, change, revoke.
  auto d =
      me(s, "PUT", "/v1/rights/me/directives",
         {{"actions",
           {{{"type", "pass"}, {"recipient", {{"name", "Léa"}, {"email", "lea@example.org"}}}}}},
          {"language", "fr"}});
  ASSERT_EQ(d.status, 200) << d.body.dump();
  EXPECT_EQ(d.body["directives"]["actions"][0]["type"], "pass");
  auto bad = me(s, "PUT", "/v1/rights/me/directives", {{"actions", {{{"type", "burn"}}}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.dump().find("actions[0].type"), std::string::npos);
  auto d2 = me(s, "PUT", "/v1/rights/me/directives", {{"actions", {{{"type", "erase"}}}}});
  ASSERT_EQ(d2.status, 200);
  EXPECT_EQ(me(s, "GET", "/v1/rights/me/directives").body["directives"]["actions"][0]["type"],
            "erase");
  EXPECT_EQ(me(s, "DELETE", "/v1/rights/me/directives").status, 204);
  EXPECT_TRUE(me(s, "GET", "/v1/rights/me/directives").body["directives"].is_null());
  (void)id;
}

TEST_P(SubjectSelf, PagesSignInWithoutCookieThenSession) {
  const std::string email = address("pages");
  new_subject(email);
  auto start = page("", "POST", "/me/sign-in", {{"email", email}, {"lang", "en"}});
  if (start.status == 503) GTEST_SKIP() << "no outbox wired";
  ASSERT_EQ(start.status, 303) << start.body;
  EXPECT_FALSE(start.has("set-cookie"));
  const std::string loc = start.header("location");
  ASSERT_EQ(loc.rfind("/me/code?sign_in=sgn_", 0), 0u) << loc;
  EXPECT_EQ(loc.find('@'), std::string::npos);  // no address in the URL
  const std::string sid = loc.substr(17, loc.find('&') - 17);
  auto form = page("", "GET", loc);
  EXPECT_EQ(form.status, 200);
  EXPECT_FALSE(form.has("set-cookie"));
  const std::string code = code_for(email);
  ASSERT_EQ(code.size(), 8u);
  auto wrong =
      page("", "POST", "/me/code", {{"sign_in", sid}, {"code", "00000000"}, {"lang", "en"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_FALSE(wrong.has("set-cookie"));
  auto ok = page("", "POST", "/me/code", {{"sign_in", sid}, {"code", code}, {"lang", "en"}});
  ASSERT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(ok.header("location"), "/me?lang=en");
  const std::string s = ok.cookie_value();
  ASSERT_EQ(s.rfind("chsub_", 0), 0u);
  // The code is single use.
  EXPECT_NE(page("", "POST", "/me/code", {{"sign_in", sid}, {"code", code}}).status, 303);
  for (const std::string path :
       {"/me", "/me/consents", "/me/objections", "/me/requests", "/me/directives", "/me/history"}) {
    auto p = page(s, "GET", path + "?lang=en");
    EXPECT_EQ(p.status, 200) << path;
    EXPECT_NE(p.body.find("<html lang=\"en\">"), std::string::npos) << path;
    EXPECT_NE(p.header("content-security-policy").find("script-src 'self'"), std::string::npos);
    EXPECT_EQ(p.header("content-security-policy").find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(p.header("cache-control"), "no-store") << path;
    EXPECT_FALSE(p.has("set-cookie")) << path;
  }
  EXPECT_NE(page(s, "GET", "/me?lang=en").body.find(email), std::string::npos);
  // Directives through the form.
  const std::string token = me(s, "GET", "/v1/rights/me/session").body.value("csrf_token", "");
  auto rec = page(s, "POST", "/me/directives",
                  {{"csrf_token", token}, {"action", "keep"}, {"language", "en"}, {"lang", "en"}});
  EXPECT_EQ(rec.status, 303) << rec.body;
  EXPECT_EQ(me(s, "GET", "/v1/rights/me/directives").body["directives"]["actions"][0]["type"],
            "keep");
  // Sign out ends the session.
  auto out = page(s, "POST", "/me/sign-out", {{"csrf_token", token}});
  EXPECT_EQ(out.status, 303);
  EXPECT_NE(out.header("set-cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(me(s, "GET", "/v1/rights/me/session").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, SubjectSelf, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace charter::testing
