// A failed fsync in the real server (docs/RELIABILITY.md "The write fence"): with
// CHARTER_TEST_FAULTS=sync:N the commit after N successful ones of charter.db fails as a failed
// fsync would. From then on the server answers every write with 503 (problem type
// "unavailable") instead of retrying, reads go on, and after a restart every write it
// acknowledged is there and the failed one is not.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "e2e/api_client.h"
#include "e2e/server_process.h"

namespace charter::testing {
namespace {

using nlohmann::json;

Caller service_token(std::uint16_t port, const std::string& email, const std::string& password) {
  Caller dpo = first_dpo_login(port, email, password);
  if (dpo.cookie.empty()) return dpo;
  auto svc = call(port, "POST", "/v1/services", dpo,
                  {{"name", "fault-probe"}, {"purposes", {"prospecting"}}});
  auto tok = call(port, "POST", "/v1/services/" + svc.body.value("id", "") + "/tokens", dpo,
                  {{"validity", "P30D"}});
  Caller s;
  if (tok.status == 201) s.bearer = tok.body["token"];
  return s;
}

TEST(StorageFault, FailedFsyncStopsWritesWithA503AndLosesNoAcknowledgedWrite) {
  const std::string dir = make_temp_dir();
  const std::string data = dir + "/data";
  std::vector<std::string> acknowledged;  // e-mails answered 201
  std::string failed_email;
  {
    // Start-up and the test's own set-up take fewer than 300 commits; the loop below writes
    // until the fault fires.
    ::setenv("CHARTER_TEST_FAULTS", "sync:300", 1);
    ServerProcess server({"--data", data, "--rate-credential", "100000"});
    ::unsetenv("CHARTER_TEST_FAULTS");
    ASSERT_TRUE(server.started()) << server.log();
    std::string email, password;
    for (int i = 0; i < 4 && password.empty(); ++i)
      parse_dpo_line(server.read_line(), email, password);
    ASSERT_FALSE(password.empty());
    Caller svc = service_token(server.port(), email, password);
    ASSERT_FALSE(svc.bearer.empty()) << server.log();
    for (int i = 0; i < 3000 && failed_email.empty(); ++i) {
      const std::string e = "p" + std::to_string(i) + "@fault.example";
      auto r = call(server.port(), "POST", "/v1/subjects", svc,
                    {{"purposes", {"prospecting"}}, {"fields", {{"email", e}}}});
      if (r.status == 201) {
        acknowledged.push_back(e);
      } else {
        ASSERT_EQ(r.status, 503) << r.body.dump();
        EXPECT_EQ(r.type(), "unavailable") << r.body.dump();
        failed_email = e;
      }
    }
    ASSERT_FALSE(failed_email.empty()) << "the injected fsync failure never fired";
    ASSERT_FALSE(acknowledged.empty());
    // No blind retry: every later write is refused the same way...
    for (int i = 0; i < 5; ++i) {
      auto r = call(server.port(), "POST", "/v1/subjects", svc,
                    {{"purposes", {"prospecting"}},
                     {"fields", {{"email", "after" + std::to_string(i) + "@fault.example"}}}});
      EXPECT_EQ(r.status, 503) << r.body.dump();
      EXPECT_EQ(r.type(), "unavailable");
    }
    // ...while reads go on.
    auto r =
        call(server.port(), "POST", "/v1/subjects/lookup", svc, {{"email", acknowledged.front()}});
    EXPECT_EQ(r.status, 200) << r.body.dump();
    // The operator is told why (the log is flushed asynchronously: wait for it).
    bool logged = false;
    for (int i = 0; i < 100 && !logged; ++i) {
      logged = server.log().find("stopped accepting writes") != std::string::npos;
      if (!logged) usleep(20'000);
    }
    EXPECT_TRUE(logged) << server.log();
  }
  // Restarted without the fault: every acknowledged write is there, the failed one is not.
  ServerProcess again({"--data", data});
  ASSERT_TRUE(again.started()) << again.log();
  // The first DPO exists already: log in through a new service is not possible without its
  // password, so the check reads the store through the CLI.
  auto find = [&](const std::string& email) {
    std::string cmd = std::string(CHARTER_BINARY) + " subject find --email " + email + " --data " +
                      data + " --policy " + default_policy() + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  };
  EXPECT_TRUE(find(acknowledged.front()));
  EXPECT_TRUE(find(acknowledged.back()));
  EXPECT_FALSE(find(failed_email));
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace charter::testing
