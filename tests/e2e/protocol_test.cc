// HTTP/1.1 framing on the real server: keep-alive, pipelining, HTTP/1.0, and malformed or
// ambiguous requests (each a 400 problem, or 405/505, and the server keeps serving).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e/server_process.h"
#include "support/raw_client.h"

namespace charter::testing {
namespace {

using nlohmann::json;
using namespace std::string_literals;

class Protocol : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new ServerProcess({"--rate-anonymous", "10000"});
    ASSERT_TRUE(server_->started()) << server_->log();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  // Sends raw bytes on a fresh connection and reads one response.
  static std::optional<RawResponse> raw(const std::string& bytes) {
    RawClient c(server_->port());
    if (!c.send(bytes)) return std::nullopt;
    return c.read_response();
  }
  static ServerProcess* server_;
};
ServerProcess* Protocol::server_ = nullptr;

TEST_F(Protocol, KeepAliveServesManyRequestsOnOneConnection) {
  RawClient c(server_->port());
  for (int i = 0; i < 50; ++i) {
    auto r = c.request("GET", "/healthz");
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->header("connection"), "close");
  }
}

TEST_F(Protocol, PipelinedRequestsAnsweredInOrder) {
  RawClient c(server_->port());
  std::string batch;
  const char* targets[] = {"/healthz", "/v1/policy", "/nope", "/.well-known/gpc.json", "/healthz"};
  for (const char* t : targets) batch += std::string("GET ") + t + " HTTP/1.1\r\nHost: x\r\n\r\n";
  batch += "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  batch += "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  ASSERT_TRUE(c.send(batch));
  int expected[] = {200, 200, 404, 200, 200};
  for (int want : expected) {
    auto r = c.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, want);
  }
  auto head = c.read_response(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  auto last = c.read_response();
  ASSERT_TRUE(last);
  EXPECT_EQ(last->header("connection"), "close");
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(Protocol, Http10) {
  auto r = raw("GET /healthz HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  RawClient c(server_->port());
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto k = c.read_response();
  ASSERT_TRUE(k);
  EXPECT_EQ(k->header("connection"), "keep-alive");
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.0\r\n\r\n"));
  ASSERT_TRUE(c.read_response());
  EXPECT_TRUE(c.wait_closed());
}

TEST_F(Protocol, MalformedRequestsAreProblems) {
  struct Case {
    const char* name;
    std::string bytes;
    int status;
  };
  std::vector<Case> cases = {
      {"garbage", "GARBAGE\r\n\r\n", 400},
      {"no version", "GET /healthz\r\n\r\n", 400},
      {"bad version", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", 400},
      {"http2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400},
      {"no host", "GET /healthz HTTP/1.1\r\n\r\n", 400},
      {"two hosts", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"absolute form", "GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"dot segments", "GET /v1/../healthz HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"encoded slash", "GET /v1%2Fpolicy HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"bad escape", "GET /healthz%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"not utf-8", "GET /v1/policy?lang=%ff HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"space in field name", "GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", 400},
      {"NUL in value", "GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n"s, 400},
      {"bad content-length", "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
       400},
      {"two content-lengths",
       "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 400},
      {"smuggling CL+TE",
       "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n"
       "\r\n0\r\n\r\n",
       400},
      {"bad chunk size",
       "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"unknown transfer coding",
       "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 400},
      {"gzip then chunked",
       "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
       400},
      {"two transfer-encodings",
       "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
       400},
      {"chunked in HTTP/1.0",
       "GET /healthz HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
      {"unknown method", "BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 405},
      {"lower-case method", "get /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 405},
  };
  for (const auto& c : cases) {
    auto r = raw(c.bytes);
    ASSERT_TRUE(r) << c.name;
    EXPECT_EQ(r->status, c.status) << c.name << ": " << r->body;
    EXPECT_EQ(r->header("content-type"), "application/problem+json") << c.name;
    EXPECT_FALSE(r->header("x-request-id").empty()) << c.name;
    auto j = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(j.is_object()) << c.name;
    EXPECT_EQ(j["instance"], r->header("x-request-id")) << c.name;
  }
  RawClient ok(server_->port());
  auto r = ok.request("GET", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(Protocol, ObsoleteLineFoldingIsUnfolded) {
  // RFC 9112 5.2 lets a server replace obs-fold with spaces instead of refusing it.
  auto r = raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(Protocol, ChunkedBodyOnAGet) {
  RawClient c(server_->port());
  ASSERT_TRUE(
      c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
             "3\r\nabc\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto a = c.read_response();
  auto b = c.read_response();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 200);
}

TEST_F(Protocol, ClientThatVanishesMidRequest) {
  for (int i = 0; i < 20; ++i) {
    RawClient c(server_->port());
    ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHo"));
  }
  RawClient c(server_->port());
  ASSERT_TRUE(c.send("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"));
  c.close();
  RawClient ok(server_->port());
  auto r = ok.request("GET", "/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace charter::testing
