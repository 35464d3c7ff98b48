// Data-subject requests over the real `charter serve` (docs/RIGHTS.md): the DPO's queue (record
// with the real receipt date, deadline status, classify, identity, refusal, extension), and each
// right that needs no archive end to end — submit, verify the code read from the outbox's .eml
// files, fulfil, check the effect (erasure erased, restriction/objection/withdrawal change
// decisions, rectification applied) — plus BOLA on the subject session. SQLite, and PostgreSQL
// when CHARTER_TEST_PG_URL is set.
//
// The subject-facing flows need the outbox (src/notify): while `charter serve` has none wired,
// intake answers 503 and those tests skip, saying so.
#include <gtest/gtest.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
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

class Rights : public SharedServerSuite<Env> {
 protected:
  void prepare(Env& env) override { make_service(env, "crm", {"prospecting"}, env.service); }

  Reply as(const Caller& who, const std::string& method, const std::string& target,
           const json& body = nullptr) {
    return call(env_->port(), method, target, who, body);
  }
  // A subject's own call with the subject session cookie.
  Reply as_subject(const std::string& session, const std::string& method, const std::string& target,
                   const json& body = nullptr) {
    return call(env_->port(), method, target, {}, body,
                "Cookie: charter_subject=" + session + "\r\n");
  }
  std::string address(const std::string& name) { return name + "." + GetParam() + "@example.net"; }
  std::string new_subject(const std::string& email) {
    auto r = as(env_->service, "POST", "/v1/subjects",
                {{"purposes", {"prospecting"}}, {"fields", {{"email", email}}}});
    EXPECT_EQ(r.status, 201) << r.body.dump();
    return r.body.is_object() ? r.body.value("id", "") : "";
  }
  bool allowed(const std::string& id) {
    auto d = as(env_->service, "POST", "/v1/decisions",
                {{"subject_id", id}, {"purpose", "prospecting"}});
    EXPECT_EQ(d.status, 200) << d.body.dump();
    return d.body.is_object() && d.body.value("allowed", false);
  }
  // The code of the newest code e-mail to `to` in <data>/outbox (the delivery worker writes it).
  std::string code_for(const std::string& to) {
    namespace fs = std::filesystem;
    const fs::path dir = env_->server->dir() + "/data/outbox";
    for (int i = 0; i < 500; ++i) {
      std::error_code ec;
      auto newest = fs::file_time_type::min();  // not {}: libstdc++'s file clock epoch is in 2174
      std::string code;
      for (const auto& e : fs::directory_iterator(dir, ec)) {
        if (e.path().extension() != ".eml") continue;
        std::ifstream in(e.path());
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string text = ss.str();
        const std::string mark = "verification code: ";
        auto at = text.find(mark);
        if (text.find(to) == std::string::npos || at == std::string::npos) continue;
        if (e.last_write_time() >= newest) {
          newest = e.last_write_time();
          code = text.substr(at + mark.size(), 8);
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
  // Submits and verifies; returns {request id, session}; skips when no outbox is wired.
  std::pair<std::string, std::string> submit_verified(const std::string& type,
                                                      const std::string& email,
                                                      json params = json::object()) {
    auto r = as({}, "POST", "/v1/rights/requests",
                {{"type", type}, {"email", email}, {"language", "en"}, {"params", params}});
    if (r.status == 503) return {"", ""};
    EXPECT_EQ(r.status, 202) << r.body.dump();
    const std::string id = r.body.value("request_id", "");
    const std::string code = code_for(email);
    EXPECT_EQ(code.size(), 8u) << "no code e-mail for the request";
    auto v = as({}, "POST", "/v1/rights/requests/" + id + "/verify", {{"code", code}});
    EXPECT_EQ(v.status, 200) << v.body.dump();
    EXPECT_NE(v.raw.header("set-cookie").find("HttpOnly; Secure; SameSite=Strict"),
              std::string::npos);
    return {id, v.raw.cookie_value()};
  }
  bool outbox_wired() {
    auto r = as({}, "POST", "/v1/rights/requests",
                {{"type", "access"},
                 {"email", address("probe" + std::to_string(++probes_))},
                 {"language", "en"}});
    if (r.status == 503) {
      EXPECT_NE(r.body.dump().find("outbox not configured"), std::string::npos) << r.body.dump();
      return false;
    }
    EXPECT_EQ(r.status, 202) << r.body.dump();
    return true;
  }
  Reply fulfil(const std::string& id, json body = json::object()) {
    return as(env_->dpo, "POST", "/v1/rights/queue/" + id + "/fulfil", body);
  }

  std::map<std::string, std::string> seen_;
  static inline int probes_ = 0;
};

TEST_P(Rights, DpoRecordsWithTheReceiptDateAndSeesTheDeadline) {
  auto r = as(env_->dpo, "POST", "/v1/rights/queue",
              {{"email", address("letter")},
               {"received", "2026-01-31"},
               {"language", "fr"},
               {"text", "Lettre recommandée"}});
  ASSERT_EQ(r.status, 201) << r.body.dump();
  const std::string id = r.body["request_id"];
  EXPECT_EQ(r.body["state"], "received");
  EXPECT_EQ(r.body["type"], "unclassified");
  EXPECT_EQ(r.body["received"], "2026-01-31");
  EXPECT_EQ(r.body["due"], "2026-03-02");
  EXPECT_EQ(r.body["deadline_status"], "overdue");  // the server's clock is today
  auto bad = as(env_->dpo, "POST", "/v1/rights/queue",
                {{"email", address("x")}, {"received", "31/01/2026"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.dump().find("received"), std::string::npos);

  auto c = as(env_->dpo, "POST", "/v1/rights/queue/" + id + "/classify", {{"type", "erasure"}});
  ASSERT_EQ(c.status, 200) << c.body.dump();
  EXPECT_EQ(c.body["type"], "erasure");
  // Not in progress yet: 409 (503 first while no outbox is wired: the answer needs it).
  auto early = fulfil(id);
  EXPECT_TRUE(early.status == 409 || early.status == 503) << early.body.dump();
  auto idn = as(env_->dpo, "POST", "/v1/rights/queue/" + id + "/identity",
                {{"note", "Signed letter with ID copy"}});
  ASSERT_EQ(idn.status, 200) << idn.body.dump();
  EXPECT_EQ(idn.body["state"], "in_progress");
  // Past the first month: no extension.
  auto ext = as(env_->dpo, "POST", "/v1/rights/queue/" + id + "/extend", {{"reason", "Late"}});
  EXPECT_TRUE(ext.status == 409 || ext.status == 503) << ext.body.dump();

  auto list = as(env_->dpo, "GET", "/v1/rights/queue?open=true");
  ASSERT_EQ(list.status, 200);
  bool found = false;
  for (const auto& q : list.body["requests"]) found |= q["request_id"] == id;
  EXPECT_TRUE(found);
  auto one = as(env_->dpo, "GET", "/v1/rights/queue/" + id);
  ASSERT_EQ(one.status, 200);
  ASSERT_EQ(one.body["history"].size(), 3u);
  EXPECT_EQ(one.body["history"][2]["note"], "Signed letter with ID copy");
  // Only the DPO works the queue.
  EXPECT_EQ(as(env_->service, "GET", "/v1/rights/queue").status, 403);
  EXPECT_EQ(as({}, "GET", "/v1/rights/queue").status, 401);
  // Nothing personal in the log.
  EXPECT_EQ(env_->server->log().find(address("letter")), std::string::npos);
}

TEST_P(Rights, ErasureEndToEnd) {
  ASSERT_TRUE(outbox_wired());  // serve always wires the outbox
  const std::string email = address("erase");
  const std::string subject = new_subject(email);
  auto [id, session] = submit_verified("erasure", email);
  auto mine = as_subject(session, "GET", "/v1/rights/me/requests/" + id);
  ASSERT_EQ(mine.status, 200) << mine.body.dump();
  EXPECT_EQ(mine.body["state"], "in_progress");
  EXPECT_EQ(mine.body["deadline_status"], "on_time");
  auto f = fulfil(id);
  ASSERT_EQ(f.status, 200) << f.body.dump();
  EXPECT_TRUE(f.body["state"] == "fulfilled" || f.body["state"] == "partially_fulfilled");
  EXPECT_NE(f.body["answer"].get<std::string>().find("https://www.cnil.fr/fr/plaintes/"),
            std::string::npos);
  // The default policy keeps the contact details of a requester three years after the request
  // is closed, to show how it was handled (legal obligation): the answer says so, with its
  // ground and date, and nothing else may use them.
  const std::string answer = f.body["answer"].get<std::string>();
  EXPECT_NE(answer.find("17(3)(b)"), std::string::npos) << answer;
  EXPECT_NE(answer.find("deleted on"), std::string::npos) << answer;
  EXPECT_FALSE(allowed(subject));
  auto read = as(env_->service, "GET", "/v1/subjects/" + subject + "?purpose=prospecting");
  EXPECT_NE(read.status, 200) << read.body.dump();
}

TEST_P(Rights, RestrictionObjectionAndWithdrawalChangeDecisions) {
  ASSERT_TRUE(outbox_wired());  // serve always wires the outbox
  for (const std::string type : {"restriction", "objection", "withdraw_consent"}) {
    const std::string email = address(type);
    const std::string subject = new_subject(email);
    ASSERT_EQ(as(env_->service, "POST", "/v1/subjects/" + subject + "/consents",
                 {{"purpose", "prospecting"}, {"action", "give"}, {"channel", "api"}})
                  .status,
              201);
    ASSERT_TRUE(allowed(subject));
    auto [id, session] = submit_verified(type, email);
    auto f = fulfil(id);
    ASSERT_EQ(f.status, 200) << type << f.body.dump();
    EXPECT_EQ(f.body["state"], "fulfilled");
    EXPECT_FALSE(allowed(subject)) << type;
  }
}

TEST_P(Rights, AccessAndPortabilityGiveAnArchiveThatErasureRemoves) {
  ASSERT_TRUE(outbox_wired());  // serve always wires the outbox
  const std::string email = address("access");
  const std::string subject = new_subject(email);
  std::vector<std::string> links;
  for (const std::string type : {"access", "portability"}) {
    auto [id, session] = submit_verified(type, email);
    auto f = fulfil(id);
    ASSERT_EQ(f.status, 200) << type << f.body.dump();
    EXPECT_EQ(f.body["state"], "fulfilled") << type;
    const std::string answer = f.body["answer"].get<std::string>();
    const auto at = answer.find("/archives/");
    ASSERT_NE(at, std::string::npos) << answer;
    const std::string link = answer.substr(at, answer.find_first_of(" \n)", at) - at);
    auto zip = call(env_->port(), "GET", link);
    ASSERT_EQ(zip.status, 200) << type;
    EXPECT_EQ(zip.raw.body.substr(0, 2), "PK") << type << ": a zip archive";
    links.push_back(link);
  }
  auto [id, session] = submit_verified("erasure", email);
  ASSERT_EQ(fulfil(id).status, 200);
  for (const auto& link : links) {
    auto gone = call(env_->port(), "GET", link);
    EXPECT_TRUE(gone.status == 404 || gone.status == 410) << gone.status;
  }
  (void)subject;
}

TEST_P(Rights, RectificationIsApplied) {
  ASSERT_TRUE(outbox_wired());  // serve always wires the outbox
  const std::string email = address("rect");
  const std::string fixed = address("rect-fixed");
  const std::string subject = new_subject(email);
  auto [id, session] = submit_verified("rectification", email, {{"changes", {{"email", fixed}}}});
  auto f = fulfil(id);
  ASSERT_EQ(f.status, 200) << f.body.dump();
  auto look = as(env_->service, "POST", "/v1/subjects/lookup", {{"email", fixed}});
  ASSERT_EQ(look.status, 200);
  EXPECT_EQ(look.body["subject_ids"], json::array({subject}));
}

TEST_P(Rights, RefusalAndExtension) {
  ASSERT_TRUE(outbox_wired());  // serve always wires the outbox
  auto [a, sa] = submit_verified("access", address("refused"));
  auto ref = as(env_->dpo, "POST", "/v1/rights/queue/" + a + "/refuse",
                {{"ground", "manifestly_unfounded"}, {"reasons", "Insulting message only"}});
  ASSERT_EQ(ref.status, 200) << ref.body.dump();
  EXPECT_EQ(ref.body["state"], "refused");
  auto again = fulfil(a);
  EXPECT_EQ(again.status, 409);
  auto [b, sb] = submit_verified("access", address("extended"));
  auto ext = as(env_->dpo, "POST", "/v1/rights/queue/" + b + "/extend",
                {{"reason", "Several systems to search"}});
  ASSERT_EQ(ext.status, 200) << ext.body.dump();
  EXPECT_EQ(ext.body["state"], "extended");
  EXPECT_NE(ext.body["due"], ext.body["first_month_due"]);
}

TEST_P(Rights, SubjectSessionSeesOnlyItsOwnRequests) {
  ASSERT_TRUE(outbox_wired());  // serve always wires the outbox
  auto [mine, session] = submit_verified("access", address("alice"));
  auto [theirs, other] = submit_verified("erasure", address("bob"));
  auto list = as_subject(session, "GET", "/v1/rights/me/requests");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["requests"].size(), 1u);
  EXPECT_EQ(list.body["requests"][0]["request_id"], mine);
  EXPECT_EQ(as_subject(session, "GET", "/v1/rights/me/requests/" + theirs).status, 404);
  EXPECT_EQ(as_subject("chsub_forged", "GET", "/v1/rights/me/requests").status, 401);
  EXPECT_EQ(as({}, "GET", "/v1/rights/me/requests").status, 401);
  EXPECT_EQ(as_subject(session, "DELETE", "/v1/rights/me/session").status, 204);
  EXPECT_EQ(as_subject(session, "GET", "/v1/rights/me/requests").status, 401);
}

INSTANTIATE_TEST_SUITE_P(Backends, Rights, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace charter::testing
