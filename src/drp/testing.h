// Test helpers for src/drp (header only): a fixture with the DRP service on top of the rights
// fixture (vault, consent, rights queue on the parameter's backend), a trusted agent with its own
// Ed25519 key pair, and a builder of signed bodies.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crypto/encoding.h"
#include "drp/service.h"
#include "rights/testing.h"

namespace charter::drp::testing {

inline constexpr const char* kBusiness = "OXEMIS_SARL";

class DrpFixture : public rights::testing::RightsFixture {
 protected:
  void SetUp() override {
    RightsFixture::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    auto reg = AgentRegistry::open(store(), clock_, random_);
    ASSERT_TRUE(reg.ok()) << reg.error().to_string();
    agents_ = std::move(reg).value();
    DrpDeps d;
    d.agents = agents_.get();
    d.queue = queue_.get();
    d.verifier = verifier_.get();
    d.vault = vault_.get();
    d.outbox = &outbox_;
    d.retention = retention_.get();
    d.audit = [this](std::vector<audit::AuditEvent> events) -> Status {
      for (auto& e : events) {
        if (Status st = audit::validate_event(e); !st.ok()) return st;
        events_.push_back(std::move(e));
      }
      return ok_status();
    };
    DrpOptions o;
    o.default_business_id = kBusiness;
    drp_ = std::make_unique<DrpService>(std::move(d), o, clock_);
    ASSERT_TRUE(agents_->trust("AGENT_A", public_b64(key_a_), "Agent A").ok());
    ASSERT_TRUE(agents_->trust("AGENT_B", public_b64(key_b_), "Agent B").ok());
    token_a_ = pair("AGENT_A", key_a_);
    token_b_ = pair("AGENT_B", key_b_);
  }

  static std::string public_b64(const crypto::SigningKey& k) {
    return crypto::to_base64(crypto::ByteView(k.public_key()));
  }

  // ISO 8601 with an offset, as Python's isoformat() writes it.
  std::string iso(std::chrono::seconds from_now) {
    std::string t = format_timestamp(clock_.now() + from_now);
    return t.substr(0, t.size() - 1) + "+00:00";
  }

  nlohmann::json claims(const std::string& agent, const std::string& exercise = "access",
                        const std::string& version = "1.0") {
    return {{"agent-id", agent},
            {"business-id", kBusiness},
            {"issued-at", iso(std::chrono::seconds(-5))},
            {"expires-at", iso(std::chrono::seconds(600))},
            {"drp.version", version},
            {"exercise", exercise},
            {"regime", "ccpa"},
            {"agent-request-id", "ar-1"},
            {"email", "known@example.fr"},
            {"email_verified", true}};
  }

  static std::string sign(const crypto::SigningKey& k, const nlohmann::json& j) {
    return encode_signed_body(k, j.dump());
  }

  std::string pair(const std::string& agent, const crypto::SigningKey& k) {
    nlohmann::json c = claims(agent);
    for (const char* drop : {"exercise", "regime", "agent-request-id", "email", "email_verified"})
      c.erase(drop);
    const std::string body = sign(k, c);
    DrpReply r = drp_->pair(agent, Call{std::nullopt, body, "req_test"});
    EXPECT_EQ(r.status, 200) << r.check;
    return r.status == 200 ? r.body["token"].get<std::string>() : std::string();
  }

  Call call(const std::string& token, const std::string& body) {
    auth_ = "Bearer " + token;
    body_ = body;
    return Call{std::string_view(auth_), body_, "req_test"};
  }

  std::unique_ptr<AgentRegistry> agents_;
  std::unique_ptr<DrpService> drp_;
  crypto::SigningKey key_a_ = crypto::SigningKey::generate(random_);
  crypto::SigningKey key_b_ = crypto::SigningKey::generate(random_);
  std::string token_a_, token_b_;
  std::vector<audit::AuditEvent> events_;
  std::string auth_, body_;
};

}  // namespace charter::drp::testing
