// The decision index and bulk decisions on both backends: built from the store, kept current
// by the vault's and the ledger's after-commit observers, looked up by subject id and by the
// e-mail's blind index, one DecisionLog::record_bulk per request (fail closed), streaming.
#include <gtest/gtest.h>

#include <future>

#include "access/test_env.h"
#include "core/id.h"

namespace charter::access {
namespace {

using testing::AccessFixture;
using vault::Relationship;

class BulkTest : public AccessFixture {
 protected:
  AccessRequest prospecting() { return {"prospecting", {}}; }

  std::vector<BulkAnswer> ask(std::vector<std::string_view> lines, const Actor& actor) {
    auto r = decide_bulk(*index_, log_, clock_, actor, prospecting(), lines, "bulk-1");
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    return r.ok() ? *r : std::vector<BulkAnswer>{};
  }
  std::vector<BulkAnswer> ask(std::vector<std::string_view> lines) {
    return ask(std::move(lines), actor_from(mailer()));
  }
  static std::vector<std::string> reasons(const std::vector<BulkAnswer>& a) {
    std::vector<std::string> out;
    for (auto& x : a) out.push_back(x.reason);
    return out;
  }
};

TEST_P(BulkTest, BuiltFromTheStoreAndAnsweredByAddressOrId) {
  // Subjects and consents stored before the index exists (a restart).
  open_all(/*with_index=*/false);
  std::string a = create("alice@example.fr", Relationship::kProspect);
  std::string b = create("bob@example.fr", Relationship::kProspect);
  std::string c = create("carol@example.fr", Relationship::kCustomer);
  ASSERT_OK(ledger_->give(a, "prospecting", via("privacy_center")));
  ASSERT_OK(ledger_->give(c, "prospecting", via("privacy_center")));
  ASSERT_OK(objections_->object(c, "prospecting", "privacy_center"));
  std::string d = create("dan@example.fr", Relationship::kProspect);
  ASSERT_OK(ledger_->give(d, "prospecting", via("privacy_center")));
  ASSERT_OK(
      restrictions_->place(d, consent::RestrictionGround::kAccuracyContested, "privacy_center"));
  open_all(/*with_index=*/true);
  EXPECT_EQ(stats_.subjects, 4u);
  EXPECT_EQ(stats_.with_email, 4u);

  auto answers =
      ask({"alice@example.fr", "  Bob@Example.FR\r", "carol@example.fr", "nobody@example.fr",
           "not an address", a, "", b, "sub_0000000000000000000000000g", "dan@example.fr"});
  ASSERT_EQ(answers.size(), 9u);  // the blank line is skipped
  EXPECT_EQ(reasons(answers),
            (std::vector<std::string>{reason::kAllowed, reason::kConsentMissing, reason::kObjection,
                                      reason::kUnknownSubject, reason::kInvalidInput,
                                      reason::kAllowed, reason::kConsentMissing,
                                      reason::kUnknownSubject, reason::kSubjectRestricted}));
  EXPECT_TRUE(answers[0].allowed);
  EXPECT_FALSE(answers[1].allowed);

  // One record for the whole request, with the counts; none per subject.
  auto bulks = log_.bulks();
  ASSERT_EQ(bulks.size(), 1u);
  EXPECT_EQ(bulks[0].asked, 9u);
  EXPECT_EQ(bulks[0].allowed, 2u);
  EXPECT_EQ(bulks[0].purpose, "prospecting");
  EXPECT_EQ(bulks[0].actor, "svc_mailer");
  EXPECT_EQ(bulks[0].request_id, "bulk-1");
  EXPECT_TRUE(log_.singles().empty());
}

TEST_P(BulkTest, KeptCurrentByEveryEvent) {
  std::string a = create("dora@example.fr", Relationship::kProspect);
  EXPECT_EQ(reasons(ask({"dora@example.fr"})), std::vector<std::string>{reason::kConsentMissing});
  ASSERT_OK(ledger_->give(a, "prospecting", via("privacy_center")));
  EXPECT_EQ(reasons(ask({"dora@example.fr"})), std::vector<std::string>{reason::kAllowed});
  // Withdrawal through the asynchronous path: answered as withdrawn once acknowledged.
  std::promise<Result<consent::ConsentEvent>> done;
  ledger_->record_async(consent::EventKind::kWithdrawn, a, "prospecting",
                        via("one_click_unsubscribe"),
                        [&](Result<consent::ConsentEvent> e) { done.set_value(std::move(e)); });
  ASSERT_OK(done.get_future().get());
  EXPECT_EQ(reasons(ask({"dora@example.fr"})), std::vector<std::string>{reason::kConsentWithdrawn});
  ASSERT_OK(ledger_->give(a, "prospecting", via("privacy_center")));
  ASSERT_OK(restrictions_->place(a, consent::RestrictionGround::kLegalClaims, "privacy_center"));
  EXPECT_EQ(reasons(ask({a})), std::vector<std::string>{reason::kSubjectRestricted});
  ASSERT_OK(restrictions_->lift(a, "privacy_center"));
  ASSERT_OK(objections_->object(a, "prospecting", "privacy_center"));
  EXPECT_EQ(reasons(ask({a})), std::vector<std::string>{reason::kObjection});
  ASSERT_OK(objections_->lift(a, "prospecting", "privacy_center"));
  EXPECT_EQ(reasons(ask({a})), std::vector<std::string>{reason::kAllowed});

  // Rectified address: the old one is unknown, the new one answers.
  ASSERT_OK(vault_->rectify(a, "email", "dora.new@example.fr"));
  EXPECT_EQ(reasons(ask({"dora@example.fr", "dora.new@example.fr"})),
            (std::vector<std::string>{reason::kUnknownSubject, reason::kAllowed}));
  // Window: three years after collection, reopened by a contact.
  clock_.advance(std::chrono::hours(24 * (365 * 3 + 1)));
  EXPECT_EQ(reasons(ask({a})), std::vector<std::string>{reason::kRetentionClosed});
  vault::RelationshipUpdate u;
  u.last_contact_at = clock_.now();
  ASSERT_OK(vault_->update(a, u));
  EXPECT_EQ(reasons(ask({a})), std::vector<std::string>{reason::kAllowed});
  // Deceased.
  u = {};
  u.status = vault::SubjectStatus::kDeceased;
  ASSERT_OK(vault_->update(a, u));
  EXPECT_EQ(reasons(ask({a})), std::vector<std::string>{reason::kSubjectDeceased});
  // Erased: by id "erased", the address is gone.
  vault::ErasureRequest er;
  er.subject_id = a;
  ASSERT_OK(vault_->erase(er));
  EXPECT_EQ(reasons(ask({a, "dora.new@example.fr"})),
            (std::vector<std::string>{reason::kSubjectErased, reason::kUnknownSubject}));
  EXPECT_EQ(index_->size(), 1u);
}

TEST_P(BulkTest, NewSubjectThenConsent) {
  // A subject created after the index was loaded, then its consent.
  std::string a = create("erin@example.fr", Relationship::kProspect);
  ASSERT_OK(ledger_->give(a, "prospecting", via("privacy_center")));
  EXPECT_EQ(reasons(ask({"erin@example.fr"})), std::vector<std::string>{reason::kAllowed});
}

TEST_P(BulkTest, SharedAddressIsAllowedOnlyWhenEverySubjectIs) {
  std::string a = create("shared@example.fr", Relationship::kProspect);
  std::string b = create("shared@example.fr", Relationship::kProspect);
  ASSERT_OK(ledger_->give(a, "prospecting", via("privacy_center")));
  EXPECT_EQ(reasons(ask({"shared@example.fr"})), std::vector<std::string>{reason::kConsentMissing});
  ASSERT_OK(ledger_->give(b, "prospecting", via("privacy_center")));
  EXPECT_EQ(reasons(ask({"shared@example.fr"})), std::vector<std::string>{reason::kAllowed});
  ASSERT_OK(objections_->object(a, "prospecting", "privacy_center"));
  EXPECT_EQ(reasons(ask({"shared@example.fr"})), std::vector<std::string>{reason::kObjection});
  // Erasing the objector leaves the other one.
  vault::ErasureRequest er;
  er.subject_id = a;
  ASSERT_OK(vault_->erase(er));
  EXPECT_EQ(reasons(ask({"shared@example.fr"})), std::vector<std::string>{reason::kAllowed});
}

TEST_P(BulkTest, RefusedActorGetsItsReasonAndLearnsNothingAboutMembership) {
  std::string a = create("fred@example.fr", Relationship::kProspect);
  Actor engineer = actor_from(sales());
  engineer.roles = {"engineering"};
  auto answers =
      ask({"fred@example.fr", "ghost@example.fr", a, "sub_0000000000000000000000000g", "garbage"},
          engineer);
  EXPECT_EQ(reasons(answers),
            (std::vector<std::string>{reason::kRoleNotRecipient, reason::kRoleNotRecipient,
                                      reason::kRoleNotRecipient, reason::kRoleNotRecipient,
                                      reason::kInvalidInput}));
}

TEST_P(BulkTest, RecordFailureVoidsTheAnswer) {
  std::string a = create("gina@example.fr", Relationship::kProspect);
  ASSERT_OK(ledger_->give(a, "prospecting", via("privacy_center")));
  log_.set_fail(true);
  std::vector<std::string_view> lines{"gina@example.fr"};
  auto r = decide_bulk(*index_, log_, clock_, actor_from(mailer()), prospecting(), lines);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUnavailable);

