// The Data Rights Protocol service on both backends: the checks of DRP 3.07 refuse in the order
// the spec gives (each failure case, with a later check also broken to show which wins), the
// pair-wise setup, the mapping of exercises onto rights requests (both versions, both spellings
// of sale:opt-out), identity by attestation or code without revealing whether an address is
// known, status objects, revocation, replays and the audit of refusals.
#include <gtest/gtest.h>

#include "drp/iso8601.h"
#include "drp/testing.h"

namespace charter::drp {
namespace {

using nlohmann::json;
using rights::RightType;
using rights::State;
using testing::DrpFixture;
using testing::kBusiness;

class DrpTest : public DrpFixture {
 protected:
  DrpReply submit(const json& c, const crypto::SigningKey* k = nullptr,
                  const std::string* token = nullptr) {
    return drp_->exercise(call(token ? *token : token_a_, sign(k ? *k : key_a_, c)));
  }
  void expect_refused(const DrpReply& r, int status, const std::string& check) {
    EXPECT_EQ(r.status, status) << r.body.dump();
    EXPECT_EQ(r.check, check) << r.body.dump();
    EXPECT_EQ(r.body["code"], std::to_string(status));
    EXPECT_TRUE(r.body["message"].is_string());
  }
};

TEST(DrpIso8601, OffsetsAndZones) {
  ASSERT_OK_AND_ASSIGN(auto z, parse_iso8601("2026-03-02T10:00:00Z"));
  ASSERT_OK_AND_ASSIGN(auto plus, parse_iso8601("2026-03-02T11:30:00.250+01:30"));
  ASSERT_OK_AND_ASSIGN(auto minus, parse_iso8601("2026-03-02T05:00:00-0500"));
  EXPECT_EQ(plus - z, std::chrono::milliseconds(250));
  EXPECT_EQ(minus, z);
  EXPECT_FALSE(parse_iso8601("2026-03-02T10:00:00").ok());  // no zone
  EXPECT_FALSE(parse_iso8601("2026-03-02T10:00:00+25:00").ok());
  EXPECT_FALSE(parse_iso8601("2026-03-02 10:00:00Z").ok());
  EXPECT_FALSE(parse_iso8601("").ok());
}

TEST(DrpSignedBody, DecodesVerifiesAndParses) {
  SeededRandom random(7);
  auto key = crypto::SigningKey::generate(random);
  const std::string text = encode_signed_body(key, R"({"a":1})");
  ASSERT_OK_AND_ASSIGN(auto body, decode_signed_body(text + "\n"));
  EXPECT_EQ(body.message, R"({"a":1})");
  EXPECT_TRUE(verify_signed_body(body, key.public_key()));
  body.message[2] = 'b';
  EXPECT_FALSE(verify_signed_body(body, key.public_key()));
  EXPECT_FALSE(decode_signed_body("not base64!").ok());
  EXPECT_FALSE(decode_signed_body("").ok());
  EXPECT_FALSE(decode_signed_body(crypto::to_base64(crypto::as_bytes("short"))).ok());
  EXPECT_FALSE(parse_claims("[1]").ok());
  EXPECT_FALSE(parse_claims("{").ok());
  EXPECT_FALSE(parse_claims(std::string(100, '[') + std::string(100, ']')).ok());
  EXPECT_TRUE(parse_claims(R"({"x":[[["]]]]]]"]]]})").ok());
}

TEST(DrpAgents, KeysAndIdsAreChecked) {
  EXPECT_FALSE(parse_verify_key("AAAA").ok());          // 3 bytes
  EXPECT_FALSE(parse_verify_key("not-base64!!").ok());  // not base64
  EXPECT_TRUE(parse_verify_key(std::string(43, 'A') + "=").ok());
  EXPECT_TRUE(valid_agent_id("CR_AGENT.v1-2"));
  EXPECT_FALSE(valid_agent_id("agent one"));
  EXPECT_FALSE(valid_agent_id(std::string(49, 'A')));
  auto policy = consent::testing::test_policy();
  EXPECT_EQ(default_business_id(*policy), "OXEMIS_SARL");
}

