// Starting and stopping the real server: invalid policy, busy port, TLS, and graceful stop on
// SIGTERM / SIGINT with a request in flight.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "e2e/server_process.h"
#include "support/raw_client.h"

namespace charter::testing {
namespace {

using namespace std::chrono_literals;

TEST(Lifecycle, RefusesAnInvalidPolicy) {
  std::string dir = make_temp_dir();
  std::ifstream in(default_policy());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto pos = text.find("    organisation: internal");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 26, "    organisation: external");
  std::ofstream(dir + "/bad.yaml") << text;
  ServerProcess s({"--policy", dir + "/bad.yaml"});
  EXPECT_FALSE(s.started());
  EXPECT_EQ(s.wait(), 2);
  EXPECT_NE(s.log().find("is outside the company"), std::string::npos) << s.log();
  EXPECT_NE(s.log().find("not starting"), std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST(Lifecycle, RefusesABusyPortAndBadOptions) {
  ServerProcess first;
  ASSERT_TRUE(first.started()) << first.log();
  ServerProcess second({"--listen", "127.0.0.1:" + std::to_string(first.port())});
  EXPECT_FALSE(second.started());
  EXPECT_EQ(second.wait(), 1);
  EXPECT_NE(second.log().find("cannot listen"), std::string::npos) << second.log();

  ServerProcess bad_listen({"--listen", "localhost:80:80"});
  EXPECT_EQ(bad_listen.wait(), 2);
  ServerProcess bad_host({"--listen", "example.com:8080"});
  EXPECT_EQ(bad_host.wait(), 2);
  ServerProcess half_tls({"--tls-cert", "/nonexistent.pem"});
  EXPECT_EQ(half_tls.wait(), 2);
  ServerProcess missing_tls({"--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"});
  EXPECT_EQ(missing_tls.wait(), 2);
  EXPECT_NE(missing_tls.log().find("cannot use the TLS certificate"), std::string::npos);
}

TEST(Lifecycle, GracefulStopAnswersTheRequestInFlight) {
  ServerProcess s;
  ASSERT_TRUE(s.started()) << s.log();
  RawClient idle(s.port());
  ASSERT_EQ(idle.request("GET", "/healthz")->status, 200);
  // A request half read when the signal comes...
  RawClient busy(s.port());
  ASSERT_TRUE(busy.send("GET /v1/policy HTTP/1.1\r\nHost: x\r\n"));
  std::this_thread::sleep_for(200ms);
  s.signal(SIGTERM);
  std::this_thread::sleep_for(300ms);
  // ... is finished and answered, as the connection's last response.
  ASSERT_TRUE(busy.send("Accept: application/json\r\n\r\n"));
  auto r = busy.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(busy.wait_closed());
  // The idle keep-alive connection was closed; new connections are refused.
  EXPECT_TRUE(idle.wait_closed());
  EXPECT_EQ(s.wait(), 0);
  RawClient late(s.port());
  EXPECT_FALSE(late.connected());
  EXPECT_NE(s.log().find("stopped"), std::string::npos);
}

TEST(Lifecycle, SigintStopsToo) {
  ServerProcess s;
  ASSERT_TRUE(s.started()) << s.log();
  EXPECT_EQ(s.stop(SIGINT), 0);
}

TEST(Lifecycle, PipelinedRequestsAlreadyReceivedAreAnsweredOnStop) {
  ServerProcess s;
  ASSERT_TRUE(s.started()) << s.log();
  RawClient c(s.port());
  ASSERT_TRUE(c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  std::this_thread::sleep_for(200ms);
  s.signal(SIGTERM);
  std::this_thread::sleep_for(200ms);
  ASSERT_TRUE(c.send("\r\nGET /v1/policy HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto a = c.read_response();
  auto b = c.read_response();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 200);
  EXPECT_EQ(b->header("connection"), "close");
  EXPECT_EQ(s.wait(), 0);
}

TEST(Lifecycle, Tls) {
  std::string dir = make_temp_dir();
  std::string cert = dir + "/cert.pem", key = dir + "/key.pem";
  std::string cmd =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
      "-days 1 -subj /CN=localhost -keyout " +
      key + " -out " + cert + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  ServerProcess s({"--tls-cert", cert, "--tls-key", key});
  ASSERT_TRUE(s.started()) << s.log();
  EXPECT_NE(s.banner().find("https://127.0.0.1:"), std::string::npos) << s.banner();
  RawClient c(s.port(), /*tls=*/true);
  ASSERT_TRUE(c.connected());
  for (int i = 0; i < 3; ++i) {
    auto r = c.request("GET", "/healthz");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("strict-transport-security"), "max-age=31536000");
  }
  auto nf = c.request("GET", "/nope");
  ASSERT_TRUE(nf);
  EXPECT_EQ(nf->status, 404);
  // Plain HTTP on the TLS port gets no answer.
  RawClient plain(s.port(), false, 2000);
  auto none = plain.request("GET", "/healthz");
  EXPECT_FALSE(none && none->status == 200);
  // A key that does not match the certificate.
  std::string other = dir + "/other.pem";
  ASSERT_EQ(std::system(("openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:prime256v1 "
                         "-out " +
                         other + " >/dev/null 2>&1")
                            .c_str()),
            0);
  ServerProcess mismatch({"--tls-cert", cert, "--tls-key", other});
  EXPECT_EQ(mismatch.wait(), 2);
  EXPECT_EQ(s.stop(), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace charter::testing
