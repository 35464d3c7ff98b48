// The consent ledger on both backends: events, derived state across an injected clock,
// evidence, refusals, expiry events, erasure.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "consent/ledger.h"
#include "consent/schema.h"
#include "consent/test_util.h"
#include "crypto/hash.h"
#include "policy/window.h"

namespace charter::consent {
namespace {

using testing::at;

class Ledger : public testing::ConsentFixture {};
CHARTER_CONSENT_BACKENDS(Ledger);

TEST_P(Ledger, GiveRecordsEvidence) {
  const auto s = subject();
  Evidence ev = via("privacy_center", "en");
  ev.ip = "203.0.113.7";
  ev.user_agent = "Mozilla/5.0 (X11; Linux x86_64)";
  ASSERT_OK_AND_ASSIGN(auto e, ledger_->give(s, "prospecting", ev));
  EXPECT_TRUE(is_valid_id(e.event_id, "cev"));
  EXPECT_EQ(e.kind, EventKind::kGiven);
  EXPECT_EQ(e.at, clock_.now());
  EXPECT_EQ(e.channel, "privacy_center");
  EXPECT_EQ(e.language, "en");
  EXPECT_EQ(e.policy_version, testing::test_policy()->version);
  EXPECT_FALSE(e.expires_at);  // prospecting has no consent expiry
  const auto& notice = testing::test_policy()->find_purpose("prospecting")->consent->notice;
  auto digest = crypto::sha256(crypto::as_bytes(notice.in("en")));
  ASSERT_TRUE(e.notice_sha256);
  EXPECT_EQ(*e.notice_sha256, Bytes(digest.begin(), digest.end()));

  ASSERT_OK_AND_ASSIGN(auto stored, ledger_->event(s, e.event_id));
  EXPECT_EQ(stored.seq, e.seq);
  EXPECT_EQ(stored.notice_sha256, e.notice_sha256);
  EXPECT_EQ(stored.policy_version, e.policy_version);
  ASSERT_TRUE(stored.sealed_evidence);
  ASSERT_OK_AND_ASSIGN(auto opened, ledger_->open_evidence(stored));
  EXPECT_EQ(opened.ip, std::optional<std::string>("203.0.113.7"));
  EXPECT_EQ(opened.user_agent, std::optional<std::string>("Mozilla/5.0 (X11; Linux x86_64)"));

  // Sealed evidence is bound to its subject and event: moved to another event it fails.
  auto moved = stored;
  moved.event_id = "cev_00000000000000000000000000";
  EXPECT_ERRC(ledger_->open_evidence(moved), Errc::kIntegrity);
  auto other = stored;
  other.subject_id = subject();
  EXPECT_ERRC(ledger_->open_evidence(other), Errc::kIntegrity);
  // An IP alone is kept as such; no evidence, none stored.
  Evidence ip_only = via("privacy_center");
  ip_only.ip = "2001:db8::1";
  ASSERT_OK_AND_ASSIGN(auto e2, ledger_->give(s, "prospecting", ip_only));
  ASSERT_OK_AND_ASSIGN(auto o2, ledger_->open_evidence(e2));
  EXPECT_EQ(o2.ip, std::optional<std::string>("2001:db8::1"));
  EXPECT_FALSE(o2.user_agent);
  ASSERT_OK_AND_ASSIGN(auto e3, ledger_->give(s, "prospecting", via("api")));
  EXPECT_FALSE(e3.sealed_evidence);

  // The French notice has another hash.
  ASSERT_OK_AND_ASSIGN(auto fr, ledger_->give(s, "prospecting", via("privacy_center")));
  EXPECT_EQ(fr.language, "fr");
  EXPECT_NE(fr.notice_sha256, e.notice_sha256);
}

TEST_P(Ledger, StateFollowsTheLatestEventAndHistoryIsKept) {
  const auto s = subject();
  ASSERT_OK_AND_ASSIGN(auto none, ledger_->state(s, "prospecting"));
  EXPECT_EQ(none.status, ConsentStatus::kNone);

  ASSERT_OK_AND_ASSIGN(auto g1, ledger_->give(s, "prospecting", via("api")));
  ASSERT_OK_AND_ASSIGN(auto st1, ledger_->state(s, "prospecting"));
  EXPECT_EQ(st1.status, ConsentStatus::kGiven);
  EXPECT_EQ(st1.event_id, g1.event_id);

  // Same instant on the clock: the order still holds (seq).
  ASSERT_OK_AND_ASSIGN(auto w, ledger_->withdraw(s, "prospecting", via("email_dpo")));
  ASSERT_OK_AND_ASSIGN(auto st2, ledger_->state(s, "prospecting"));
  EXPECT_EQ(st2.status, ConsentStatus::kWithdrawn);
  EXPECT_EQ(st2.at, w.at);
  EXPECT_GT(w.seq, g1.seq);

  // Re-consent after withdrawal, a year later.
  clock_.advance(std::chrono::hours(24 * 365));
  ASSERT_OK_AND_ASSIGN(auto g2, ledger_->give(s, "prospecting", via("privacy_center")));
  ASSERT_OK_AND_ASSIGN(auto st3, ledger_->state(s, "prospecting"));
  EXPECT_EQ(st3.status, ConsentStatus::kGiven);
  EXPECT_EQ(st3.at, g2.at);

  ASSERT_OK_AND_ASSIGN(auto hist, ledger_->history(s, "prospecting"));
  ASSERT_EQ(hist.size(), 3u);
  EXPECT_EQ(hist[0].event_id, g1.event_id);
  EXPECT_EQ(hist[1].event_id, w.event_id);
  EXPECT_EQ(hist[2].event_id, g2.event_id);
  // The first event is unchanged by what followed (append-only).
  EXPECT_EQ(hist[0].kind, EventKind::kGiven);
  EXPECT_EQ(hist[0].at, g1.at);
  EXPECT_EQ(hist[0].channel, "api");

  // Another subject's ledger is separate.
  ASSERT_OK_AND_ASSIGN(auto other, ledger_->state(subject(), "prospecting"));
  EXPECT_EQ(other.status, ConsentStatus::kNone);
  ASSERT_OK_AND_ASSIGN(auto all, ledger_->states(s));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all["prospecting"].status, ConsentStatus::kGiven);
}

TEST_P(Ledger, CookieConsentExpiresAfterThirteenMonths) {
  const auto s = subject();
  clock_.set(at("2025-01-31T12:00:00Z"));
  ASSERT_OK_AND_ASSIGN(auto g, ledger_->give(s, "audience_cookies", via("privacy_center")));
  ASSERT_TRUE(g.expires_at);
  // 31 January 2025 + 13 months = 28 February 2026 (clamped), same time of day.
  EXPECT_EQ(*g.expires_at, at("2026-02-28T12:00:00Z"));

  clock_.set(at("2026-02-28T11:59:59Z"));
  ASSERT_OK_AND_ASSIGN(auto before, ledger_->state(s, "audience_cookies"));
  EXPECT_EQ(before.status, ConsentStatus::kGiven);
  EXPECT_EQ(before.expires_at, g.expires_at);

  clock_.set(at("2026-02-28T12:00:00Z"));
  ASSERT_OK_AND_ASSIGN(auto after, ledger_->state(s, "audience_cookies"));
  EXPECT_EQ(after.status, ConsentStatus::kExpired);
  EXPECT_EQ(after.at, g.expires_at);

  // The expiry sweep writes the event once; the state stays expired.
  ASSERT_OK_AND_ASSIGN(int n, ledger_->record_expiries());
  EXPECT_EQ(n, 1);
  ASSERT_OK_AND_ASSIGN(int again, ledger_->record_expiries());
  EXPECT_EQ(again, 0);
  ASSERT_OK_AND_ASSIGN(auto hist, ledger_->history(s));
  ASSERT_EQ(hist.size(), 2u);
  EXPECT_EQ(hist[1].kind, EventKind::kExpired);
  EXPECT_EQ(hist[1].channel, "expiry");
  EXPECT_EQ(hist[1].expires_at, g.expires_at);
  ASSERT_OK_AND_ASSIGN(auto st, ledger_->state(s, "audience_cookies"));
  EXPECT_EQ(st.status, ConsentStatus::kExpired);
  EXPECT_EQ(st.at, g.expires_at);

  // Renewed consent starts a new 13 months.
  clock_.set(at("2026-06-01T08:00:00Z"));
  ASSERT_OK_AND_ASSIGN(auto renewed, ledger_->give(s, "audience_cookies", via("privacy_center")));
  EXPECT_EQ(*renewed.expires_at, at("2027-07-01T08:00:00Z"));
  ASSERT_OK_AND_ASSIGN(auto st2, ledger_->state(s, "audience_cookies"));
  EXPECT_EQ(st2.status, ConsentStatus::kGiven);
}

TEST_P(Ledger, ExpirySweepSkipsWithdrawnAndRenewedConsents) {
  const auto a = subject(), b = subject(), c = subject();
  clock_.set(at("2025-01-01T00:00:00Z"));
  ASSERT_OK(ledger_->give(a, "audience_cookies", via("privacy_center")));
  ASSERT_OK(ledger_->give(b, "audience_cookies", via("privacy_center")));
  ASSERT_OK(ledger_->give(c, "audience_cookies", via("privacy_center")));
  clock_.set(at("2025-06-01T00:00:00Z"));
  ASSERT_OK(ledger_->withdraw(b, "audience_cookies", via("email_dpo")));
  ASSERT_OK(ledger_->give(c, "audience_cookies", via("privacy_center")));  // renewed
  clock_.set(at("2026-03-01T00:00:00Z"));
  // Limit 1: the sweep resumes where it stopped.
  ASSERT_OK_AND_ASSIGN(int n1, ledger_->record_expiries(1));
  ASSERT_OK_AND_ASSIGN(int n2, ledger_->record_expiries(1));
  ASSERT_OK_AND_ASSIGN(int n3, ledger_->record_expiries(1));
  EXPECT_EQ(n1 + n2 + n3, 1);  // only a's consent expired and was still the latest
  ASSERT_OK_AND_ASSIGN(auto sa, ledger_->state(a, "audience_cookies"));
  ASSERT_OK_AND_ASSIGN(auto sb, ledger_->state(b, "audience_cookies"));
  ASSERT_OK_AND_ASSIGN(auto sc, ledger_->state(c, "audience_cookies"));
  EXPECT_EQ(sa.status, ConsentStatus::kExpired);
  EXPECT_EQ(sb.status, ConsentStatus::kWithdrawn);
  EXPECT_EQ(sc.status, ConsentStatus::kGiven);
  clock_.set(at("2026-08-01T00:00:00Z"));
  ASSERT_OK_AND_ASSIGN(int n4, ledger_->record_expiries());
  EXPECT_EQ(n4, 1);  // c's renewed consent now
}

TEST_P(Ledger, RefusalsAreClearAndWriteNothing) {
  const auto s = subject();
  // Not a consent purpose.
  auto r1 = ledger_->give(s, "statistics", via("privacy_center"));
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.error().code, Errc::kInvalidArgument);
  EXPECT_NE(r1.error().message.find("does not rest on consent"), std::string::npos)
      << r1.error().message;
  EXPECT_NE(r1.error().message.find("object"), std::string::npos);
  EXPECT_ERRC(ledger_->give(s, "commercial_relationship", via("api")), Errc::kInvalidArgument);
  // Unknown purpose, channel, language.
  auto r2 = ledger_->give(s, "resale", via("privacy_center"));
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.error().message.find("unknown purpose 'resale'"), std::string::npos);
  auto r3 = ledger_->give(s, "prospecting", via("fax"));
  ASSERT_FALSE(r3.ok());
  EXPECT_EQ(r3.error().code, Errc::kInvalidArgument);
  EXPECT_NE(r3.error().message.find("unknown channel 'fax'"), std::string::npos);
  EXPECT_ERRC(ledger_->give(s, "prospecting", via("privacy_center", "de")), Errc::kInvalidArgument);
  // Withdrawal through a channel the policy does not allow for it.
  auto r4 = ledger_->withdraw(s, "prospecting", via("api"));
  ASSERT_FALSE(r4.ok());
  EXPECT_EQ(r4.error().code, Errc::kInvalidArgument);
  EXPECT_NE(r4.error().message.find("not a withdrawal channel"), std::string::npos);
  EXPECT_NE(r4.error().message.find("one_click_unsubscribe, privacy_center, email_dpo"),
            std::string::npos);
  EXPECT_ERRC(ledger_->withdraw(s, "audience_cookies", via("one_click_unsubscribe")),
              Errc::kInvalidArgument);
  // One-click only withdraws.
  EXPECT_ERRC(ledger_->give(s, "prospecting", via("one_click_unsubscribe")),
              Errc::kInvalidArgument);
  // Bad subject ids; the message does not repeat them.
  auto r5 = ledger_->give("jane.doe@example.com", "prospecting", via("privacy_center"));
  ASSERT_FALSE(r5.ok());
  EXPECT_EQ(r5.error().message.find("jane"), std::string::npos);
  EXPECT_ERRC(ledger_->state("stf_00000000000000000000000000", "prospecting"),
              Errc::kInvalidArgument);
  // Over-long evidence.
  Evidence big = via("privacy_center");
  big.user_agent = std::string(2000, 'x');
  EXPECT_ERRC(ledger_->give(s, "prospecting", big), Errc::kInvalidArgument);
  EXPECT_EQ(count("consent_events"), 0);
}

