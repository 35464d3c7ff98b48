// The rights service on both backends: intake that reveals nothing, the one-time code, subject
// sessions, every transition audited (fail closed), deadlines and extension, and the fulfilment
// of each right with its effect on the vault and on access decisions.
#include <gtest/gtest.h>

#include "rights/testing.h"

namespace charter::rights {
namespace {

using access::AccessRequest;
using testing::kDpo;
using testing::RightsFixture;
using vault::Relationship;

class RightsTest : public RightsFixture {};

AccessRequest prospecting() { return {"prospecting", {}}; }

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(StateMachine, OnlyLegalTransitions) {
  EXPECT_TRUE(transition_allowed(State::kReceived, State::kAwaitingVerification));
  EXPECT_TRUE(transition_allowed(State::kReceived, State::kInProgress));
  EXPECT_TRUE(transition_allowed(State::kAwaitingVerification, State::kInProgress));
  EXPECT_TRUE(transition_allowed(State::kInProgress, State::kExtended));
  EXPECT_TRUE(transition_allowed(State::kExtended, State::kPartiallyFulfilled));
  EXPECT_TRUE(transition_allowed(State::kAwaitingVerification, State::kRefused));
  EXPECT_FALSE(transition_allowed(State::kReceived, State::kFulfilled));
  EXPECT_FALSE(transition_allowed(State::kAwaitingVerification, State::kExtended));
  EXPECT_FALSE(transition_allowed(State::kExtended, State::kInProgress));
  EXPECT_FALSE(transition_allowed(State::kExtended, State::kExtended));
  EXPECT_FALSE(transition_allowed(State::kFulfilled, State::kRefused));
  EXPECT_FALSE(transition_allowed(State::kRefused, State::kInProgress));
  for (auto s : {State::kReceived, State::kInProgress, State::kRefused}) {
    EXPECT_EQ(parse_state(to_string(s)), s);
  }
  EXPECT_EQ(parse_right("withdraw_consent"), RightType::kWithdrawConsent);
  EXPECT_FALSE(parse_right("delete").has_value());
}

TEST_P(RightsTest, IntakeAnswersAlikeForKnownAndUnknownAddresses) {
  create("known@example.fr", Relationship::kProspect);
  ASSERT_OK_AND_ASSIGN(auto known,
                       rights_->submit(ask(RightType::kAccess, "known@example.fr"), "c1"));
  ASSERT_OK_AND_ASSIGN(auto unknown,
                       rights_->submit(ask(RightType::kAccess, "nobody@example.fr"), "c1"));
  EXPECT_EQ(known.state, State::kAwaitingVerification);
  EXPECT_EQ(unknown.state, State::kAwaitingVerification);
  // Nothing about the subject is looked up before the code is verified.
  EXPECT_EQ(known.subject_id, "");
  EXPECT_EQ(unknown.subject_id, "");
  ASSERT_EQ(outbox_.emails.size(), 2u);
  EXPECT_EQ(outbox_.emails[0].kind, "code");
  EXPECT_EQ(outbox_.emails[1].kind, "code");
  EXPECT_EQ(outbox_.emails[1].to, "nobody@example.fr");
  // The unknown owner, once verified, learns that nothing is held.
  ASSERT_OK_AND_ASSIGN(auto v, rights_->verify(unknown.id, outbox_.last_code("nobody@example.fr")));
  EXPECT_EQ(v.request.subject_id, "");
  ASSERT_OK_AND_ASSIGN(auto out, rights_->fulfil(unknown.id, kDpo));
  EXPECT_EQ(out.request.state, State::kFulfilled);
  EXPECT_TRUE(contains(out.answer, "We hold no data")) << out.answer;
  EXPECT_TRUE(archive_.made.empty());
}

TEST_P(RightsTest, CodeIsCheckedExpiresAndLimitsAttempts) {
  ASSERT_OK_AND_ASSIGN(auto r, rights_->submit(ask(RightType::kErasure, "a@example.fr"), "c1"));
  const std::string code = outbox_.last_code("a@example.fr");
  ASSERT_EQ(code.size(), 8u);
  const std::string wrong = code == "00000000" ? "11111111" : "00000000";
  auto bad = rights_->verify(r.id, wrong);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::kPermissionDenied);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(rights_->verify(r.id, wrong).ok());
  // Five wrong attempts: even the right code is refused now.
  auto spent = rights_->verify(r.id, code);
  ASSERT_FALSE(spent.ok());
  EXPECT_EQ(spent.error().code, Errc::kFailedPrecondition);
  // A new code works; it expires after 30 minutes.
  ASSERT_OK(rights_->resend_code(r.id, "c1"));
  const std::string fresh = outbox_.last_code("a@example.fr");
  clock_.advance(std::chrono::minutes(31));
  auto late = rights_->verify(r.id, fresh);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code, Errc::kFailedPrecondition);
  ASSERT_OK(rights_->resend_code(r.id, "c1"));
  ASSERT_OK_AND_ASSIGN(auto v, rights_->verify(r.id, outbox_.last_code("a@example.fr")));
  EXPECT_EQ(v.request.state, State::kInProgress);
  EXPECT_TRUE(v.request.verified_at.has_value());
  // A code is single use.
  EXPECT_FALSE(rights_->verify(r.id, outbox_.last_code("a@example.fr")).ok());
}