TEST_P(DrpTest, ChecksRunInTheOrderOfSection307) {
  json good = claims("AGENT_A");
  // 1. base64.
  expect_refused(drp_->exercise(call(token_a_, "%%% not base64 %%%")), 400, "not_base64");
  expect_refused(drp_->exercise(call(token_a_, crypto::to_base64(crypto::as_bytes("{}")))), 400,
                 "not_signed");
  // 2. the key of the bearer token's agent: no token, unknown token, tampered or foreign
  // signature. The body is otherwise wrong too (other business): the signature is checked first.
  json wrong_business = good;
  wrong_business["business-id"] = "OTHER_BUSINESS";
  expect_refused(drp_->exercise(Call{std::nullopt, sign(key_a_, good), "r"}), 401, "no_token");
  expect_refused(drp_->exercise(call("drpt_unknown", sign(key_a_, good))), 403, "unknown_token");
  {
    std::string text = sign(key_a_, wrong_business);
    auto raw = crypto::from_base64(text);
    ASSERT_TRUE(raw.ok());
    (*raw)[70] ^= 0x01;  // one bit of the signed JSON
    expect_refused(drp_->exercise(call(token_a_, crypto::to_base64(*raw))), 403, "bad_signature");
  }
  expect_refused(submit(wrong_business, &key_b_), 403, "bad_signature");  // B's key, A's token
  // 3. agent-id is the token's agent (even though the business and the time are wrong too).
  json other_agent = good;
  other_agent["agent-id"] = "AGENT_B";
  other_agent["business-id"] = "OTHER_BUSINESS";
  other_agent["expires-at"] = iso(std::chrono::seconds(-1));
  expect_refused(submit(other_agent), 403, "agent_mismatch");
  // 4. business-id (the request is expired too).
  json other_business = good;
  other_business["business-id"] = "OTHER_BUSINESS";
  other_business["expires-at"] = iso(std::chrono::seconds(-1));
  expect_refused(submit(other_business), 403, "business_mismatch");
  // 5. issued-at not in the future (expires-at is past as well).
  json future = good;
  future["issued-at"] = iso(std::chrono::seconds(120));
  future["expires-at"] = iso(std::chrono::seconds(-1));
  expect_refused(submit(future), 403, "issued_in_future");
  // 6. expires-at: fatal; checked before the version.
  json expired = good;
  expired["expires-at"] = iso(std::chrono::seconds(0));
  expired["drp.version"] = "0.9";
  DrpReply e = submit(expired);
  expect_refused(e, 403, "expired");
  EXPECT_EQ(e.body["fatal"], true);
  // Then the version, the action, the identity.
  json version = good;
  version["drp.version"] = "0.9.3";
  expect_refused(submit(version), 400, "unsupported_version");
  json opt_in = good;
  opt_in["exercise"] = "sale:opt-in";
  expect_refused(submit(opt_in), 400, "unsupported_exercise");
  json anonymous = good;
  anonymous.erase("email");
  expect_refused(submit(anonymous), 400, "no_identity");
  json missing = good;
  missing.erase("issued-at");
  expect_refused(submit(missing), 400, "missing_claim");
  json bad_time = good;
  bad_time["expires-at"] = "tomorrow";
  expect_refused(submit(bad_time), 400, "bad_time");
  // Nothing was recorded; every refusal was audited with its check.
  ASSERT_OK_AND_ASSIGN(auto all, queue_->list());
  EXPECT_TRUE(all.empty());
  std::vector<std::string> audited;
  for (const auto& ev : events_) {
    if (ev.action == "drp.refused") audited.push_back(ev.reason);
  }
  EXPECT_EQ(audited, (std::vector<std::string>{
                         "not_base64", "not_signed", "no_token", "unknown_token", "bad_signature",
                         "bad_signature", "agent_mismatch", "business_mismatch", "issued_in_future",
                         "expired", "unsupported_version", "unsupported_exercise", "no_identity",
                         "missing_claim", "bad_time"}));
  // The agent is named once its token is known.
  EXPECT_EQ(events_[6].actor.id, "drp:AGENT_A");
  EXPECT_EQ(events_[3].actor.id, "drp");
}

TEST_P(DrpTest, PairwiseSetupGivesATokenAndRefusesWithoutABody) {
  // GET /v1/agent/{id} with the token.
  EXPECT_EQ(drp_->agent_info("AGENT_A", call(token_a_, "")).status, 200);
  EXPECT_EQ(drp_->agent_info("AGENT_A", call(token_a_, "")).body, json::object());
  expect_refused(drp_->agent_info("AGENT_B", call(token_a_, "")), 403, "agent_mismatch");
  expect_refused(drp_->agent_info("AGENT_A", Call{}), 401, "no_token");
  // Setup signed with the wrong key, for an unknown agent, for another path: 403, no body.
  json c = claims("AGENT_A");
  DrpReply r = drp_->pair("AGENT_A", Call{std::nullopt, sign(key_b_, c), "r"});
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(r.no_body);
  EXPECT_EQ(r.check, "bad_signature");
  r = drp_->pair("AGENT_Z", Call{std::nullopt, sign(key_a_, claims("AGENT_Z")), "r"});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.check, "unknown_agent");
  r = drp_->pair("AGENT_B", Call{std::nullopt, sign(key_a_, c), "r"});  // B's path, A's body
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.check, "bad_signature");
  // A new token replaces the old one.
  const std::string old = token_a_;
  const std::string fresh = pair("AGENT_A", key_a_);
  EXPECT_NE(fresh, old);
  expect_refused(drp_->agent_info("AGENT_A", call(old, "")), 403, "unknown_token");
  EXPECT_EQ(drp_->agent_info("AGENT_A", call(fresh, "")).status, 200);
  // Distrusting the agent revokes its token.
  ASSERT_OK(agents_->distrust("AGENT_A"));
  expect_refused(drp_->agent_info("AGENT_A", call(fresh, "")), 403, "unknown_token");
  bool issued = false;
  for (const auto& e : events_) issued = issued || e.action == "drp.token_issued";
  EXPECT_TRUE(issued);
}

