// The request pipeline without sockets: routing, authentication, CSRF, limits, JSON bodies,
// idempotency, final headers.
#include "http/pipeline.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "http/csrf.h"
#include "http/purpose.h"
#include "http/target.h"
#include "http/test_support.h"

namespace charter::http {
namespace {

using nlohmann::json;
using testing::service;
using testing::staff;

class PipelineTest : public ::testing::Test {
 protected:
  PipelineTest() : clock_(from_unix_micros(1'700'000'000'000'000)), random_(7) {
    spdlog::set_level(spdlog::level::warn);
    add(Method::kGet, "/v1/open", "open", Auth::kNone);
    add(Method::kGet, "/v1/service", "svc", Auth::kService);
    add(Method::kGet, "/v1/staff", "stf", Auth::kStaff);
    add(Method::kPost, "/v1/any", "anyPost", Auth::kAny, /*body=*/true);
    add(Method::kDelete, "/v1/any", "anyDelete", Auth::kAny);
    add(Method::kPost, "/v1/fails", "fails", Auth::kService, false, Errc::kUnavailable);
    add(Method::kGet, "/v1/throws", "throws", Auth::kNone);
    auth_.add("tok-svc", service("svc_1"));
    auth_.add("tok-svc2", service("svc_2"));
    auth_.add("sess-staff", staff("stf_1", "csrf-secret"));
    limits_.anonymous = {1000, 1000};
    limits_.credential = {1000, 1000};
    metrics_ = std::make_unique<HttpMetrics>(router_);
    pipeline_ = std::make_unique<Pipeline>(router_, &auth_, clock_, random_, *metrics_, limits_);
  }

  void add(Method m, std::string path, std::string op, Auth auth, bool body = false,
           std::optional<Errc> fail = std::nullopt) {
    Route r;
    r.method = m;
    r.path = std::move(path);
    r.operation_id = std::move(op);
    r.summary = "test";
    r.auth = auth;
    if (body) r.body = Body{"", {{"type", "object"}}};
    bool throws = r.operation_id == "throws";
    r.handler = [this, fail, throws](Request& req) -> Result<Response> {
      ++handled_;
      if (throws) throw std::runtime_error("bug");
      if (fail) return make_error(*fail, "storage is down");
      json out = {{"n", handled_}};
      if (req.principal) out["who"] = req.principal->id;
      if (!req.json.is_null()) out["echo"] = req.json;
      return json_response(201, out);
    };
    ASSERT_TRUE(router_.add(std::move(r)));
  }

  Request request(Method m, std::string target,
                  std::vector<std::pair<std::string, std::string>> headers = {},
                  std::string body = "") {
    Request req;
    req.method = m;
    auto t = parse_target(target);
    EXPECT_TRUE(t);
    req.path = t->path;
    req.segments = t->segments;
    req.query = t->query;
    for (auto& [k, v] : headers) req.headers.add(k, v);
    req.body = std::move(body);
    req.remote_ip = "192.0.2.1";
    return req;
  }

  // Runs the whole pipeline like a connection does.
  Response run(Request& req) {
    auto early = pipeline_->route(req);
    Response res = early ? *early : pipeline_->execute(req);
    pipeline_->finish(req, res, std::chrono::steady_clock::now(), false);
    return res;
  }

  static json body(const Response& r) { return json::parse(r.body); }

  ManualClock clock_;
  SeededRandom random_;
  Router router_;
  testing::TableAuthenticator auth_;
  Limits limits_;
  std::unique_ptr<HttpMetrics> metrics_;
  std::unique_ptr<Pipeline> pipeline_;
  int handled_ = 0;
};

TEST_F(PipelineTest, NotFoundAndMethodNotAllowedAreProblems) {
  auto req = request(Method::kGet, "/v1/nothing?email=jean@example.com");
  Response r = run(req);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type(), "application/problem+json");
  EXPECT_EQ(body(r)["instance"], req.id);
  EXPECT_EQ(r.headers.get("X-Request-Id"), req.id);
  EXPECT_EQ(r.body.find("jean"), std::string::npos);
  EXPECT_EQ(r.body.find("nothing"), std::string::npos);