TEST_P(RightsTest, IntakeIsRateLimitedPerAddressAndPerClient) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(
        rights_->submit(ask(RightType::kAccess, "spam@example.fr"), "c-" + std::to_string(i)));
  }
  auto sixth = rights_->submit(ask(RightType::kAccess, "spam@example.fr"), "c-9");
  ASSERT_FALSE(sixth.ok());
  EXPECT_EQ(sixth.error().code, Errc::kRateLimited);
  EXPECT_FALSE(contains(sixth.error().message, "spam@"));
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK(rights_->submit(ask(RightType::kAccess, "x" + std::to_string(i) + "@example.fr"),
                              "one-client"));
  }
  auto over = rights_->submit(ask(RightType::kAccess, "y@example.fr"), "one-client");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, Errc::kRateLimited);
  // The next hour is a new window.
  clock_.advance(std::chrono::hours(1));
  EXPECT_OK(rights_->submit(ask(RightType::kAccess, "spam@example.fr"), "c-9"));
}

TEST_P(RightsTest, SessionSeesOnlyItsOwnRequests) {
  auto theirs = submit_verified(RightType::kErasure, "them@example.fr");
  ASSERT_OK_AND_ASSIGN(auto mine, rights_->submit(ask(RightType::kAccess, "me@example.fr"), "c"));
  ASSERT_OK_AND_ASSIGN(auto v, rights_->verify(mine.id, outbox_.last_code("me@example.fr")));
  EXPECT_TRUE(v.session.secret.rfind("chsub_", 0) == 0);
  ASSERT_OK_AND_ASSIGN(auto index, sessions_->check(v.session.secret));
  ASSERT_OK_AND_ASSIGN(auto own, rights_->own_requests(index));
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0].id, mine.id);
  EXPECT_NE(own[0].id, theirs.id);
  // Expired after 30 minutes; a closed session is gone; a forged one is refused.
  auto forged = sessions_->check("chsub_forged");
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.error().code, Errc::kUnauthenticated);
  clock_.advance(std::chrono::minutes(31));
  auto expired = sessions_->check(v.session.secret);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, Errc::kUnauthenticated);
}

TEST_P(RightsTest, PersonalDataIsSealedAtRest) {
  ASSERT_OK(rights_->submit(
      ask(RightType::kAccess, "sealed.person@example.fr", R"({"note":"my phone 0601020304"})"),
      "c1"));
  ASSERT_OK_AND_ASSIGN(auto tx, store().read());
  for (const char* sql :
       {"SELECT email_sealed FROM rights_requests", "SELECT params_sealed FROM rights_requests",
        "SELECT email_index FROM rights_requests"}) {
    ASSERT_OK_AND_ASSIGN(auto rows, tx.query(sql));
    ASSERT_OK_AND_ASSIGN(bool more, rows.next());
    ASSERT_TRUE(more);
    ASSERT_OK_AND_ASSIGN(auto blob, rows.get_blob(0));
    std::string raw(reinterpret_cast<const char*>(blob.data()), blob.size());
    EXPECT_FALSE(contains(raw, "sealed.person")) << sql;
    EXPECT_FALSE(contains(raw, "0601020304")) << sql;
    ASSERT_OK_AND_ASSIGN(more, rows.next());
  }
}