TEST_P(DrpTest, ExercisesMapOntoRightsInBothVersionsAndSpellings) {
  create("known@example.fr", vault::Relationship::kProspect);
  struct Case {
    std::string exercise, version;
    RightType type;
  };
  const std::vector<Case> cases = {
      {"access", "1.0", RightType::kAccess},
      {"access", "0.9.4", RightType::kAccess},
      {"deletion", "1.0", RightType::kErasure},
      {"deletion", "0.9.4", RightType::kErasure},
      {"sale:opt-out", "1.0", RightType::kObjection},
      {"sale:opt_out", "0.9.4", RightType::kObjection},
      {"sale:opt_out", "1.0", RightType::kObjection},
      {"sale:opt-out", "0.9.4", RightType::kObjection},
  };
  for (const auto& k : cases) {
    DrpReply r = submit(claims("AGENT_A", k.exercise, k.version));
    ASSERT_EQ(r.status, 200) << k.exercise << " " << k.version << " " << r.body.dump();
    EXPECT_EQ(r.body["status"], "in_progress");
    EXPECT_EQ(r.body["agent_request_id"], "ar-1");
    EXPECT_TRUE(r.body.contains("expected_by"));
    EXPECT_TRUE(r.body.contains("received_at"));
    ASSERT_OK_AND_ASSIGN(auto req, queue_->get(r.body["request_id"].get<std::string>()));
    EXPECT_EQ(req.type, k.type) << k.exercise;
    EXPECT_EQ(req.channel, "authorized_agent");
    EXPECT_EQ(req.requester, rights::Requester::kAgent);
    EXPECT_EQ(req.proof, rights::ProofState::kAccepted);
    EXPECT_FALSE(req.subject_id.empty());  // bound to the known subject
    ASSERT_OK_AND_ASSIGN(auto link, drp_->link(req.id));
    ASSERT_TRUE(link.has_value());
    EXPECT_EQ(link->version, k.version);
    EXPECT_EQ(link->exercise, k.exercise);
    if (k.type == RightType::kObjection) {
      EXPECT_NE(req.params_json.find("any_transfer"), std::string::npos);
    }
  }
  // The DPO's queue sees them all; each transition is audited (component drp) and each request
  // is tied to its agent by a drp.exercise entry with the same request id.
  ASSERT_OK_AND_ASSIGN(auto all, queue_->list());
  EXPECT_EQ(all.size(), cases.size());
  ASSERT_FALSE(audited_.empty());
  EXPECT_EQ(audited_.front().actor.id, "drp");
  std::size_t tied = 0;
  for (const auto& e : events_) {
    if (e.action != "drp.exercise") continue;
    EXPECT_EQ(e.actor.id, "drp:AGENT_A");
    for (const auto& r : all) tied += r.id == e.request_id;
  }
  EXPECT_EQ(tied, cases.size());
}

TEST_P(DrpTest, AnswersAlikeForKnownAndUnknownAddresses) {
  create("known@example.fr", vault::Relationship::kProspect);
  json known = claims("AGENT_A");
  json unknown = claims("AGENT_A");
  unknown["email"] = "nobody@example.fr";
  DrpReply a = submit(known), b = submit(unknown);
  ASSERT_EQ(a.status, 200);
  ASSERT_EQ(b.status, 200);
  for (auto* r : {&a, &b}) {
    r->body.erase("request_id");
    r->body.erase("received_at");
  }
  EXPECT_EQ(a.body, b.body);
  // Unverified addresses get a code, whether known or not; the status says so.
  json unverified = claims("AGENT_A", "deletion");
  unverified["email"] = "nobody@example.fr";
  unverified.erase("email_verified");
  DrpReply c = submit(unverified);
  ASSERT_EQ(c.status, 200) << c.body.dump();
  EXPECT_EQ(c.body["status"], "in_progress");
  EXPECT_EQ(c.body["reason"], "need_user_verification");
  EXPECT_EQ(outbox_.last_code("nobody@example.fr").size(), 8u);
  ASSERT_OK_AND_ASSIGN(auto req, queue_->get(c.body["request_id"].get<std::string>()));
  EXPECT_EQ(req.state, State::kAwaitingVerification);
  EXPECT_EQ(req.subject_id, "");
  // Once the user enters the code, the request is in progress.
  ASSERT_OK(rights_->verify(req.id, outbox_.last_code("nobody@example.fr")));
  DrpReply s = drp_->status(req.id, call(token_a_, ""));
  EXPECT_EQ(s.body["status"], "in_progress");
  EXPECT_FALSE(s.body.contains("reason"));
}