TEST_P(Ledger, TheDatabaseRefusesToRewriteHistory) {
  const auto s = subject();
  ASSERT_OK_AND_ASSIGN(auto g, ledger_->give(s, "prospecting", via("privacy_center")));
  for (const char* sql : {"UPDATE consent_events SET kind = 'withdrawn'",
                          "UPDATE consent_events SET at = 0 WHERE subject_id = ?"}) {
    ASSERT_OK_AND_ASSIGN(auto tx, ts_->store().write());
    auto r = std::string(sql).find('?') == std::string::npos ? tx.exec(sql) : tx.exec(sql, {s});
    EXPECT_FALSE(r.ok()) << sql;
  }
  ASSERT_OK_AND_ASSIGN(auto st, ledger_->state(s, "prospecting"));
  EXPECT_EQ(st.status, ConsentStatus::kGiven);
  EXPECT_EQ(st.at, g.at);
  // Erasure (DELETE) stays possible.
  ASSERT_OK(ledger_->erase_subject(s));
}

TEST_P(Ledger, SealedEvidenceIsNotInClearInTheDatabase) {
  if (GetParam() != store::Backend::kSqlite) GTEST_SKIP() << "file scan: SQLite only";
  const std::string ip = "198.51.100.201";
  const std::string ua = "MarkerAgent/9.9 (evidence-scan)";
  for (int i = 0; i < 20; ++i) {
    Evidence ev = via("privacy_center");
    ev.ip = ip;
    ev.user_agent = ua;
    ASSERT_OK(ledger_->give(subject(), "prospecting", ev));
  }
  auto scan = [&](const std::string& needle) {
    int found = 0;
    for (const auto& entry : std::filesystem::directory_iterator(ts_->target())) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (bytes.find(needle) != std::string::npos) ++found;
    }
    return found;
  };
  EXPECT_EQ(scan(ip), 0);
  EXPECT_EQ(scan(ua), 0);
  ASSERT_OK(ts_->store().checkpoint());
  EXPECT_EQ(scan(ip), 0);
  EXPECT_EQ(scan(ua), 0);
  // The scan does find what is stored in clear (the channel id), so it works.
  EXPECT_GT(scan("privacy_center"), 0);
}

