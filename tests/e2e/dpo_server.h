// One real `charter serve` per backend for a test suite, with its first DPO logged in (the printed
// password changed, api_client.h `first_dpo_login`), and a service token bound to purposes. The
// suites of rights, subject_self, disclosure and drp tests start theirs this way.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "e2e/api_client.h"
#include "e2e/server_process.h"
#include "store/testing.h"

namespace charter::testing {

struct DpoServer {
  std::unique_ptr<store::TestStore> pg;  // the database of the "postgres" backend
  std::unique_ptr<ServerProcess> server;
  std::string dpo_email, dpo_password;  // as printed by serve (changed at the first login)
  Caller dpo;
  std::uint16_t port() const { return server->port(); }
};

// Starts `out.server` on `backend` ("sqlite", or "postgres": a fresh database from
// CHARTER_TEST_PG_URL; the test is skipped when it is not set) with `--rate-anonymous 1000`, reads
// the first DPO's line and logs in. On a skip or a failure it returns early: callers check
// `IsSkipped() || HasFatalFailure()`.
inline void start_dpo_server(const std::string& backend, DpoServer& out) {
  std::vector<std::string> args = {"--rate-anonymous", "1000"};
  if (backend == "postgres") {
    if (!store::test_pg_url()) GTEST_SKIP() << "CHARTER_TEST_PG_URL is not set";
    auto made = store::TestStore::make(store::Backend::kPostgres);
    ASSERT_TRUE(made.ok()) << made.error().to_string();
    out.pg = std::move(made).value();
    args.insert(args.end(), {"--database", out.pg->target()});
  }
  out.server = std::make_unique<ServerProcess>(args);
  ASSERT_TRUE(out.server->started()) << out.server->log();
  for (int i = 0; i < 4 && out.dpo_password.empty(); ++i) {
    parse_dpo_line(out.server->read_line(), out.dpo_email, out.dpo_password);
  }
  ASSERT_FALSE(out.dpo_password.empty());
  out.dpo = first_dpo_login(out.port(), out.dpo_email, out.dpo_password);
  ASSERT_FALSE(out.dpo.cookie.empty());
}

// Creates service `name` bound to `purposes` and sets `out.bearer` to a 30-day token of it.
inline void make_service(const DpoServer& s, const std::string& name,
                         const std::vector<std::string>& purposes, Caller& out) {
  auto svc =
      call(s.port(), "POST", "/v1/services", s.dpo, {{"name", name}, {"purposes", purposes}});
  ASSERT_EQ(svc.status, 201) << svc.body.dump();
  auto tok = call(s.port(), "POST", "/v1/services/" + svc.body["id"].get<std::string>() + "/tokens",
                  s.dpo, {{"validity", "P30D"}});
  ASSERT_EQ(tok.status, 201) << tok.body.dump();
  out.bearer = tok.body["token"];
}

// A suite parameterised by backend that shares one server per backend: the first test of a
// backend starts it (start_dpo_server, then prepare()), later tests reuse it, and the end of the
// suite stops them. `Env` derives from DpoServer; env_ points at the current backend's.
template <class Env>
class SharedServerSuite : public ::testing::TestWithParam<std::string> {
 protected:
  static void TearDownTestSuite() { envs().clear(); }

  // Once per backend, after the DPO logged in, with env_ set: seed what the suite needs.
  virtual void prepare(Env& env) { (void)env; }

  void SetUp() override {
    auto& slot = envs()[GetParam()];
    if (!slot) {
      auto env = std::make_unique<Env>();
      start_dpo_server(GetParam(), *env);
      if (IsSkipped() || HasFatalFailure()) return;
      env_ = env.get();
      prepare(*env);
      if (HasFatalFailure()) {
        env_ = nullptr;
        return;
      }
      slot = std::move(env);
    }
    env_ = slot.get();
  }

  Env* env_ = nullptr;

 private:
  static std::map<std::string, std::unique_ptr<Env>>& envs() {
    static std::map<std::string, std::unique_ptr<Env>> m;
    return m;
  }
};

}  // namespace charter::testing
