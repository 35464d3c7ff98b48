// The disclosure register over the real `charter serve` (docs/DISCLOSURE.md): the DPO records an
// authority's request, reads it back, approves it once (a second decision is 409), a refusal
// needs a reason, bad input names the field, other roles and services are refused, and the
// routes (and the console pages) are in the OpenAPI document.
// SQLite, and PostgreSQL when CHARTER_TEST_PG_URL is set.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <set>

#include "e2e/api_client.h"
#include "e2e/dpo_server.h"
#include "e2e/server_process.h"
#include "store/testing.h"

namespace charter::testing {
namespace {

using nlohmann::json;

struct Env : DpoServer {
  Caller support, service;
};

class Disclosures : public SharedServerSuite<Env> {
 protected:
  void prepare(Env& env) override {
    auto sup = call(env.port(), "POST", "/v1/staff", env.dpo,
                    {{"display_name", "Sue Port"},
                     {"email", "support." + GetParam() + "@oxemis.example"},
                     {"roles", {"support"}},
                     {"password", "support-password-123"}});
    ASSERT_EQ(sup.status, 201) << sup.body.dump();
    env.support = staff_login(env.port(), "support." + GetParam() + "@oxemis.example",
                              "support-password-123");
    make_service(env, "crm", {"prospecting"}, env.service);
  }

  Reply as(const Caller& who, const std::string& method, const std::string& target,
           const json& body = nullptr) {
    return call(env_->port(), method, target, who, body);
  }
  std::string new_subject() {
    auto r = as(env_->service, "POST", "/v1/subjects",
                {{"purposes", {"prospecting"}},
                 {"fields", {{"email", "target." + GetParam() + "@example.net"}}}});
    EXPECT_EQ(r.status, 201) << r.body.dump();
    return r.body.is_object() ? r.body.value("id", "") : "";
  }
  json court(const std::string& subject) {
    return {{"authority_kind", "court"},
            {"authority", "Tribunal judiciaire de Lyon"},
            {"legal_reference", "Code de procédure civile, art. 145"},
            {"requested_by", "Greffe de la 2e chambre"},
            {"categories", {"contact"}},
            {"subjects", {subject}},
            {"received", "2026-01-05"}};
  }
};

TEST_P(Disclosures, RecordApproveOnceAndReadBack) {
  const std::string subject = new_subject();
  auto made = as(env_->dpo, "POST", "/v1/disclosures", court(subject));
  ASSERT_EQ(made.status, 201) << made.body.dump();
  const std::string id = made.body["disclosure_id"];
  EXPECT_EQ(id.substr(0, 4), "dis_");
  EXPECT_EQ(made.body["state"], "pending");
  EXPECT_EQ(made.body["received"], "2026-01-05");
  EXPECT_EQ(made.body["subjects"], json::array({subject}));

  auto no_reason = as(env_->dpo, "POST", "/v1/disclosures/" + id + "/refuse", json::object());
  EXPECT_EQ(no_reason.status, 400);
  auto ok = as(env_->dpo, "POST", "/v1/disclosures/" + id + "/approve",
               {{"note", "Order of the judge checked"}});
  ASSERT_EQ(ok.status, 200) << ok.body.dump();
  EXPECT_EQ(ok.body["state"], "approved");
  auto again = as(env_->dpo, "POST", "/v1/disclosures/" + id + "/refuse", {{"reason", "late"}});
  EXPECT_EQ(again.status, 409) << again.body.dump();

  auto one = as(env_->dpo, "GET", "/v1/disclosures/" + id);
  ASSERT_EQ(one.status, 200);
  ASSERT_EQ(one.body["history"].size(), 2u);
  EXPECT_EQ(one.body["history"][0]["action"], "recorded");
  EXPECT_EQ(one.body["history"][1]["action"], "approved");
  EXPECT_EQ(one.body["history"][1]["note"], "Order of the judge checked");
  auto approved = as(env_->dpo, "GET", "/v1/disclosures?state=approved");
  ASSERT_EQ(approved.status, 200);
  bool found = false;
  for (const auto& d : approved.body["disclosures"]) found |= d["disclosure_id"] == id;
  EXPECT_TRUE(found);
  auto pending = as(env_->dpo, "GET", "/v1/disclosures?state=pending");
  for (const auto& d : pending.body["disclosures"]) EXPECT_NE(d["disclosure_id"], id);
  EXPECT_EQ(as(env_->dpo, "GET", "/v1/disclosures?state=maybe").status, 400);
}

TEST_P(Disclosures, BadInputNamesTheField) {
  auto bad = court("target@example.net");
  auto r = as(env_->dpo, "POST", "/v1/disclosures", bad);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.dump().find("subjects"), std::string::npos) << r.body.dump();
  EXPECT_EQ(r.body.dump().find("target@example.net"), std::string::npos);
  bad = court(new_subject());
  bad["authority_kind"] = "neighbour";
  r = as(env_->dpo, "POST", "/v1/disclosures", bad);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.dump().find("authority_kind"), std::string::npos);
  bad = court(new_subject());
  bad.erase("legal_reference");
  r = as(env_->dpo, "POST", "/v1/disclosures", bad);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.dump().find("legal_reference"), std::string::npos);
  EXPECT_EQ(as(env_->dpo, "GET", "/v1/disclosures/not-an-id").status, 400);
  EXPECT_EQ(as(env_->dpo, "GET", "/v1/disclosures/dis_0000000000000000000000000z").status, 404);
}

TEST_P(Disclosures, OnlyTheDpo) {
  ASSERT_FALSE(env_->support.cookie.empty());
  const std::string subject = new_subject();
  EXPECT_EQ(as(env_->support, "GET", "/v1/disclosures").status, 403);
  EXPECT_EQ(as(env_->support, "POST", "/v1/disclosures", court(subject)).status, 403);
  EXPECT_EQ(as(env_->service, "GET", "/v1/disclosures").status, 403);
  EXPECT_EQ(as({}, "GET", "/v1/disclosures").status, 401);
  auto made = as(env_->dpo, "POST", "/v1/disclosures", court(subject));
  ASSERT_EQ(made.status, 201);
  EXPECT_EQ(as(env_->support, "POST",
               "/v1/disclosures/" + made.body["disclosure_id"].get<std::string>() + "/approve",
               json::object())
                .status,
            403);
}

TEST_P(Disclosures, RoutesAreInTheOpenApiDocument) {
  auto doc = as({}, "GET", "/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  std::set<std::string> ops;
  for (auto& [path, item] : doc.body["paths"].items()) {
    for (auto& [method, op] : item.items()) ops.insert(op["operationId"].get<std::string>());
  }
  for (const char* op :
       {"recordDisclosure", "listDisclosures", "getDisclosure", "approveDisclosure",
        "refuseDisclosure", "consoleRequests", "consoleRequest", "consoleRequestExtend",
        "consoleRequestFulfil", "consoleDisclosures", "consoleRecordDisclosure",
        "consoleApproveDisclosure", "consoleRefuseDisclosure"}) {
    EXPECT_TRUE(ops.count(op)) << op;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, Disclosures, ::testing::Values("sqlite", "postgres"));

}  // namespace
}  // namespace charter::testing
