// AccessService on both backends: snapshots built from the vault and the consent ledger, the
// actor from a staff Identity, every decision recorded before it is answered (fail closed),
// unknown subjects.
#include <gtest/gtest.h>

#include "access/test_env.h"

namespace charter::access {
namespace {

using testing::AccessFixture;
using vault::Relationship;

class ServiceTest : public AccessFixture {};

AccessRequest prospecting() { return {"prospecting", {}}; }

TEST_P(ServiceTest, ConsentGivenAllowsProspectingAndEveryDecisionIsRecorded) {
  std::string id = create("anne@example.fr", Relationship::kProspect);
  ASSERT_OK_AND_ASSIGN(auto d, service_->decide(sales(), id, prospecting(), "req-1"));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reasons[0], reason::kConsentMissing);

  ASSERT_OK(ledger_->give(id, "prospecting", via("privacy_center")));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(sales(), id, prospecting(), "req-2"));
  EXPECT_TRUE(d.allowed) << d.sentence;
  EXPECT_EQ(d.reasons[0], reason::kAllowed);
  // Open for three years after collection (a prospect's last contact).
  ASSERT_TRUE(d.valid_until.has_value());

  auto rec = log_.singles();
  ASSERT_EQ(rec.size(), 2u);
  EXPECT_EQ(rec[0].subject, id);
  EXPECT_EQ(rec[0].actor, "stf_sales");
  EXPECT_EQ(rec[0].request_id, "req-1");
  EXPECT_FALSE(rec[0].decision.allowed);
  EXPECT_TRUE(rec[1].decision.allowed);
  EXPECT_EQ(rec[1].purpose, "prospecting");
}

TEST_P(ServiceTest, RecordingFailureIsTheAnswerNeverAllow) {
  std::string id = create("bruno@example.fr", Relationship::kProspect);
  ASSERT_OK(ledger_->give(id, "prospecting", via("privacy_center")));
  ASSERT_OK_AND_ASSIGN(auto d, service_->decide(sales(), id, prospecting()));
  ASSERT_TRUE(d.allowed);
  log_.clear();
  log_.set_fail(true);
  auto r = service_->decide(sales(), id, prospecting());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  // Denials too, and unknown subjects: nothing is answered unrecorded.
  r = service_->decide(mailer(), id, {"statistics", {}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  r = service_->decide(sales(), "sub_0000000000000000000000000g", prospecting());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_TRUE(log_.singles().empty());
  log_.set_fail(false);
  ASSERT_OK_AND_ASSIGN(d, service_->decide(sales(), id, prospecting()));
  EXPECT_TRUE(d.allowed);
}

TEST_P(ServiceTest, UnknownSubjectIsNotFoundWithoutPersonalData) {
  const std::string ghost = "sub_0000000000000000000000000g";
  auto r = service_->decide(sales(), ghost, prospecting(), "req-9");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kNotFound);
  EXPECT_EQ(r.error().message, "no such subject");
  auto rec = log_.singles();
  ASSERT_EQ(rec.size(), 1u);
  EXPECT_EQ(rec[0].decision.reasons, std::vector<std::string>{reason::kUnknownSubject});
  EXPECT_FALSE(rec[0].decision.allowed);

  // Not a subject id: the field is named, the value is not repeated.
  r = service_->decide(sales(), "anne@example.fr", prospecting());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  EXPECT_NE(r.error().message.find("subject_id"), std::string::npos);
  EXPECT_EQ(r.error().message.find("anne"), std::string::npos);
}

TEST_P(ServiceTest, RefusedActorLearnsNothingAboutTheSubject) {
  std::string id = create("carla@example.fr", Relationship::kProspect);
  staff::Identity support = sales();
  support.roles = {"support"};
  ASSERT_OK_AND_ASSIGN(auto known, service_->decide(support, id, prospecting()));
  ASSERT_OK_AND_ASSIGN(auto unknown,
                       service_->decide(support, "sub_0000000000000000000000000g", prospecting()));
  EXPECT_FALSE(known.allowed);
  EXPECT_EQ(known.reasons, std::vector<std::string>{reason::kRoleNotRecipient});
  EXPECT_EQ(unknown.reasons, known.reasons);
  EXPECT_EQ(unknown.sentence, known.sentence);

  // Training expired (P1Y) as the clock moves on; a suspended member; a service not bound.
  clock_.advance(std::chrono::hours(24 * 400));
  ASSERT_OK_AND_ASSIGN(auto d, service_->decide(sales(date_of(testing::at("2026-03-01T00:00:00Z"))),
                                                id, prospecting()));
  EXPECT_EQ(d.reasons[0], reason::kTrainingExpired);
  staff::Identity suspended = sales();
  suspended.suspended = true;
  ASSERT_OK_AND_ASSIGN(d, service_->decide(suspended, id, prospecting()));
  EXPECT_EQ(d.reasons[0], reason::kActorSuspended);
  ASSERT_OK_AND_ASSIGN(d, service_->decide(mailer(), id, {"statistics", {}}));
  EXPECT_EQ(d.reasons[0], reason::kServiceNotBound);
  ASSERT_OK_AND_ASSIGN(d, service_->decide(mailer(), id, {"no_such_purpose", {}}));
  EXPECT_EQ(d.reasons[0], reason::kUnknownPurpose);
}

TEST_P(ServiceTest, SnapshotFollowsLedgerAndVaultAcrossYears) {
  std::string id = create("denis@example.fr", Relationship::kProspect);
  ASSERT_OK(ledger_->give(id, "prospecting", via("privacy_center")));
  ASSERT_OK_AND_ASSIGN(auto d, service_->decide(mailer(), id, prospecting()));
  EXPECT_TRUE(d.allowed);

  // Objection (absolute for direct marketing), then lifted.
  ASSERT_OK(objections_->object(id, "prospecting", "privacy_center"));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(mailer(), id, prospecting()));
  EXPECT_EQ(d.reasons[0], reason::kObjection);
  ASSERT_OK(objections_->lift(id, "prospecting", "privacy_center"));

  // Restriction (art. 18).
  ASSERT_OK(
      restrictions_->place(id, consent::RestrictionGround::kAccuracyContested, "privacy_center"));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(mailer(), id, prospecting()));
  EXPECT_EQ(d.reasons[0], reason::kSubjectRestricted);
  ASSERT_OK(restrictions_->lift(id, "privacy_center"));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(mailer(), id, prospecting()));
  EXPECT_TRUE(d.allowed);

  // Three years after collection without contact: the prospecting window closes.
  clock_.advance(std::chrono::hours(24 * (365 * 3 + 1)));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(mailer(), id, prospecting()));
  EXPECT_EQ(d.reasons[0], reason::kRetentionClosed);
  // A new contact reopens it.
  vault::RelationshipUpdate u;
  u.last_contact_at = clock_.now();
  ASSERT_OK(vault_->update(id, u));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(mailer(), id, prospecting()));
  EXPECT_TRUE(d.allowed);

  // Withdrawal stops it at once.
  ASSERT_OK(ledger_->withdraw(id, "prospecting", via("one_click_unsubscribe")));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(mailer(), id, prospecting()));
  EXPECT_EQ(d.reasons[0], reason::kConsentWithdrawn);

  // Erasure.
  vault::ErasureRequest er;
  er.subject_id = id;
  ASSERT_OK(vault_->erase(er));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(mailer(), id, prospecting()));
  EXPECT_EQ(d.reasons[0], reason::kSubjectErased);
}