  auto put = request(Method::kPut, "/v1/any");
  r = run(put);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.get("Allow"), "POST, DELETE");
}

TEST_F(PipelineTest, EveryResponseHasRequestIdAndSecurityHeaders) {
  auto req = request(Method::kGet, "/v1/open");
  Response r = run(req);
  EXPECT_EQ(r.status, 201);
  EXPECT_TRUE(req.id.starts_with("req_"));
  EXPECT_EQ(r.headers.get("X-Request-Id"), req.id);
  EXPECT_EQ(r.headers.get("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'");
  EXPECT_EQ(r.headers.get("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r.headers.get("Referrer-Policy"), "no-referrer");
  EXPECT_EQ(r.headers.get("Cache-Control"), "no-store");
  auto other = request(Method::kGet, "/v1/open");
  run(other);
  EXPECT_NE(other.id, req.id);
}

TEST_F(PipelineTest, AuthenticationAndPrincipalKinds) {
  auto none = request(Method::kGet, "/v1/service");
  Response r = run(none);
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(r.headers.has("WWW-Authenticate"));
  EXPECT_EQ(auth_.calls, 0);  // refused before any lookup

  auto bad = request(Method::kGet, "/v1/service", {{"Authorization", "Bearer nope"}});
  EXPECT_EQ(run(bad).status, 401);
  auto malformed = request(Method::kGet, "/v1/service", {{"Authorization", "Basic eA=="}});
  EXPECT_EQ(run(malformed).status, 401);

  auto ok = request(Method::kGet, "/v1/service", {{"Authorization", "Bearer tok-svc"}});
  r = run(ok);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(body(r)["who"], "svc_1");

  auto staff_on_service =
      request(Method::kGet, "/v1/service", {{"Cookie", "charter_session=sess-staff"}});
  EXPECT_EQ(run(staff_on_service).status, 403);
  auto service_on_staff = request(Method::kGet, "/v1/staff", {{"Authorization", "Bearer tok-svc"}});
  EXPECT_EQ(run(service_on_staff).status, 403);
  auto staff_ok = request(Method::kGet, "/v1/staff", {{"Cookie", "charter_session=sess-staff"}});
  EXPECT_EQ(run(staff_ok).status, 201);
}

TEST_F(PipelineTest, NoAuthenticatorMeansNoAuthenticatedRoutes) {
  Pipeline bare(router_, nullptr, clock_, random_, *metrics_, limits_);
  auto req = request(Method::kGet, "/v1/service", {{"Authorization", "Bearer tok-svc"}});
  auto early = bare.route(req);
  Response r = early ? *early : bare.execute(req);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(handled_, 0);
}

TEST_F(PipelineTest, CsrfForCookieSessionsOnUnsafeMethods) {
  std::vector<std::pair<std::string, std::string>> cookie = {
      {"Cookie", "charter_session=sess-staff"}, {"Content-Type", "application/json"}};
  auto no_token = request(Method::kPost, "/v1/any", cookie, "{}");
  Response r = run(no_token);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(body(r)["detail"].get<std::string>().find("CSRF token is missing"), std::string::npos);

  auto wrong = cookie;
  wrong.emplace_back("X-CSRF-Token", "guess");
  auto bad = request(Method::kPost, "/v1/any", wrong, "{}");
  EXPECT_EQ(run(bad).status, 403);

  auto right = cookie;
  right.emplace_back("X-CSRF-Token", "csrf-secret");
  auto good = request(Method::kPost, "/v1/any", right, "{}");
  EXPECT_EQ(run(good).status, 201);

  auto cross = right;
  cross.emplace_back("Sec-Fetch-Site", "cross-site");
  auto x = request(Method::kPost, "/v1/any", cross, "{}");
  EXPECT_EQ(run(x).status, 403);

  auto origin = right;
  origin.emplace_back("Host", "charter.example");
  origin.emplace_back("Origin", "https://evil.example");
  auto o = request(Method::kPost, "/v1/any", origin, "{}");
  EXPECT_EQ(run(o).status, 403);

  // Bearer tokens are not sent by browsers on their own: no CSRF check.
  auto bearer =
      request(Method::kPost, "/v1/any",
              {{"Authorization", "Bearer tok-svc"}, {"Content-Type", "application/json"}}, "{}");
  EXPECT_EQ(run(bearer).status, 201);
  // Safe methods need no token.
  auto get = request(Method::kGet, "/v1/staff", {{"Cookie", "charter_session=sess-staff"}});
  EXPECT_EQ(run(get).status, 201);
}

TEST_F(PipelineTest, CsrfTokenFromAForm) {
  Request req;
  req.method = Method::kPost;
  req.headers.add("Content-Type", "application/x-www-form-urlencoded");
  req.headers.add("Host", "charter.example");
  req.headers.add("Origin", "https://charter.example");
  req.secure = true;
  Principal p = staff("stf_1", "csrf-secret");
  p.by_session_cookie = true;
  req.body = "name=x&csrf_token=csrf-secret";
  EXPECT_TRUE(check_csrf(req, p));
  req.body = "csrf_token=other";
  EXPECT_FALSE(check_csrf(req, p));
  // Not authenticated by the cookie (a staff bearer token): nothing to check.
  p.by_session_cookie = false;
  EXPECT_TRUE(check_csrf(req, p));
}

TEST_F(PipelineTest, JsonBodies) {
  std::vector<std::pair<std::string, std::string>> h = {{"Authorization", "Bearer tok-svc"},
                                                        {"Content-Type", "application/json"}};
  auto ok = request(Method::kPost, "/v1/any", h, R"({"a":[1,2]})");
  Response r = run(ok);
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(body(r)["echo"]["a"][1], 2);

  auto malformed = request(Method::kPost, "/v1/any", h, R"({"email":"jean@example.com",})");
  r = run(malformed);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(body(r)["detail"].get<std::string>().find("malformed JSON at byte"), std::string::npos);
  EXPECT_EQ(r.body.find("jean"), std::string::npos);

  std::string deep(40, '[');
  deep += std::string(40, ']');
  auto too_deep = request(Method::kPost, "/v1/any", h, deep);
  r = run(too_deep);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(body(r)["detail"], "JSON nested deeper than 32 levels");

  auto text = request(Method::kPost, "/v1/any",
                      {{"Authorization", "Bearer tok-svc"}, {"Content-Type", "text/plain"}}, "{}");
  EXPECT_EQ(run(text).status, 415);
  auto none = request(Method::kPost, "/v1/any", {{"Authorization", "Bearer tok-svc"}}, "{}");
  EXPECT_EQ(run(none).status, 415);
  auto problem_json = request(Method::kPost, "/v1/any",
                              {{"Authorization", "Bearer tok-svc"},
                               {"Content-Type", "application/merge-patch+json; charset=utf-8"}},
                              "{}");
  EXPECT_EQ(run(problem_json).status, 201);
}

TEST_F(PipelineTest, IdempotencyKeyReplaysAndRefusesOtherBodies) {
  std::vector<std::pair<std::string, std::string>> h = {{"Authorization", "Bearer tok-svc"},
                                                        {"Content-Type", "application/json"},
                                                        {"Idempotency-Key", "key-1"}};
  auto first = request(Method::kPost, "/v1/any", h, R"({"a":1})");
  Response r1 = run(first);
  EXPECT_EQ(r1.status, 201);
  EXPECT_EQ(handled_, 1);
  auto retry = request(Method::kPost, "/v1/any", h, R"({"a":1})");
  Response r2 = run(retry);
  EXPECT_EQ(r2.status, 201);
  EXPECT_EQ(r2.body, r1.body);
  EXPECT_EQ(r2.headers.get("Idempotent-Replayed"), "true");
  EXPECT_EQ(r2.headers.get("X-Request-Id"), retry.id);  // the retry's own id
  EXPECT_EQ(handled_, 1);                               // applied once

  auto other = request(Method::kPost, "/v1/any", h, R"({"a":2})");
  Response r3 = run(other);
  EXPECT_EQ(r3.status, 422);
  EXPECT_EQ(body(r3)["type"], "https://charter.dev/problems/unprocessable");
  EXPECT_EQ(handled_, 1);

  // Another credential has its own keys.
  auto h2 = h;
  h2[0].second = "Bearer tok-svc2";
  auto theirs = request(Method::kPost, "/v1/any", h2, R"({"a":2})");
  EXPECT_EQ(run(theirs).status, 201);
  EXPECT_EQ(handled_, 2);

  auto bad_key = h;
  bad_key[2].second = std::string(300, 'k');
  auto b = request(Method::kPost, "/v1/any", bad_key, "{}");
  EXPECT_EQ(run(b).status, 400);
}

TEST_F(PipelineTest, ServerErrorsAreNotReplayed) {
  std::vector<std::pair<std::string, std::string>> h = {{"Authorization", "Bearer tok-svc"},
                                                        {"Idempotency-Key", "key-2"}};
  auto first = request(Method::kPost, "/v1/fails", h);
  EXPECT_EQ(run(first).status, 503);
  auto retry = request(Method::kPost, "/v1/fails", h);
  EXPECT_EQ(run(retry).status, 503);
  EXPECT_EQ(handled_, 2);  // the retry ran again
}

TEST_F(PipelineTest, HandlerExceptionIsA500WithoutDetails) {
  auto req = request(Method::kGet, "/v1/throws");
  Response r = run(req);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("bug"), std::string::npos);
}

TEST_F(PipelineTest, RateLimitsPerAddressAndPerCredential) {
  limits_.anonymous = {1, 2};
  limits_.credential = {1, 3};
  Pipeline p(router_, &auth_, clock_, random_, *metrics_, limits_);
  auto go = [&](Request req) {
    auto early = p.route(req);
    return early ? *early : p.execute(req);
  };
  EXPECT_EQ(go(request(Method::kGet, "/v1/open")).status, 201);
  EXPECT_EQ(go(request(Method::kGet, "/v1/open")).status, 201);
  Response limited = go(request(Method::kGet, "/v1/open"));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.headers.get("Retry-After"), "1");
  // Another address is not limited.
  auto other = request(Method::kGet, "/v1/open");
  other.remote_ip = "192.0.2.2";
  EXPECT_EQ(go(other).status, 201);
  // A credential has its own bucket, whatever the address.
  auto svc = [&] {
    return request(Method::kGet, "/v1/service", {{"Authorization", "Bearer tok-svc"}});
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(go(svc()).status, 201);
  EXPECT_EQ(go(svc()).status, 429);
  clock_.advance(Micros(1'000'000));
  EXPECT_EQ(go(svc()).status, 201);
  // Failed authentications spend the address's tokens: guessing is throttled.
  auto guess = [&] {
    auto r = request(Method::kGet, "/v1/service", {{"Authorization", "Bearer guess"}});
    r.remote_ip = "192.0.2.9";
    return r;
  };
  EXPECT_EQ(go(guess()).status, 401);
  EXPECT_EQ(go(guess()).status, 401);
  EXPECT_EQ(go(guess()).status, 429);
}

TEST_F(PipelineTest, PurposeParameter) {
  auto policy = testing::oxemis_policy();
  auto ok = request(Method::kGet, "/v1/open?purpose=" + policy->purposes[0].id);
  auto p = required_purpose(ok, *policy);
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)->id, policy->purposes[0].id);
  auto missing = required_purpose(request(Method::kGet, "/v1/open"), *policy);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::kInvalidArgument);
  EXPECT_NE(missing.error().message.find(policy->purposes[0].id), std::string::npos);
  auto unknown =
      required_purpose(request(Method::kGet, "/v1/open?purpose=jean%40example.com"), *policy);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message.find("jean"), std::string::npos);
  EXPECT_FALSE(required_purpose(request(Method::kGet, "/v1/open?purpose=a&purpose=b"), *policy));
}

TEST_F(PipelineTest, GpcSignal) {
  auto on = request(Method::kGet, "/v1/open", {{"Sec-GPC", "1"}});
  EXPECT_TRUE(on.gpc());
  auto dup = request(Method::kGet, "/v1/open", {{"Sec-GPC", "0"}, {"sec-gpc", "1"}});
  EXPECT_TRUE(dup.gpc());
  for (const char* v : {"0", "true", "1 ", " 1", "yes"}) {
    auto off = request(Method::kGet, "/v1/open", {{"Sec-GPC", v}});
    EXPECT_FALSE(off.gpc()) << v;
  }
}

}  // namespace
}  // namespace charter::http