  // Streaming: the answers may have been written, but no trailer: the client discards them.
  BulkDecider d(*index_, log_, clock_, actor_from(mailer()), prospecting(), "bulk-2");
  std::string out;
  ASSERT_OK(d.feed("gina@example.fr\n", out));
  auto fin = d.finish(out);
  ASSERT_FALSE(fin.ok());
  EXPECT_EQ(out.find("#end"), std::string::npos);
  log_.set_fail(false);
}

TEST_P(BulkTest, StreamsInAnySlicesWithATrailer) {
  std::string a = create("hugo@example.fr", Relationship::kProspect);
  ASSERT_OK(ledger_->give(a, "prospecting", via("privacy_center")));
  std::string input = "hugo@example.fr\r\nnobody@example.fr\n\n" + std::string(600, 'y') +
                      "@example.fr\n" + a + "\nbad\tline\nhugo@example.fr";
  const std::string expected =
      "hugo@example.fr\tallowed\tallowed\n"
      "nobody@example.fr\tdenied\tunknown_subject\n"
      "#3\tdenied\tinvalid_input\n" +
      a +
      "\tallowed\tallowed\n"
      "#5\tdenied\tinvalid_input\n"
      "hugo@example.fr\tallowed\tallowed\n"
      "#end\tasked=6\tallowed=3\n";
  for (std::size_t slice : {1u, 3u, 7u, 64u, 100000u}) {
    BulkOptions options;
    options.chunk_lines = 2;
    BulkDecider d(*index_, log_, clock_, actor_from(mailer()), prospecting(), "bulk-3", options);
    std::string out;
    for (std::size_t i = 0; i < input.size(); i += slice) {
      ASSERT_OK(d.feed(std::string_view(input).substr(i, slice), out));
    }
    ASSERT_OK_AND_ASSIGN(auto summary, d.finish(out));
    EXPECT_EQ(out, expected) << "slice " << slice;
    EXPECT_EQ(summary.asked, 6u);
  }
  EXPECT_EQ(log_.bulks().size(), 5u);
}

TEST_P(BulkTest, CompactIndex) {
  open_all(/*with_index=*/false);
  std::vector<vault::NewSubject> batch;
  for (int i = 0; i < 2000; ++i) {
    vault::NewSubject s;
    s.purposes = {"prospecting"};
    s.fields = {{"email", "p" + std::to_string(i) + "@example.fr"}};
    batch.push_back(s);
  }
  ASSERT_OK(vault_->create_subjects(batch));
  open_all(/*with_index=*/true);
  ASSERT_EQ(stats_.subjects, 2000u);
  // P8: at most 150 bytes per subject (columns and hash tables).
  EXPECT_LE(stats_.bytes / stats_.subjects, 150u) << stats_.bytes;
  // Two threads hashing addresses give the same answers.
  std::vector<std::string> owned;
  for (int i = 0; i < 3000; ++i) owned.push_back("p" + std::to_string(i) + "@example.fr");
  std::vector<std::string_view> lines(owned.begin(), owned.end());
  BulkOptions two;
  two.threads = 2;
  ASSERT_OK_AND_ASSIGN(
      auto a1, decide_bulk(*index_, log_, clock_, actor_from(mailer()), prospecting(), lines));
  ASSERT_OK_AND_ASSIGN(auto a2, decide_bulk(*index_, log_, clock_, actor_from(mailer()),
                                            prospecting(), lines, "", two));
  ASSERT_EQ(a1.size(), 3000u);
  EXPECT_EQ(reasons(a1), reasons(a2));
  EXPECT_EQ(std::string(a1[0].reason), reason::kConsentMissing);
  EXPECT_EQ(std::string(a1[2500].reason), reason::kUnknownSubject);
}

TEST(SubjectKey, RoundTripsGeneratedIdsOnly) {
  SeededRandom random(3);
  for (int i = 0; i < 100; ++i) {
    std::string id = new_id(random, "sub");
    EXPECT_TRUE(DecisionIndex::subject_key(id).has_value()) << id;
  }
  EXPECT_FALSE(DecisionIndex::subject_key("sub_0000000000000000000000000z").has_value());
  EXPECT_FALSE(DecisionIndex::subject_key("sub_000000000000000000000000").has_value());
  EXPECT_FALSE(DecisionIndex::subject_key("stf_0000000000000000000000000g").has_value());
  EXPECT_FALSE(DecisionIndex::subject_key("sub_000000000000000000000000Ag").has_value());
}

CHARTER_ACCESS_BACKENDS(BulkTest);

}  // namespace
}  // namespace charter::access