TEST_P(Ledger, EventsSurviveReopenAndOrderResumes) {
  const auto s = subject();
  ASSERT_OK_AND_ASSIGN(auto g, ledger_->give(s, "prospecting", via("privacy_center")));
  reopen();
  if (HasFatalFailure()) return;
  // The clock has not moved: the sequence resumes after the stored one.
  ASSERT_OK_AND_ASSIGN(auto w, ledger_->withdraw(s, "prospecting", via("privacy_center")));
  EXPECT_GT(w.seq, g.seq);
  ASSERT_OK_AND_ASSIGN(auto st, ledger_->state(s, "prospecting"));
  EXPECT_EQ(st.status, ConsentStatus::kWithdrawn);
}

TEST_P(Ledger, EraseDeletesEveryRowOfTheSubjectOnly) {
  const auto s = subject(), keep = subject();
  Evidence ev = via("privacy_center");
  ev.ip = "192.0.2.1";
  ASSERT_OK(ledger_->give(s, "prospecting", ev));
  ASSERT_OK(ledger_->withdraw(s, "prospecting", via("email_dpo")));
  ASSERT_OK(ledger_->give(keep, "prospecting", ev));
  ASSERT_OK(ledger_->erase_subject(s));
  ASSERT_OK_AND_ASSIGN(auto hist, ledger_->history(s));
  EXPECT_TRUE(hist.empty());
  ASSERT_OK_AND_ASSIGN(auto kept, ledger_->history(keep));
  EXPECT_EQ(kept.size(), 1u);
  EXPECT_EQ(count("consent_erased"), 1);
  std::vector<std::string_view> tables(kSubjectTables.begin(), kSubjectTables.end());
  ASSERT_OK(ts_->store().scrub(tables));
}

