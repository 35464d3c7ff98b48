#include "audit/history.h"

#include <gtest/gtest.h>

#include "audit/appender.h"
#include "audit/memory_log_store.h"
#include "audit/prover.h"
#include "audit/test_support.h"
#include "audit/verifier.h"

namespace charter::audit {
namespace {

using testing::pseudonym;

class HistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto a = Appender::open(store_, testing::test_key(), clock_);
    ASSERT_TRUE(a.ok());
    log_ = std::move(a).value();
  }
  std::uint64_t add(ActorKind kind, std::string id, std::string role, std::string subject,
                    std::string action, std::string purpose, Decision d = Decision::kAllow) {
    AuditEvent e;
    e.actor = Actor{kind, std::move(id), std::move(role)};
    e.action = std::move(action);
    e.purpose = std::move(purpose);
    e.subject = std::move(subject);
    e.decision = d;
    clock_.advance(std::chrono::minutes(1));
    return log_->append(e).value();
  }

  MemoryLogStore store_;
  ManualClock clock_{*parse_timestamp("2026-05-01T09:00:00Z")};
  std::unique_ptr<Appender> log_;
};

TEST_F(HistoryTest, ListsWhoUsedTheDataByRole) {
  const std::string alice = pseudonym(1), bob = pseudonym(2);
  add(ActorKind::kStaff, "stf_01jane", "support", alice, "field.read", "customer_relationship");
  add(ActorKind::kService, "svc_emailing", "", alice, "contact.check", "solicitation",
      Decision::kDeny);
  add(ActorKind::kStaff, "stf_01joe", "sales", bob, "field.read", "commercial_relationship");
  add(ActorKind::kSubject, alice, "", alice, "consent.withdraw", "solicitation");
  add(ActorKind::kSystem, "retention", "", alice, "field.erase", "");
  ASSERT_TRUE(log_->close().ok());

  auto h = access_history(store_, alice);
  ASSERT_TRUE(h.ok()) << h.error().message;
  ASSERT_EQ(h->size(), 4u);
  EXPECT_EQ((*h)[0].actor_kind, ActorKind::kStaff);
  EXPECT_EQ((*h)[0].actor, "support");  // the role, never the staff id
  EXPECT_EQ((*h)[0].action, "field.read");
  EXPECT_EQ((*h)[0].purpose, "customer_relationship");
  EXPECT_EQ(format_timestamp((*h)[0].time), "2026-05-01T09:01:00.000000Z");
  EXPECT_EQ((*h)[1].actor, "svc_emailing");
  EXPECT_EQ((*h)[1].decision, Decision::kDeny);
  EXPECT_EQ((*h)[2].actor_kind, ActorKind::kSubject);
  EXPECT_EQ((*h)[2].actor, "");
  EXPECT_EQ((*h)[3].actor, "retention");
  for (const auto& r : *h) EXPECT_EQ(r.actor.find("stf_"), std::string::npos);

  EXPECT_EQ(access_history(store_, bob)->size(), 1u);
  EXPECT_EQ(access_history(store_, alice, {2, 10})->size(), 2u);
  EXPECT_EQ(access_history(store_, alice, {0, 1})->size(), 1u);
  EXPECT_TRUE(access_history(store_, pseudonym(3))->empty());
  EXPECT_EQ(access_history(store_, "alice@example.com").error().code, Errc::kInvalidArgument);
}

TEST_F(HistoryTest, RefusesToShowTamperedRows) {
  const std::string alice = pseudonym(1);
  add(ActorKind::kStaff, "stf_01jane", "support", alice, "field.read", "customer_relationship");
  auto& row = store_.mutable_rows()[0];
  row.encoded[row.encoded.size() - 5] ^= 1;
  auto h = access_history(store_, alice);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code, Errc::kIntegrity);
  store_.fail_reads(1);
  EXPECT_EQ(access_history(store_, alice).error().code, Errc::kUnavailable);
}

TEST_F(HistoryTest, ProverProofsVerifyAgainstSignedHeads) {
  for (int i = 0; i < 300; ++i) {
    (void)log_->append(testing::sample_event(i)).value();
    if (i == 99) {
      ASSERT_TRUE(log_->issue_head().ok());
    }
  }
  ASSERT_TRUE(log_->close().ok());
  auto heads = *store_.heads();
  ASSERT_EQ(heads.size(), 2u);
  const SignedTreeHead& old_head = heads[0];
  const SignedTreeHead& new_head = heads[1];
  ASSERT_EQ(old_head.head.tree_size, 100u);
  ASSERT_EQ(new_head.head.tree_size, 300u);

  Prover prover(store_);
  ASSERT_TRUE(prover.refresh().ok());
  EXPECT_EQ(prover.size(), 300u);
  for (std::uint64_t i : {0u, 1u, 99u, 150u, 299u}) {
    auto p = prover.inclusion_proof(i, new_head.head.tree_size);
    ASSERT_TRUE(p.ok());
    const Hash leaf = leaf_hash(store_.read(i, 1)->at(0).encoded);
    EXPECT_TRUE(verify_inclusion(leaf, *p, new_head.head.root).ok()) << i;
  }
  auto c = prover.consistency_proof(100, 300);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(verify_consistency(*c, old_head.head.root, new_head.head.root).ok());
  EXPECT_EQ(*prover.root(100), old_head.head.root);
  EXPECT_EQ(prover.inclusion_proof(300, 300).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(prover.leaf_hash(300).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(*prover.leaf_hash(5), store_.read(5, 1)->at(0).leaf_hash);

  // Refresh picks up later entries.
  MemoryLogStore& s = store_;
  auto a = Appender::open(s, testing::test_key(), clock_);
  ASSERT_TRUE(a.ok());
  (void)(*a)->append(testing::sample_event(1)).value();
  ASSERT_TRUE(prover.refresh().ok());
  EXPECT_EQ(prover.size(), 301u);
}

}  // namespace
}  // namespace charter::audit