TEST_P(RightsTest, EveryTransitionIsAuditedAndAFailingAuditStoresNothing) {
  auto r = submit_verified(RightType::kRestriction, "aud@example.fr");
  ASSERT_EQ(audited_.size(), 3u);
  EXPECT_FALSE(audited_[0].from.has_value());
  EXPECT_EQ(audited_[0].to, State::kReceived);
  EXPECT_EQ(audited_[0].reason, "intake");
  EXPECT_EQ(audited_[1].to, State::kAwaitingVerification);
  EXPECT_EQ(audited_[2].to, State::kInProgress);
  EXPECT_EQ(audited_[2].reason, "code_verified");
  ASSERT_OK_AND_ASSIGN(auto hist, queue_->history(r.id));
  EXPECT_EQ(hist.size(), 3u);

  audit_fail_ = true;
  auto refused = rights_->refuse(r.id, kDpo, "excessive", "Fifth identical request");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, Errc::kUnavailable);
  ASSERT_OK_AND_ASSIGN(auto still, queue_->get(r.id));
  EXPECT_EQ(still.state, State::kInProgress);
  ASSERT_OK_AND_ASSIGN(hist, queue_->history(r.id));
  EXPECT_EQ(hist.size(), 3u);
  auto created = rights_->record(ask(RightType::kAccess, "x@example.fr"), kDpo);
  EXPECT_FALSE(created.ok());
  ASSERT_OK_AND_ASSIGN(auto all, queue_->list());
  EXPECT_EQ(all.size(), 1u);
}

TEST_P(RightsTest, IllegalTransitionsAreRefused) {
  auto r = submit_verified(RightType::kObjection, "ill@example.fr");
  ASSERT_OK(rights_->refuse(r.id, kDpo, "manifestly_unfounded", "Not a request"));
  auto again = rights_->fulfil(r.id, kDpo);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kFailedPrecondition);
  auto t = queue_->transition(r.id, State::kInProgress, Actor{Actor::Kind::kStaff, kDpo}, "reopen");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().code, Errc::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(auto rec, rights_->record(ask(RightType::kAccess, "r@example.fr"), kDpo));
  auto early = rights_->fulfil(rec.id, kDpo);
  ASSERT_FALSE(early.ok());
  EXPECT_EQ(early.error().code, Errc::kFailedPrecondition);
}

TEST_P(RightsTest, DpoRecordsTheRealReceiptDateAndExtendsWithinTheFirstMonth) {
  // Received by post on 31 January 2026: due 2 March (28 February is a Saturday).
  NewRequest n = ask(RightType::kAccess, "post@example.fr");
  n.channel = "email_dpo";
  n.received = *parse_date("2026-01-31");
  ASSERT_OK_AND_ASSIGN(auto r, rights_->record(n, kDpo));
  EXPECT_EQ(format_date(r.received), "2026-01-31");
  EXPECT_EQ(format_date(r.due), "2026-03-02");
  EXPECT_EQ(r.state, State::kReceived);
  ASSERT_OK_AND_ASSIGN(r, rights_->confirm_identity(r.id, kDpo, "ID card copy by post"));
  EXPECT_EQ(r.state, State::kInProgress);
  // Today is 2 March 2026: the last day of the first month, due soon.
  auto view = deadline_view(r, date_of(clock_.now()));
  EXPECT_EQ(view.status, DeadlineStatus::kDueSoon);
  auto noreason = rights_->extend(r.id, kDpo, "");
  ASSERT_FALSE(noreason.ok());
  EXPECT_EQ(noreason.error().code, Errc::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto ext, rights_->extend(r.id, kDpo, "Archives on paper to search"));
  EXPECT_EQ(ext.state, State::kExtended);
  ASSERT_TRUE(ext.extended_due.has_value());
  EXPECT_EQ(format_date(*ext.extended_due), "2026-04-30");
  const auto& mail = outbox_.emails.back();
  EXPECT_EQ(mail.kind, "extension");
  EXPECT_EQ(mail.to, "post@example.fr");
  EXPECT_TRUE(contains(mail.text, "Archives on paper to search"));
  EXPECT_TRUE(contains(mail.text, "2026-04-30"));
  EXPECT_TRUE(contains(mail.text, "https://www.cnil.fr/fr/plaintes/"));
  EXPECT_TRUE(contains(mail.text, "dpo@oxemis.com"));
  view = deadline_view(ext, date_of(clock_.now()));
  EXPECT_EQ(format_date(view.due), "2026-04-30");
  EXPECT_EQ(view.status, DeadlineStatus::kOnTime);
  // Extending twice is not allowed.
  EXPECT_FALSE(rights_->extend(r.id, kDpo, "again").ok());
}

