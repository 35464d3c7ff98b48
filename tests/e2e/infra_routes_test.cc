// The infrastructure routes of the real server: success and failure of each.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e/server_process.h"
#include "support/raw_client.h"

namespace charter::testing {
namespace {

using nlohmann::json;

bool all_of_class(const std::string& s, const char* cls, std::size_t size) {
  return s.size() == size && s.find_first_not_of(cls) == std::string::npos;
}
bool is_date(const std::string& s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' &&
         all_of_class(s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2), "0123456789", 8);
}
// "/v1/subjects/{id}" -> "/v1/subjects/x"
std::string concrete(const std::string& path) {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      out += 'x';
      i = path.find('}', i);
    } else {
      out += path[i];
    }
  }
  return out;
}

class InfraRoutes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--rate-anonymous", "1000"});
    ASSERT_TRUE(server_->started()) << server_->log();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::optional<RawResponse> get(const std::string& target,
                                        const std::string& headers = "") {
    RawClient c(server_->port());
    return c.request("GET", target, headers);
  }
  static void expect_security_headers(const RawResponse& r) {
    EXPECT_FALSE(r.header("x-request-id").empty());
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.header("referrer-policy"), "no-referrer");
    EXPECT_FALSE(r.header("content-security-policy").empty());
    EXPECT_FALSE(r.header("cache-control").empty());
  }
  static void expect_problem(const RawResponse& r, int status, const std::string& slug) {
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    auto j = json::parse(r.body);
    EXPECT_EQ(j["type"], "https://charter.dev/problems/" + slug);
    EXPECT_EQ(j["status"], status);
    EXPECT_TRUE(j["title"].is_string());
    EXPECT_TRUE(j["detail"].is_string());
    EXPECT_EQ(j["instance"], r.header("x-request-id"));
    expect_security_headers(r);
  }
  static ServerProcess* server_;
};
ServerProcess* InfraRoutes::server_ = nullptr;

TEST_F(InfraRoutes, Banner) {
  EXPECT_EQ(server_->banner().rfind("Charter listening on http://127.0.0.1:", 0), 0u)
      << server_->banner();
  EXPECT_NE(server_->banner().find("(policy "), std::string::npos);
}

TEST_F(InfraRoutes, Healthz) {
  auto r = get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->header("cache-control"), "no-store");
  EXPECT_EQ(r->header("content-security-policy"), "default-src 'none'; frame-ancestors 'none'");
  auto j = json::parse(r->body);
  EXPECT_EQ(j["status"], "ok");
  EXPECT_TRUE(all_of_class(j["policy_version"].get<std::string>(), "0123456789abcdef", 64));
  expect_security_headers(*r);

  RawClient c(server_->port());
  auto head = c.request("HEAD", "/healthz");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), r->header("content-length"));
  auto post = c.request("POST", "/healthz");
  ASSERT_TRUE(post);
  expect_problem(*post, 405, "method-not-allowed");
  EXPECT_EQ(post->header("allow"), "GET, HEAD");
}

TEST_F(InfraRoutes, Metrics) {
  ASSERT_TRUE(get("/healthz"));
  ASSERT_TRUE(get("/no/such/thing"));
  auto r = get("/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  for (const char* want :
       {"# TYPE charter_http_requests_total counter",
        "charter_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} ",
        "charter_http_requests_total{route=\"unmatched\",status=\"404\"} ",
        "# TYPE charter_http_request_duration_seconds histogram",
        "charter_http_request_duration_seconds_bucket{route=\"/"
        "healthz\",method=\"GET\",le=\"+Inf\"}",
        "charter_http_requests_in_flight ", "charter_http_connections ",
        "charter_http_refused_connections_total 0"}) {
    EXPECT_NE(r->body.find(want), std::string::npos) << want << "\n" << r->body;
  }
  // Raw paths never become labels.
  EXPECT_EQ(r->body.find("/no/such/thing"), std::string::npos);
  RawClient c(server_->port());
  auto del = c.request("DELETE", "/metrics");
  ASSERT_TRUE(del);
  expect_problem(*del, 405, "method-not-allowed");
}

TEST_F(InfraRoutes, GpcSupportResource) {
  auto r = get("/.well-known/gpc.json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "application/json");
  auto j = json::parse(r->body);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["gpc"], true);
  EXPECT_TRUE(is_date(j["lastUpdate"].get<std::string>())) << j["lastUpdate"];
  auto missing = get("/.well-known/gpc");
  ASSERT_TRUE(missing);
  expect_problem(*missing, 404, "not-found");
}

TEST_F(InfraRoutes, Policy) {
  auto r = get("/v1/policy");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto j = json::parse(r->body);
  EXPECT_EQ(j["controller"]["name"], "Oxemis SARL");
  EXPECT_EQ(j["controller"]["dpo_email"], "dpo@oxemis.com");
  EXPECT_EQ(j["languages"], json::array({"fr", "en"}));
  EXPECT_EQ(j["purposes"].size(), 7u);
  EXPECT_EQ(j["supervisory_authority"]["complaint_url"], "https://www.cnil.fr/fr/plaintes/");
  auto health = json::parse(get("/healthz")->body);
  EXPECT_EQ(j["version"], health["policy_version"]);
  auto slash = get("/v1/policy/");
  ASSERT_TRUE(slash);
  expect_problem(*slash, 404, "not-found");
}