TEST_P(Ledger, ScanStatesGivesTheLatestPerSubjectAndPurpose) {
  const auto a = subject(), b = subject();
  ASSERT_OK(ledger_->give(a, "prospecting", via("privacy_center")));
  ASSERT_OK(ledger_->withdraw(a, "prospecting", via("privacy_center")));
  ASSERT_OK(ledger_->give(a, "audience_cookies", via("privacy_center")));
  ASSERT_OK(ledger_->give(b, "prospecting", via("api")));
  std::map<std::pair<std::string, std::string>, ConsentStatus> seen;
  ASSERT_OK(
      ledger_->scan_states([&](const std::string& s, const std::string& p, const ConsentState& st) {
        seen[{s, p}] = st.status;
      }));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ((seen[{a, "prospecting"}]), ConsentStatus::kWithdrawn);
  EXPECT_EQ((seen[{a, "audience_cookies"}]), ConsentStatus::kGiven);
  EXPECT_EQ((seen[{b, "prospecting"}]), ConsentStatus::kGiven);
}

TEST_P(Ledger, ObserverHearsCommittedChanges) {
  open_ledger_recording_changes();
  const auto s = subject();
  ASSERT_OK(ledger_->give(s, "prospecting", via("privacy_center")));
  EXPECT_ERRC(ledger_->give(s, "statistics", via("privacy_center")), Errc::kInvalidArgument);
  std::lock_guard lock(changes_mu_);
  const auto& changes = changes_;
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, Change::Kind::kConsent);
  EXPECT_EQ(changes[0].subject_id, s);
  EXPECT_EQ(changes[0].purpose, "prospecting");
}

TEST(DeriveState, FromTheLatestEvent) {
  auto now = at("2025-06-01T00:00:00Z");
  EXPECT_EQ(derive_consent_state(nullptr, now).status, ConsentStatus::kNone);
  ConsentEvent e;
  e.kind = EventKind::kGiven;
  e.at = at("2025-01-01T00:00:00Z");
  e.expires_at = at("2025-06-01T00:00:00Z");
  EXPECT_EQ(derive_consent_state(&e, now).status, ConsentStatus::kExpired);
  EXPECT_EQ(derive_consent_state(&e, now - Micros(1)).status, ConsentStatus::kGiven);
  e.kind = EventKind::kWithdrawn;
  EXPECT_EQ(derive_consent_state(&e, now).status, ConsentStatus::kWithdrawn);
  e.kind = EventKind::kExpired;
  auto st = derive_consent_state(&e, now);
  EXPECT_EQ(st.status, ConsentStatus::kExpired);
  EXPECT_EQ(st.at, e.expires_at);
}

}  // namespace
}  // namespace charter::consent
