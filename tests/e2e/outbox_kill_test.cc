// The outbox survives a kill (issue #8 "Outbox"): `charter serve` with a webhook endpoint in
// <data>/notify.yaml whose receiver fails (503); a consent withdrawal and an erasure queue signed
// webhooks; once each has been tried, the server is killed with SIGKILL while the outbox is not
// empty; the receiver recovers; a new server on the same data delivers every message, with the
// delivery id of the first tries (the receiver's deduplication key) and the same body. SQLite,
// and PostgreSQL when CHARTER_TEST_PG_URL is set (the outbox then lives in the database; the data
// folder still holds the keys and notify.yaml).
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "e2e/api_client.h"
#include "e2e/server_process.h"
#include "notify/test_servers.h"
#include "store/testing.h"

namespace charter::testing {
namespace {

using nlohmann::json;

Caller first_dpo(ServerProcess& server) {
  std::string email, password;
  for (int i = 0; i < 4 && password.empty(); ++i)
    parse_dpo_line(server.read_line(), email, password);
  return first_dpo_login(server.port(), email, password);
}

class OutboxKill : public ::testing::TestWithParam<std::string> {};

TEST_P(OutboxKill, EveryWebhookIsDeliveredAfterASigkillWithItsDeliveryId) {
  std::unique_ptr<store::TestStore> pg;  // outlives both servers
  std::vector<std::string> database;
  if (GetParam() == "postgres") {
    if (!store::test_pg_url()) GTEST_SKIP() << "CHARTER_TEST_PG_URL is not set";
    auto made = store::TestStore::make(store::Backend::kPostgres);
    ASSERT_TRUE(made.ok()) << made.error().to_string();
    pg = std::move(made).value();
    database = {"--database", pg->target()};
  }
  auto args = [&database](const std::string& data) {
    // First retry 2 to 4 s after a refused try (the default, 15 to 30 s, only makes CI wait).
    std::vector<std::string> a = {"--data", data, "--outbox-retry", "4"};
    a.insert(a.end(), database.begin(), database.end());
    return a;
  };
  notify::testing::HttpReceiver receiver({503});
  const std::string data = make_temp_dir() + "/data";
  std::filesystem::create_directories(data);
  {
    std::ofstream f(data + "/notify.yaml");
    f << "webhooks:\n  - id: crm\n    url: " << receiver.url()
      << "\n    events: [consent.withdrawn, erasure]\n";
  }
  std::set<std::string> ids;
  std::map<std::string, std::string> bodies;
  {
    ServerProcess server(args(data));
    ASSERT_TRUE(server.started()) << server.log();
    Caller dpo = first_dpo(server);
    ASSERT_FALSE(dpo.cookie.empty());
    const auto port = server.port();
    auto svc = call(port, "POST", "/v1/services", dpo,
                    {{"name", "emailing-platform"}, {"purposes", {"prospecting"}}});
    ASSERT_EQ(svc.status, 201) << svc.body.dump();
    auto tok = call(port, "POST", "/v1/services/" + svc.body["id"].get<std::string>() + "/tokens",
                    dpo, {{"validity", "P30D"}});
    ASSERT_EQ(tok.status, 201);
    Caller service;
    service.bearer = tok.body["token"];
    auto created =
        call(port, "POST", "/v1/subjects", service,
             {{"purposes", {"prospecting"}}, {"fields", {{"email", "kill@example.org"}}}});
    ASSERT_EQ(created.status, 201) << created.body.dump();
    const std::string id = created.body["id"];
    ASSERT_EQ(call(port, "POST", "/v1/subjects/" + id + "/consents", service,
                   {{"purpose", "prospecting"}, {"action", "give"}, {"channel", "api"}})
                  .status,
              201);
    ASSERT_EQ(call(port, "POST", "/v1/subjects/" + id + "/consents", service,
                   {{"purpose", "prospecting"},
                    {"action", "withdraw"},
                    {"channel", "one_click_unsubscribe"}})
                  .status,
              201);
    auto erase = call(port, "POST", "/v1/subjects/" + id + "/erasure", dpo, json::object());
    ASSERT_EQ(erase.status, 200) << erase.body.dump();
    // Both notices tried (and refused) once: the outbox is not empty.
    for (int i = 0; i < 500 && ids.size() < 2; ++i) {
      for (const auto& h : receiver.hits()) {
        ids.insert(h.headers.at("charter-delivery"));
        bodies[h.headers.at("charter-delivery")] = h.body;
      }
      usleep(20'000);
    }
    ASSERT_EQ(ids.size(), 2u) << server.log();
    EXPECT_EQ(server.stop(SIGKILL), -SIGKILL);
  }
  receiver.set_script({200});
  const std::size_t before = receiver.hits().size();
  ServerProcess again(args(data));
  ASSERT_TRUE(again.started()) << again.log();
  // Retries are due 2 to 4 s after the refused try.
  std::set<std::string> delivered;
  for (int i = 0; i < 600 && delivered.size() < 2; ++i) {
    auto hits = receiver.hits();
    for (std::size_t k = before; k < hits.size(); ++k) {
      if (hits[k].answered != 200) continue;
      const std::string d = hits[k].headers.at("charter-delivery");
      EXPECT_TRUE(ids.count(d)) << "a delivery id not seen before the kill: " << d;
      EXPECT_EQ(hits[k].body, bodies[d]);
      EXPECT_NE(hits[k].headers.at("charter-signature").find(",v1="), std::string::npos);
      delivered.insert(d);
    }
    usleep(100'000);
  }
  EXPECT_EQ(delivered, ids) << again.log();
  std::set<std::string> events;
  for (const auto& [d, b] : bodies) events.insert(json::parse(b)["event"].get<std::string>());
  EXPECT_EQ(events, (std::set<std::string>{"consent.withdrawn", "erasure"}));
  EXPECT_EQ(again.stop(), 0);
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(data).parent_path(), ec);
}

INSTANTIATE_TEST_SUITE_P(Backends, OutboxKill, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace charter::testing
