// The server over real sockets, in process: keep-alive, pipelining, HEAD, worker pool
// isolation, graceful stop with a handler running, limits that need a custom route table.
#include "http/server.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <future>
#include <thread>

#include "support/raw_client.h"

namespace charter::http {
namespace {

using charter::testing::RawClient;
using nlohmann::json;
using namespace std::chrono_literals;

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { spdlog::set_level(spdlog::level::warn); }

  void start(ServerOptions options = {}) {
    add("/fast", Method::kGet, Exec::kInline, [](Request&) -> Result<Response> {
      return json_response(200, {{"ok", true}});
    });
    add("/slow", Method::kGet, Exec::kWorker, [this](Request&) -> Result<Response> {
      slow_started_.store(true);
      std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms_));
      slow_done_.store(true);
      return json_response(200, {{"slow", true}});
    });
    Route echo;
    echo.method = Method::kPost;
    echo.path = "/echo";
    echo.operation_id = "echo";
    echo.summary = "echo";
    echo.body = Body{"", {{"type", "object"}}};
    echo.handler = [this](Request& r) -> Result<Response> {
      ++echoes_;
      return json_response(201, {{"got", r.json}, {"n", echoes_.load()}});
    };
    ASSERT_TRUE(router_.add(std::move(echo)));
    metrics_ = std::make_unique<HttpMetrics>(router_);
    options.port = 0;
    options.handle_signals = false;
    options.io_threads = 2;
    options.limits.anonymous = {10'000, 10'000};
    auto s = Server::create(options, ServerDeps{router_, *metrics_, clock_, random_, nullptr});
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::move(s).value();
    runner_ = std::thread([this] { server_->run(); });
  }

  void add(std::string path, Method m, Exec exec, Handler h) {
    Route r;
    r.method = m;
    r.path = std::move(path);
    r.operation_id = "op" + std::to_string(router_.routes().size());
    r.summary = "test";
    r.exec = exec;
    r.handler = std::move(h);
    ASSERT_TRUE(router_.add(std::move(r)));
  }

  void TearDown() override { stop(); }

  void stop() {
    if (!server_) return;
    server_->stop();
    runner_.join();
    server_.reset();
  }

  std::uint16_t port() const { return server_->port(); }

  SystemClock clock_;
  SystemRandom random_;
  Router router_;
  std::unique_ptr<HttpMetrics> metrics_;
  std::unique_ptr<Server> server_;
  std::thread runner_;
  std::atomic<bool> slow_started_{false}, slow_done_{false};
  std::atomic<int> echoes_{0};
  int slow_ms_ = 1500;
};

TEST_F(ServerTest, KeepAliveAndPipelining) {
  start();
  RawClient c(port());
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    auto r = c.request("GET", "/fast");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, R"({"ok":true})");
  }
  // Three requests in one write: three answers, in order.
  ASSERT_TRUE(
      c.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"
             "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
             "7\r\n\r\n"
             "{\"a\":1}"
             "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto a = c.read_response();
  auto b = c.read_response();
  auto d = c.read_response();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 201);
  EXPECT_EQ(json::parse(b->body)["got"]["a"], 1);
  EXPECT_EQ(d->status, 404);
  EXPECT_NE(a->header("x-request-id"), b->header("x-request-id"));
}

TEST_F(ServerTest, HeadHasGetHeadersWithoutBody) {
  start();
  RawClient c(port());
  auto get = c.request("GET", "/fast");
  auto head = c.request("HEAD", "/fast");
  ASSERT_TRUE(get && head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), get->header("content-length"));
  EXPECT_TRUE(head->body.empty());
  // The connection is still in step.
  auto again = c.request("GET", "/fast");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(ServerTest, SlowHandlerDoesNotStallOtherConnections) {
  start();
  auto slow = std::async(std::launch::async, [this] {
    RawClient c(port());
    return c.request("GET", "/slow");
  });
  while (!slow_started_.load()) std::this_thread::sleep_for(1ms);
  // While the slow handler holds a worker, other connections are served at once, both inline
  // and on other workers.
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    RawClient c(port());
    auto r = c.request("GET", "/fast");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    auto e = c.request("POST", "/echo", "Content-Type: application/json\r\n", "{}");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->status, 201);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1000ms);
  EXPECT_FALSE(slow_done_.load());
  auto r = slow.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(ServerTest, FullWorkerQueueAnswers503) {
  ServerOptions options;
  options.workers = 1;
  options.limits.worker_queue = 0;
  slow_ms_ = 800;
  start(options);
  auto slow = std::async(std::launch::async, [this] {
    RawClient c(port());
    return c.request("GET", "/slow");
  });
  while (!slow_started_.load()) std::this_thread::sleep_for(1ms);
  RawClient c(port());
  auto r = c.request("POST", "/echo", "Content-Type: application/json\r\n", "{}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->header("retry-after"), "1");
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
  // Inline routes are still served.
  auto f = c.request("GET", "/fast");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->status, 200);
  EXPECT_EQ(slow.get()->status, 200);
}

