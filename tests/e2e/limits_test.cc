// Each limit of the real server, with a raw socket client: its status, and that the server
// goes on serving others.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <thread>

#include "e2e/server_process.h"
#include "support/raw_client.h"

namespace charter::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string slug(const RawResponse& r) {
  auto j = json::parse(r.body, nullptr, false);
  return j.is_object() && j.contains("type") ? j["type"].get<std::string>() : "";
}

void expect_alive(const ServerProcess& s) {
  RawClient c(s.port());
  auto r = c.request("GET", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST(Limits, BodySize413) {
  ServerProcess s({"--max-body", "1024"});
  ASSERT_TRUE(s.started()) << s.log();
  RawClient c(s.port());
  // Declared too large: answered at once, before the body is sent.
  ASSERT_TRUE(c.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(slug(*r), "https://charter.dev/problems/payload-too-large");
  EXPECT_EQ(r->header("connection"), "close");
  // Chunked, growing past the limit.
  RawClient d(s.port());
  std::string chunk(800, 'a');
  ASSERT_TRUE(d.send("POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  ASSERT_TRUE(d.send("320\r\n" + chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"));
  auto r2 = d.read_response();
  ASSERT_TRUE(r2);
  // /healthz allows no POST: the method is refused before the body matters.
  EXPECT_TRUE(r2->status == 405 || r2->status == 413) << r2->status;
  RawClient e(s.port());
  ASSERT_TRUE(
      e.send("GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
             "800\r\n" +
             std::string(2048, 'b') + "\r\n0\r\n\r\n"));
  auto r3 = e.read_response();
  ASSERT_TRUE(r3);
  EXPECT_EQ(r3->status, 413);
  expect_alive(s);
}

TEST(Limits, HeaderSize431AndRequestLine414) {
  ServerProcess s;
  ASSERT_TRUE(s.started()) << s.log();
  {
    RawClient c(s.port());
    ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') +
                       "\r\n\r\n"));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
    EXPECT_EQ(slug(*r), "https://charter.dev/problems/headers-too-large");
  }
  {
    RawClient c(s.port());
    std::string many = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 2000; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    ASSERT_TRUE(c.send(many + "\r\n"));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
  }
  {
    RawClient c(s.port());
    ASSERT_TRUE(c.send("GET /healthz?" + std::string(9000, 'q') + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 414);
    EXPECT_EQ(slug(*r), "https://charter.dev/problems/uri-too-long");
  }
  {
    // A request line so long it fills the whole header allowance, never finished.
    RawClient c(s.port());
    ASSERT_TRUE(c.send("GET /" + std::string(40000, 'z')));
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 414);
  }
  expect_alive(s);
}

TEST(Limits, SlowClients408AndIdleClose) {
  ServerProcess s({"--header-timeout", "0.5", "--idle-timeout", "1", "--body-timeout", "0.5"});
  ASSERT_TRUE(s.started()) << s.log();
  // Slowloris: a header that never ends, one byte at a time.
  RawClient slow(s.port());
  ASSERT_TRUE(slow.send("GET /healthz HTTP/1.1\r\n"));
  auto t0 = std::chrono::steady_clock::now();
  bool sent = true;
  for (int i = 0; i < 5 && sent; ++i) {
    std::this_thread::sleep_for(150ms);
    sent = slow.send("X");
  }
  auto r = slow.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_EQ(slug(*r), "https://charter.dev/problems/timeout");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(slow.wait_closed());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 3s);
  // A body that stops coming.
  RawClient body(s.port());
  ASSERT_TRUE(body.send("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"));
  auto rb = body.read_response();
  ASSERT_TRUE(rb);
  EXPECT_EQ(rb->status, 408);
  // An idle keep-alive connection is closed without a word.
  RawClient idle(s.port());
  ASSERT_TRUE(idle.request("GET", "/healthz"));
  idle.set_timeout(4000);
  auto t1 = std::chrono::steady_clock::now();
  EXPECT_TRUE(idle.wait_closed());
  EXPECT_TRUE(idle.pending().empty());
  EXPECT_GE(std::chrono::steady_clock::now() - t1, 800ms);
  expect_alive(s);
}

TEST(Limits, RateLimit429) {
  ServerProcess s({"--rate-anonymous", "2"});  // burst 4
  ASSERT_TRUE(s.started()) << s.log();
  RawClient c(s.port());
  int ok = 0;
  std::optional<RawResponse> limited;
  for (int i = 0; i < 10 && !limited; ++i) {
    auto r = c.request("GET", "/v1/policy");
    ASSERT_TRUE(r);
    if (r->status == 429) {
      limited = r;
    } else {
      EXPECT_EQ(r->status, 200);
      ++ok;
    }
  }
  ASSERT_TRUE(limited);
  EXPECT_GE(ok, 4);
  EXPECT_LE(ok, 5);
  EXPECT_EQ(slug(*limited), "https://charter.dev/problems/rate-limited");
  EXPECT_EQ(limited->header("retry-after"), "1");
  // Monitoring routes are not limited.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(c.request("GET", "/healthz")->status, 200);
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(c.request("GET", "/v1/policy")->status, 200);
}

TEST(Limits, MaxConnections503) {
  ServerProcess s({"--max-connections", "3"});
  ASSERT_TRUE(s.started()) << s.log();
  RawClient a(s.port()), b(s.port()), c(s.port());
  for (RawClient* x : {&a, &b, &c}) ASSERT_EQ(x->request("GET", "/healthz")->status, 200);
  RawClient d(s.port());
  auto r = d.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(slug(*r), "https://charter.dev/problems/unavailable");
  EXPECT_EQ(r->header("retry-after"), "1");
  a.close();
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    RawClient e(s.port());
    auto again = e.request("GET", "/healthz");
    served = again && again->status == 200;
    if (!served) std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(served);
  std::optional<RawResponse> metrics;
  for (int i = 0; i < 100 && !(metrics && metrics->status == 200); ++i) {
    RawClient m(s.port());
    metrics = m.request("GET", "/metrics");
    if (!(metrics && metrics->status == 200)) std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(metrics);
  EXPECT_NE(metrics->body.find("charter_http_refused_connections_total "), std::string::npos);
  EXPECT_EQ(metrics->body.find("charter_http_refused_connections_total 0\n"), std::string::npos);
}

}  // namespace
}  // namespace charter::testing
