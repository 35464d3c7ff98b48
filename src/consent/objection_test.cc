// Objection (art. 21), restriction (art. 18) and GPC on both backends.
#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "consent/gpc.h"
#include "consent/objection.h"
#include "consent/restriction.h"
#include "consent/test_util.h"

namespace charter::consent {
namespace {

class Objection : public testing::ConsentFixture {};
CHARTER_CONSENT_BACKENDS(Objection);

TEST_P(Objection, AbsoluteForDirectMarketingCannotBeOverridden) {
  Objections obj(*ledger_);
  const auto s = subject(), dpo = staff();
  ASSERT_OK_AND_ASSIGN(auto e, obj.object(s, "prospecting", "privacy_center"));
  EXPECT_EQ(e.kind, ObjectionKind::kObjected);
  EXPECT_TRUE(is_valid_id(e.event_id, "obj"));
  ASSERT_OK_AND_ASSIGN(auto st, obj.state(s, "prospecting"));
  EXPECT_TRUE(st.objected);
  EXPECT_FALSE(st.overridden);
  EXPECT_EQ(st.since, clock_.now());
  auto r = obj.record_grounds(s, "prospecting", dpo, "We really want to send offers");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("absolute"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(auto st2, obj.state(s, "prospecting"));
  EXPECT_FALSE(st2.overridden);
}

TEST_P(Objection, OverridableWithTheDposGrounds) {
  Objections obj(*ledger_);
  const auto s = subject(), dpo = staff();
  // Grounds without an objection in force are refused.
  EXPECT_ERRC(obj.record_grounds(s, "statistics", dpo, "x"), Errc::kFailedPrecondition);
  ASSERT_OK(obj.object(s, "statistics", "email_dpo"));
  // Objecting again changes nothing and returns the objection in force.
  ASSERT_OK_AND_ASSIGN(auto again, obj.object(s, "statistics", "privacy_center"));
  EXPECT_EQ(again.channel, "email_dpo");
  EXPECT_ERRC(obj.record_grounds(s, "statistics", dpo, ""), Errc::kInvalidArgument);
  EXPECT_ERRC(obj.record_grounds(s, "statistics", "dpo@oxemis.com", "x"), Errc::kInvalidArgument);

  clock_.advance(std::chrono::hours(48));
  const std::string grounds = "Fraud investigation on the account: art. 21(1) compelling grounds";
  ASSERT_OK_AND_ASSIGN(auto g, obj.record_grounds(s, "statistics", dpo, grounds));
  EXPECT_EQ(g.kind, ObjectionKind::kOverridden);
  EXPECT_EQ(g.actor, dpo);
  EXPECT_EQ(g.at, clock_.now());
  ASSERT_OK_AND_ASSIGN(auto st, obj.state(s, "statistics"));
  EXPECT_TRUE(st.objected);
  EXPECT_TRUE(st.overridden);
  EXPECT_EQ(st.overridden_by, dpo);
  EXPECT_EQ(st.overridden_at, clock_.now());
  EXPECT_ERRC(obj.record_grounds(s, "statistics", dpo, grounds), Errc::kFailedPrecondition);

  // The grounds are sealed and readable by the ledger.
  ASSERT_OK_AND_ASSIGN(auto hist, obj.history(s));
  ASSERT_EQ(hist.size(), 2u);
  ASSERT_TRUE(hist[1].sealed_reason);
  ASSERT_OK_AND_ASSIGN(auto opened, obj.open_grounds(hist[1]));
  EXPECT_EQ(opened, grounds);
  EXPECT_ERRC(obj.open_grounds(hist[0]), Errc::kNotFound);

  // The subject lifts the objection; a new objection is not overridden.
  ASSERT_OK(obj.lift(s, "statistics", "privacy_center"));
  ASSERT_OK_AND_ASSIGN(auto lifted, obj.state(s, "statistics"));
  EXPECT_FALSE(lifted.objected);
  EXPECT_ERRC(obj.lift(s, "statistics", "privacy_center"), Errc::kFailedPrecondition);
  ASSERT_OK(obj.object(s, "statistics", "privacy_center"));
  ASSERT_OK_AND_ASSIGN(auto renewed, obj.state(s, "statistics"));
  EXPECT_TRUE(renewed.objected);
  EXPECT_FALSE(renewed.overridden);
  ASSERT_OK_AND_ASSIGN(auto all, obj.states(s));
  EXPECT_EQ(all.size(), 1u);
}

TEST_P(Objection, RefusedWhereObjectionDoesNotApply) {
  Objections obj(*ledger_);
  const auto s = subject();
  auto r = obj.object(s, "legal_obligations", "email_dpo");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  EXPECT_NE(r.error().message.find("cannot be objected to"), std::string::npos);
  EXPECT_NE(r.error().message.find("legal_obligation"), std::string::npos);
  EXPECT_ERRC(obj.object(s, "commercial_relationship", "email_dpo"), Errc::kInvalidArgument);
  auto c = obj.object(s, "audience_cookies", "email_dpo");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("withdraw consent instead"), std::string::npos);
  EXPECT_ERRC(obj.object(s, "unknown", "email_dpo"), Errc::kInvalidArgument);
  EXPECT_ERRC(obj.object(s, "statistics", "pigeon"), Errc::kInvalidArgument);
  EXPECT_EQ(count("consent_objections"), 0);
}

// Observers (webhooks) decide from Change::raised, never from a state read later: a consent given
// then withdrawn at once must announce one withdrawal, not two (a CI race under TSan).
TEST_P(Objection, ChangesSayWhetherTheyRaisedAWithdrawalObjectionOrRestriction) {
  open_ledger_recording_changes();
  Objections obj(*ledger_);
  Restrictions rs(*ledger_);
  const auto s = subject();
  ASSERT_OK(ledger_->give(s, "prospecting", via("privacy_center")));
  ASSERT_OK(ledger_->withdraw(s, "prospecting", via("privacy_center")));
  ASSERT_OK(obj.object(s, "statistics", "email_dpo"));
  ASSERT_OK(obj.lift(s, "statistics", "email_dpo"));
  ASSERT_OK(rs.place(s, RestrictionGround::kAccuracyContested, "email_dpo"));
  ASSERT_OK(rs.lift(s, "email_dpo"));
  std::lock_guard lock(changes_mu_);
  const auto& changes = changes_;
  using K = Change::Kind;
  const std::vector<std::pair<K, bool>> want = {{K::kConsent, false},    {K::kConsent, true},
                                                {K::kObjection, true},   {K::kObjection, false},
                                                {K::kRestriction, true}, {K::kRestriction, false}};
  ASSERT_EQ(changes.size(), want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(changes[i].kind, want[i].first) << i;
    EXPECT_EQ(changes[i].raised, want[i].second) << i;
    EXPECT_EQ(changes[i].subject_id, s) << i;
  }
}

TEST_P(Objection, RestrictionPlacedAndLifted) {
  Restrictions rs(*ledger_);
  const auto s = subject(), dpo = staff();
  ASSERT_OK_AND_ASSIGN(auto none, rs.state(s));
  EXPECT_FALSE(none.restricted);
  EXPECT_ERRC(rs.lift(s, "email_dpo"), Errc::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(auto p, rs.place(s, RestrictionGround::kAccuracyContested, "email_dpo", dpo,
                                        "Subject says the postal address is wrong"));
  EXPECT_EQ(p.kind, RestrictionKind::kPlaced);
  ASSERT_OK_AND_ASSIGN(auto st, rs.state(s));
  EXPECT_TRUE(st.restricted);
  EXPECT_EQ(st.ground, RestrictionGround::kAccuracyContested);
  EXPECT_EQ(st.since, clock_.now());
  EXPECT_ERRC(rs.place(s, RestrictionGround::kLegalClaims, "email_dpo"), Errc::kAlreadyExists);

  clock_.advance(std::chrono::hours(24 * 10));
  ASSERT_OK(rs.lift(s, "email_dpo", dpo, "Address verified and corrected"));
  ASSERT_OK_AND_ASSIGN(auto after, rs.state(s));
  EXPECT_FALSE(after.restricted);
  ASSERT_OK_AND_ASSIGN(auto hist, rs.history(s));
  ASSERT_EQ(hist.size(), 2u);
  ASSERT_OK_AND_ASSIGN(auto note, rs.open_note(hist[0]));
  EXPECT_EQ(note, std::optional<std::string>("Subject says the postal address is wrong"));
  EXPECT_ERRC(rs.place(s, RestrictionGround::kObjectionPending, "fax"), Errc::kInvalidArgument);
  EXPECT_ERRC(rs.place(s, RestrictionGround::kObjectionPending, "email_dpo", "someone"),
              Errc::kInvalidArgument);
}

TEST_P(Objection, GpcWithdrawsProspectingOnly) {
  Objections obj(*ledger_);
  const auto s = subject();
  ASSERT_OK(ledger_->give(s, "prospecting", via("privacy_center")));
  ASSERT_OK(ledger_->give(s, "audience_cookies", via("privacy_center")));
  Evidence ev;
  ev.ip = "198.51.100.9";
  ASSERT_OK_AND_ASSIGN(auto out, apply_gpc(*ledger_, s, ev));
  EXPECT_TRUE(out.signal_recorded);
  EXPECT_EQ(out.withdrawn, std::vector<std::string>{"prospecting"});
  EXPECT_TRUE(out.objected.empty());
  ASSERT_OK_AND_ASSIGN(auto p, ledger_->state(s, "prospecting"));
  EXPECT_EQ(p.status, ConsentStatus::kWithdrawn);
  EXPECT_TRUE(p.gpc);
  ASSERT_OK_AND_ASSIGN(auto c, ledger_->state(s, "audience_cookies"));
  EXPECT_EQ(c.status, ConsentStatus::kGiven);  // not sale or sharing: untouched
  ASSERT_OK_AND_ASSIGN(auto hist, ledger_->history(s, "prospecting"));
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[1].channel, "privacy_center");
  ASSERT_OK_AND_ASSIGN(auto ev2, ledger_->open_evidence(hist[1]));
  EXPECT_EQ(ev2.ip, std::optional<std::string>("198.51.100.9"));

  // Repeated requests with the header write nothing more.
  ASSERT_OK_AND_ASSIGN(auto again, apply_gpc(*ledger_, s));
  EXPECT_FALSE(again.signal_recorded);
  EXPECT_TRUE(again.withdrawn.empty());
  ASSERT_OK_AND_ASSIGN(auto signals, gpc_signals(*ledger_, s));
  EXPECT_EQ(signals.size(), 1u);

  // A consent given afterwards in a request carrying Sec-GPC: 1 is a specific opt-in: kept.
  Evidence specific = via("privacy_center");
  specific.gpc = true;
  ASSERT_OK(ledger_->give(s, "prospecting", specific));
  ASSERT_OK_AND_ASSIGN(auto third, apply_gpc(*ledger_, s));
  EXPECT_TRUE(third.withdrawn.empty());
  EXPECT_EQ(third.kept_specific, std::vector<std::string>{"prospecting"});
  ASSERT_OK_AND_ASSIGN(auto kept, ledger_->state(s, "prospecting"));
  EXPECT_EQ(kept.status, ConsentStatus::kGiven);
  // No objection is recorded for prospecting: it rests on consent.
  ASSERT_OK_AND_ASSIGN(auto o, obj.state(s, "prospecting"));
  EXPECT_FALSE(o.objected);
}

TEST_P(Objection, GpcWithoutConsentRecordsTheSignalOnce) {
  const auto s = subject();
  ASSERT_OK_AND_ASSIGN(auto out, apply_gpc(*ledger_, s));
  EXPECT_TRUE(out.signal_recorded);
  EXPECT_TRUE(out.withdrawn.empty());
  ASSERT_OK_AND_ASSIGN(auto out2, apply_gpc(*ledger_, s));
  EXPECT_FALSE(out2.signal_recorded);
  EXPECT_ERRC(apply_gpc(*ledger_, s, via("api")), Errc::kInvalidArgument);
  EXPECT_ERRC(apply_gpc(*ledger_, "sub_x"), Errc::kInvalidArgument);
  EXPECT_TRUE(gpc_header_set({"1"}));
  EXPECT_TRUE(gpc_header_set({"0", "1"}));
  EXPECT_FALSE(gpc_header_set({"1 "}));
  EXPECT_FALSE(gpc_header_set({"true"}));
  EXPECT_FALSE(gpc_header_set({}));
}

TEST(GpcPolicy, AppliesToDirectMarketingOnly) {
  auto policy = testing::test_policy();
  std::vector<std::string> applies;
  for (const auto& p : policy->purposes)
    if (gpc_applies(p)) applies.push_back(p.id);
  EXPECT_EQ(applies, std::vector<std::string>{"prospecting"});
}

TEST(GpcPolicy, ObjectsToNonConsentDirectMarketing) {
  // A policy where direct marketing rests on legitimate interest (soft opt-in): GPC objects.
  auto yaml = testing::test_policy_yaml();
  auto at = yaml.find(
      "    basis: consent\n    subjects: [customer, prospect]\n    categories: "
      "[contact]\n    recipients: [sales]");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, std::string("    basis: consent").size(), "    basis: legitimate_interest");
  auto c0 = yaml.find("    consent:\n      withdrawal_channels: [one_click_unsubscribe");
  ASSERT_NE(c0, std::string::npos);
  auto c1 = yaml.find("    objection: absolute", c0);
  yaml.erase(c0, c1 - c0);
  auto loaded = policy::load_policy_text(yaml, "soft-opt-in.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.error().to_string();
  auto policy = std::make_shared<const policy::Policy>(std::move(loaded).value());

  auto ts = store::TestStore::make(store::Backend::kSqlite);
  ASSERT_TRUE(ts.ok());
  ManualClock clock(testing::at("2025-01-01T00:00:00Z"));
  SeededRandom random(1);
  crypto::KeyRing ring;
  ASSERT_OK(ring.add(*crypto::MasterKey::generate(1, random)));
  ASSERT_OK_AND_ASSIGN(auto ledger,
                       ConsentLedger::open((*ts)->store(), policy, clock, random, ring));
  SeededRandom ids(2);
  const auto s = new_id(ids, "sub");
  ASSERT_OK_AND_ASSIGN(auto out, apply_gpc(*ledger, s));
  EXPECT_EQ(out.objected, std::vector<std::string>{"prospecting"});
  Objections obj(*ledger);
  ASSERT_OK_AND_ASSIGN(auto st, obj.state(s, "prospecting"));
  EXPECT_TRUE(st.objected);
  ASSERT_OK_AND_ASSIGN(auto again, apply_gpc(*ledger, s));
  EXPECT_TRUE(again.objected.empty());
}

}  // namespace
}  // namespace charter::consent