TEST_F(ServerTest, GracefulStopAnswersTheRequestInProgress) {
  slow_ms_ = 700;
  start();
  RawClient idle(port());
  ASSERT_TRUE(idle.request("GET", "/fast"));  // now an idle keep-alive connection
  RawClient busy(port());
  ASSERT_TRUE(busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  while (!slow_started_.load()) std::this_thread::sleep_for(1ms);
  std::uint16_t listening = port();
  std::thread stopper([this] { stop(); });
  // The handler finishes and its response arrives, marked as the connection's last.
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(busy.wait_closed());
  // The idle connection was closed without an answer.
  EXPECT_TRUE(idle.wait_closed());
  stopper.join();
  EXPECT_TRUE(slow_done_.load());
  // Nothing listens any more.
  RawClient late(listening);
  EXPECT_FALSE(late.connected());
}

TEST_F(ServerTest, MalformedJsonAndOversizeBody) {
  ServerOptions options;
  options.limits.max_body_bytes = 64;
  start(options);
  RawClient c(port());
  auto bad = c.request("POST", "/echo", "Content-Type: application/json\r\n",
                       R"({"email":"jean@example.com",)");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(bad->header("content-type"), "application/problem+json");
  EXPECT_EQ(bad->body.find("jean"), std::string::npos);
  EXPECT_NE(json::parse(bad->body)["detail"].get<std::string>().find("malformed JSON"),
            std::string::npos);
  // Same connection still usable after a 400 on a complete request.
  auto ok = c.request("POST", "/echo", "Content-Type: application/json\r\n", "{}");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201);
  // Declared too large: refused before the body is read, then closed.
  auto big = c.request("POST", "/echo", "Content-Type: application/json\r\n",
                       "{\"a\":\"" + std::string(100, 'x') + "\"}");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
  EXPECT_EQ(big->header("connection"), "close");
  // Chunked and too large: refused while reading.
  RawClient d(port());
  ASSERT_TRUE(
      d.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\n\r\n50\r\n" +
             std::string(80, 'x') + "\r\n0\r\n\r\n"));
  auto chunked = d.read_response();
  ASSERT_TRUE(chunked);
  EXPECT_EQ(chunked->status, 413);
}

TEST_F(ServerTest, ExpectContinue) {
  start();
  RawClient c(port());
  ASSERT_TRUE(
      c.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c.read_response();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c.send("{}"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  // A request refused on its header gets no 100 and no read of its body.
  ASSERT_TRUE(
      c.send("POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
             "Expect: 100-continue\r\n\r\n"));
  auto refused = c.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 404);
}

TEST_F(ServerTest, MaxConnections) {
  ServerOptions options;
  options.limits.max_connections = 2;
  start(options);
  RawClient a(port()), b(port());
  ASSERT_TRUE(a.request("GET", "/fast"));
  ASSERT_TRUE(b.request("GET", "/fast"));
  RawClient c(port());
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_EQ(r->header("content-type"), "application/problem+json");
  a.close();
  // Once a slot is free, connections are accepted again.
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    RawClient d(port());
    auto again = d.request("GET", "/fast");
    served = again && again->status == 200;
    if (!served) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(served);
  EXPECT_GE(metrics_->refused_connections.load(), 1u);
}

}  // namespace
}  // namespace charter::http