TEST_P(RightsTest, NoExtensionAfterTheFirstMonthAndOverdueShown) {
  NewRequest n = ask(RightType::kAccess, "late@example.fr");
  n.channel = "email_dpo";
  n.received = *parse_date("2026-01-15");
  ASSERT_OK_AND_ASSIGN(auto r, rights_->record(n, kDpo));
  ASSERT_OK_AND_ASSIGN(r, rights_->confirm_identity(r.id, kDpo, "Known customer"));
  EXPECT_EQ(deadline_view(r, date_of(clock_.now())).status, DeadlineStatus::kOverdue);
  auto ext = rights_->extend(r.id, kDpo, "Too late");
  ASSERT_FALSE(ext.ok());
  EXPECT_EQ(ext.error().code, Errc::kFailedPrecondition);
  EXPECT_TRUE(contains(ext.error().message, "12(3)"));
  auto future = ask(RightType::kAccess, "f@example.fr");
  future.received = *parse_date("2026-04-01");
  EXPECT_FALSE(rights_->record(future, kDpo).ok());
}

TEST_P(RightsTest, RectificationIsAppliedAndRecipientsNotified) {
  std::string id = create("rect@example.fr", Relationship::kCustomer);
  auto r = submit_verified(RightType::kRectification, "rect@example.fr",
                           R"({"changes":{"last_name":"Martin-Durand"}})", "fr");
  ASSERT_EQ(r.subject_id, id);
  ASSERT_OK_AND_ASSIGN(auto out, rights_->fulfil(r.id, kDpo));
  EXPECT_EQ(out.request.state, State::kFulfilled);
  vault::ReadRequest rr;
  rr.subject_id = id;
  rr.fields = {"last_name"};
  ASSERT_OK_AND_ASSIGN(auto data, vault_->read(rr));
  ASSERT_EQ(data.values.size(), 1u);
  EXPECT_EQ(data.values[0].value, "Martin-Durand");
  ASSERT_EQ(outbox_.notices.size(), 1u);
  EXPECT_EQ(outbox_.notices[0].event, notify::Event::kRectification);
  EXPECT_EQ(outbox_.notices[0].subject_id, id);
  // The answer, in French, names the DPO and the CNIL.
  const auto& mail = outbox_.emails.back();
  EXPECT_EQ(mail.kind, "answer");
  EXPECT_EQ(mail.language, "fr");
  EXPECT_TRUE(contains(mail.text, "article 19"));
  EXPECT_TRUE(contains(mail.text, "dpo@oxemis.com"));
  EXPECT_TRUE(contains(mail.text, "https://www.cnil.fr/fr/plaintes/"));
  EXPECT_TRUE(contains(mail.text, "réclamation"));
}