TEST_P(DrpTest, StatusFollowsTheRightsRequest) {
  create("known@example.fr", vault::Relationship::kProspect);
  DrpReply r = submit(claims("AGENT_A", "sale:opt-out"));
  ASSERT_EQ(r.status, 200);
  const std::string id = r.body["request_id"];
  // Only the managing agent sees it; an unknown id looks the same.
  expect_refused(drp_->status(id, call(token_b_, "")), 403, "not_agents_request");
  expect_refused(drp_->status("dsr_unknown", call(token_b_, "")), 403, "not_agents_request");
  ASSERT_OK(rights_->extend(id, rights::testing::kDpo, "Many records to review"));
  DrpReply ext = drp_->status(id, call(token_a_, ""));
  EXPECT_EQ(ext.body["status"], "in_progress");
  EXPECT_TRUE(ext.body.contains("processing_details"));
  ASSERT_OK_AND_ASSIGN(auto req, queue_->get(id));
  EXPECT_EQ(ext.body["expected_by"], format_date(*req.extended_due));
  ASSERT_OK(rights_->fulfil(id, rights::testing::kDpo));
  EXPECT_EQ(drp_->status(id, call(token_a_, "")).body["status"], "fulfilled");
  // A fulfilled request cannot be revoked.
  expect_refused(drp_->revoke(id, call(token_a_, sign(key_a_, json{{"reason", "x"}}))), 409,
                 "final");
  // Refusals map to denied with the spec's reasons.
  DrpReply d = submit(claims("AGENT_A", "deletion"));
  ASSERT_OK(rights_->refuse(d.body["request_id"].get<std::string>(), rights::testing::kDpo,
                            "excessive", "Third request this week"));
  DrpReply ds = drp_->status(d.body["request_id"].get<std::string>(), call(token_a_, ""));
  EXPECT_EQ(ds.body["status"], "denied");
  EXPECT_EQ(ds.body["reason"], "too_many_requests");
}

TEST_P(DrpTest, RevokeAndReplay) {
  json c = claims("AGENT_A", "deletion", "0.9.4");
  const std::string body = sign(key_a_, c);
  DrpReply first = drp_->exercise(call(token_a_, body));
  ASSERT_EQ(first.status, 200);
  // The same signed body again is a retry: the same request, nothing new.
  DrpReply again = drp_->exercise(call(token_a_, body));
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(again.body["request_id"], first.body["request_id"]);
  ASSERT_OK_AND_ASSIGN(auto all, queue_->list());
  EXPECT_EQ(all.size(), 1u);
  const std::string id = first.body["request_id"];
  // Another agent cannot revoke it; a tampered revoke is refused.
  expect_refused(drp_->revoke(id, call(token_b_, sign(key_b_, json{{"reason", "no"}}))), 403,
                 "not_agents_request");
  expect_refused(drp_->revoke(id, call(token_a_, sign(key_b_, json{{"reason", "no"}}))), 403,
                 "bad_signature");
  EXPECT_EQ(events_.back().action, "drp.refused");
  EXPECT_EQ(events_.back().actor.id, "drp:AGENT_A");  // known by its token
  DrpReply rev =
      drp_->revoke(id, call(token_a_, sign(key_a_, json{{"reason", "I changed my mind"}})));
  ASSERT_EQ(rev.status, 200) << rev.body.dump();
  EXPECT_EQ(rev.body["status"], "revoked");
  ASSERT_OK_AND_ASSIGN(auto req, queue_->get(id));
  EXPECT_EQ(req.state, State::kRefused);
  ASSERT_OK_AND_ASSIGN(auto h, queue_->history(id));
  EXPECT_EQ(h.back().reason, "revoked");
  EXPECT_EQ(h.back().note, "I changed my mind");  // sealed with the transition
  EXPECT_EQ(drp_->revoke(id, call(token_a_, sign(key_a_, json::object()))).body["status"],
            "revoked");
}

TEST_P(DrpTest, BusinessIdCanBeSet) {
  ASSERT_OK(agents_->set_business_id("ACME"));
  expect_refused(submit(claims("AGENT_A")), 403, "business_mismatch");
  json c = claims("AGENT_A");
  c["business-id"] = "ACME";
  EXPECT_EQ(submit(c).status, 200);
  EXPECT_FALSE(agents_->set_business_id("bad id").ok());
}

CHARTER_ACCESS_BACKENDS(DrpTest);

}  // namespace
}  // namespace charter::drp