TEST_P(ServiceTest, ContractAndTransactionFactsComeFromTheVault) {
  // A customer whose contract ended: commercial_relationship closes at its end; the accounting
  // records stay usable for legal obligations for ten years after the last transaction.
  std::string id =
      create("eve@example.fr", Relationship::kCustomer, clock_.now() + std::chrono::hours(24 * 10));
  auto accountant = [&] {  // trained and signed "today", whenever today is
    staff::Identity who = sales();
    who.roles = {"accounting"};
    return who;
  };
  AccessRequest commercial{"commercial_relationship", {"transactions"}};
  AccessRequest legal{"legal_obligations", {"transactions"}};
  ASSERT_OK_AND_ASSIGN(auto d, service_->decide(accountant(), id, commercial));
  EXPECT_TRUE(d.allowed) << d.sentence;
  ASSERT_OK_AND_ASSIGN(d, service_->decide(accountant(), id, legal));
  EXPECT_EQ(d.reasons[0], reason::kRetentionClosed);  // no transaction yet
  vault::NewEvent order{id, "order", clock_.now(), "{\"order\": \"A-1\"}", std::nullopt};
  ASSERT_OK(vault_->record_event(order));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(accountant(), id, legal));
  EXPECT_TRUE(d.allowed) << d.sentence;

  clock_.advance(std::chrono::hours(24 * 30));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(accountant(), id, commercial));
  EXPECT_EQ(d.reasons[0], reason::kRetentionClosed);
  clock_.advance(std::chrono::hours(24 * 365 * 9));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(accountant(), id, legal));
  EXPECT_TRUE(d.allowed);
  clock_.advance(std::chrono::hours(24 * 366));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(accountant(), id, legal));
  EXPECT_EQ(d.reasons[0], reason::kRetentionClosed);
}

CHARTER_ACCESS_BACKENDS(ServiceTest);

}  // namespace
}  // namespace charter::access