TEST_P(RightsTest, ErasureErasesAndListsWhatIsKeptWithItsGround) {
  std::string id = create("erase@example.fr", Relationship::kProspect);
  auto r = submit_verified(RightType::kErasure, "erase@example.fr");
  ASSERT_EQ(r.subject_id, id);
  // While the request is open, retention treats it as a fact.
  ASSERT_OK_AND_ASSIGN(auto facts, retention_->erasure_facts(id));
  EXPECT_TRUE(facts.request_open);
  ASSERT_OK_AND_ASSIGN(auto out, rights_->fulfil(r.id, kDpo));
  EXPECT_TRUE(out.request.state == State::kFulfilled ||
              out.request.state == State::kPartiallyFulfilled);
  ASSERT_OK_AND_ASSIGN(auto info, vault_->subject(id));
  EXPECT_NE(info.status, vault::SubjectStatus::kActive);
  ASSERT_OK_AND_ASSIGN(auto data, vault_->export_subject(id));
  for (const auto& v : data.values) EXPECT_NE(v.category, "usage");
  EXPECT_TRUE(contains(out.answer, "We erased your data"));
  ASSERT_FALSE(outbox_.notices.empty());
  EXPECT_EQ(outbox_.notices.back().event, notify::Event::kErasure);
  ASSERT_OK_AND_ASSIGN(facts, retention_->erasure_facts(id));
  EXPECT_FALSE(facts.request_open);
}

TEST_P(RightsTest, ErasureUnderALegalHoldIsPartialWithArticle17_3e) {
  std::string id = create("held@example.fr", Relationship::kCustomer);
  ASSERT_OK(retention_->place_hold(id, kDpo, "Dispute over invoice 42"));
  auto r = submit_verified(RightType::kErasure, "held@example.fr");
  ASSERT_OK_AND_ASSIGN(auto out, rights_->fulfil(r.id, kDpo));
  EXPECT_EQ(out.request.state, State::kPartiallyFulfilled) << out.answer;
  EXPECT_TRUE(contains(out.answer, "17(3)(e)")) << out.answer;
}

TEST_P(RightsTest, RestrictionObjectionAndWithdrawalChangeDecisionsAtOnce) {
  std::string a = create("wd@example.fr", Relationship::kProspect);
  std::string b = create("obj@example.fr", Relationship::kProspect);
  std::string c = create("res@example.fr", Relationship::kProspect);
  for (const auto& id : {a, b, c}) {
    ASSERT_OK(ledger_->give(id, "prospecting", via("privacy_center")));
    ASSERT_OK_AND_ASSIGN(auto d, service_->decide(sales(), id, prospecting()));
    ASSERT_TRUE(d.allowed) << d.sentence;
  }
  auto wr = submit_verified(RightType::kWithdrawConsent, "wd@example.fr");
  ASSERT_OK(rights_->fulfil(wr.id, kDpo));
  ASSERT_OK_AND_ASSIGN(auto d, service_->decide(sales(), a, prospecting()));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reasons[0], access::reason::kConsentWithdrawn);

  auto ob =
      submit_verified(RightType::kObjection, "obj@example.fr", R"({"purposes":["prospecting"]})");
  ASSERT_OK(rights_->fulfil(ob.id, kDpo));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(sales(), b, prospecting()));
  EXPECT_FALSE(d.allowed);

  auto rs = submit_verified(RightType::kRestriction, "res@example.fr");
  ASSERT_OK(rights_->fulfil(rs.id, kDpo));
  ASSERT_OK_AND_ASSIGN(d, service_->decide(sales(), c, prospecting()));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reasons[0], access::reason::kSubjectRestricted);

  std::vector<notify::Event> events;
  for (const auto& n : outbox_.notices) events.push_back(n.event);
  EXPECT_EQ(events,
            (std::vector<notify::Event>{notify::Event::kConsentWithdrawn, notify::Event::kObjection,
                                        notify::Event::kRestriction}));
}

TEST_P(RightsTest, AccessAndPortabilityGiveTheArchiveLink) {
  std::string id = create("acc@example.fr", Relationship::kProspect);
  auto r = submit_verified(RightType::kPortability, "acc@example.fr");
  ASSERT_OK_AND_ASSIGN(auto out, rights_->fulfil(r.id, kDpo));
  ASSERT_EQ(archive_.made.size(), 1u);
  EXPECT_EQ(archive_.made[0].subject_id, id);
  EXPECT_TRUE(archive_.made[0].portability);
  EXPECT_EQ(archive_.made[0].request_id, r.id);
  EXPECT_EQ(out.archive_link, "/archives/tok_1");
  EXPECT_TRUE(contains(out.answer, "/archives/tok_1"));

  // Without an archive maker: a clear kUnavailable and nothing changes.
  make_service(&outbox_, nullptr);
  auto r2 = submit_verified(RightType::kAccess, "acc@example.fr");
  auto none = rights_->fulfil(r2.id, kDpo);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, Errc::kUnavailable);
  ASSERT_OK_AND_ASSIGN(auto still, queue_->get(r2.id));
  EXPECT_EQ(still.state, State::kInProgress);
}