TEST_F(InfraRoutes, CharterInFrenchByDefaultAndInEnglishOnRequest) {
  auto fr = get("/charter");
  ASSERT_TRUE(fr);
  EXPECT_EQ(fr->status, 200);
  EXPECT_EQ(fr->header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(fr->header("content-language"), "fr");
  EXPECT_EQ(fr->header("vary"), "Accept-Language");
  EXPECT_NE(fr->body.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_NE(fr->body.find("Oxemis"), std::string::npos);
  EXPECT_NE(fr->body.find("https://www.cnil.fr/fr/plaintes/"), std::string::npos);
  EXPECT_EQ(fr->header("content-security-policy").find("script"), std::string::npos);
  EXPECT_NE(fr->header("content-security-policy").find("default-src 'none'"), std::string::npos);
  expect_security_headers(*fr);

  auto en = get("/charter", "Accept-Language: en-GB,en;q=0.9,fr;q=0.5\r\n");
  ASSERT_TRUE(en);
  EXPECT_EQ(en->header("content-language"), "en");
  EXPECT_NE(en->body.find("<html lang=\"en\">"), std::string::npos);
  auto unknown = get("/charter", "Accept-Language: de-DE\r\n");
  EXPECT_EQ(unknown->header("content-language"), "fr");
  // ?lang= wins over the header.
  auto forced = get("/charter?lang=fr", "Accept-Language: en\r\n");
  EXPECT_EQ(forced->header("content-language"), "fr");
  auto md = get("/charter?lang=en&format=md");
  ASSERT_TRUE(md);
  EXPECT_EQ(md->status, 200);
  EXPECT_EQ(md->header("content-type"), "text/markdown; charset=utf-8");
  EXPECT_EQ(md->body.find("<html"), std::string::npos);

  auto bad_lang = get("/charter?lang=jean.dupont");
  ASSERT_TRUE(bad_lang);
  expect_problem(*bad_lang, 400, "invalid-argument");
  EXPECT_EQ(bad_lang->body.find("jean"), std::string::npos);
  EXPECT_NE(bad_lang->body.find("fr, en"), std::string::npos);
  auto twice = get("/charter?lang=fr&lang=en");
  expect_problem(*twice, 400, "invalid-argument");
  auto bad_format = get("/charter?format=pdf");
  expect_problem(*bad_format, 400, "invalid-argument");
}

TEST_F(InfraRoutes, ProcessingRegister) {
  auto j = get("/v1/policy/register");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->status, 200);
  EXPECT_EQ(j->header("content-type"), "application/json");
  auto doc = json::parse(j->body);
  EXPECT_EQ(doc["format"], "charter-ropa/1");
  auto csv = get("/v1/policy/register?format=csv&lang=en");
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->status, 200);
  EXPECT_EQ(csv->header("content-type"), "text/csv; charset=utf-8; header=present");
  EXPECT_NE(csv->body.find("Controller"), std::string::npos);
  auto csv_fr = get("/v1/policy/register?format=csv");
  EXPECT_NE(csv_fr->body.find("Responsable du traitement"), std::string::npos);
  auto ld = get("/v1/policy/register?format=jsonld");
  ASSERT_TRUE(ld);
  EXPECT_EQ(ld->header("content-type"), "application/ld+json");
  EXPECT_TRUE(json::parse(ld->body).contains("@context"));
  auto bad = get("/v1/policy/register?format=xml");
  ASSERT_TRUE(bad);
  expect_problem(*bad, 400, "invalid-argument");
}

TEST_F(InfraRoutes, OpenApiDescribesWhatIsServed) {
  auto r = get("/v1/openapi.json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  auto doc = json::parse(r->body);
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_TRUE(doc["info"]["title"].is_string());
  ASSERT_TRUE(doc["paths"].is_object());
  int described = 0;
  for (auto& [path, item] : doc["paths"].items()) {
    for (auto& [method, op] : item.items()) {
      ++described;
      EXPECT_TRUE(op["operationId"].is_string());
      if (method != "get") continue;
      auto res = get(concrete(path));
      ASSERT_TRUE(res) << path;
      // A route's own "unknown" answer (GET /archives/{token}: an HTML page), not the router's.
      if (res->status == 404 && res->header("content-type").rfind("text/html", 0) == 0) continue;
      EXPECT_NE(res->status, 404) << path;
      EXPECT_NE(res->status, 405) << path;
    }
  }
  EXPECT_GE(described, 5);
}

TEST_F(InfraRoutes, NotFoundNeverEchoesTheRequest) {
  auto r =
      get("/v1/no-such-area/jean.dupont@example.com?email=jean.dupont%40example.com&phone="
          "0612345678");
  ASSERT_TRUE(r);
  expect_problem(*r, 404, "not-found");
  EXPECT_EQ(r->body.find("jean"), std::string::npos);
  EXPECT_EQ(r->body.find("0612345678"), std::string::npos);
  // ... nor does the log, which names route templates only (written at least every second).
  std::string log;
  for (int i = 0; i < 300; ++i) {
    log = server_->log();
    if (log.find(r->header("x-request-id")) != std::string::npos) break;
    usleep(10'000);
  }
  EXPECT_EQ(log.find("jean"), std::string::npos);
  EXPECT_EQ(log.find("0612345678"), std::string::npos);
  EXPECT_NE(log.find(" GET unmatched 404 "), std::string::npos);
  EXPECT_NE(log.find(r->header("x-request-id")), std::string::npos);
}

}  // namespace
}  // namespace charter::testing