TEST_P(RightsTest, WithoutOutboxIntakeIsUnavailable) {
  make_service(nullptr, nullptr);
  auto r = rights_->submit(ask(RightType::kAccess, "o@example.fr"), "c1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  ASSERT_OK_AND_ASSIGN(auto all, queue_->list());
  EXPECT_TRUE(all.empty());
}

TEST_P(RightsTest, RefusalGivesReasonsDpoAndCnil) {
  auto r = submit_verified(RightType::kAccess, "ref@example.fr");
  auto bad = rights_->refuse(r.id, kDpo, "because", "x");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(
      auto out, rights_->refuse(r.id, kDpo, "excessive", "Twelve identical requests this month"));
  EXPECT_EQ(out.request.state, State::kRefused);
  EXPECT_TRUE(contains(out.answer, "12(5)"));
  EXPECT_TRUE(contains(out.answer, "Twelve identical requests"));
  EXPECT_TRUE(contains(out.answer, "https://www.cnil.fr/fr/plaintes/"));
  ASSERT_OK_AND_ASSIGN(auto stored, queue_->get(r.id));
  EXPECT_EQ(stored.answer, out.answer);
}

TEST_P(RightsTest, HeirBringsProofTheDpoAccepts) {
  std::string id = create("late.person@example.fr", Relationship::kProspect);
  NewRequest n = ask(RightType::kPostMortem, "heir@example.fr");
  n.requester = Requester::kHeir;
  ASSERT_OK_AND_ASSIGN(auto r, rights_->submit(n, "c1"));
  EXPECT_EQ(r.proof, ProofState::kPending);
  ASSERT_OK_AND_ASSIGN(auto v, rights_->verify(r.id, outbox_.last_code("heir@example.fr")));
  // The address is verified, but the request waits for the proof.
  EXPECT_EQ(v.request.state, State::kAwaitingVerification);
  ASSERT_OK(
      rights_->upload_proof(r.id, "%PDF death certificate", Actor{Actor::Kind::kSubject, ""}));
  ASSERT_OK_AND_ASSIGN(auto doc, queue_->proof_document(r.id));
  EXPECT_EQ(doc, "%PDF death certificate");
  ASSERT_OK_AND_ASSIGN(auto acc, rights_->decide_proof(r.id, true, id, kDpo,
                                                       "Certificate and family record checked"));
  EXPECT_EQ(acc.state, State::kInProgress);
  EXPECT_EQ(acc.subject_id, id);
  EXPECT_EQ(acc.proof, ProofState::kAccepted);
  auto nonote = rights_->fulfil(r.id, kDpo);
  EXPECT_FALSE(nonote.ok());
  FulfilOptions fo;
  fo.note = "The directives were carried out: the account is closed.";
  ASSERT_OK_AND_ASSIGN(auto out, rights_->fulfil(r.id, kDpo, fo));
  EXPECT_EQ(out.request.state, State::kFulfilled);
  EXPECT_TRUE(contains(out.answer, "account is closed"));
}

TEST_P(RightsTest, ProofRefusedRefusesTheRequest) {
  NewRequest n = ask(RightType::kAccess, "agent@example.fr");
  n.requester = Requester::kAgent;
  ASSERT_OK_AND_ASSIGN(auto r, rights_->submit(n, "c1"));
  ASSERT_OK(rights_->upload_proof(r.id, "mandate.pdf bytes", Actor{Actor::Kind::kSubject, ""}));
  ASSERT_OK_AND_ASSIGN(auto ref,
                       rights_->decide_proof(r.id, false, "", kDpo, "The mandate is not signed"));
  EXPECT_EQ(ref.state, State::kRefused);
  EXPECT_EQ(ref.proof, ProofState::kRefused);
  EXPECT_TRUE(contains(outbox_.emails.back().text, "mandate is not signed"));
}

CHARTER_ACCESS_BACKENDS(RightsTest);

}  // namespace
}  // namespace charter::rights
