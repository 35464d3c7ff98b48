// One-click unsubscribe (RFC 8058): link shape, one-step withdrawal, replay, forgery, expiry,
// tokens made for another use.
#include <gtest/gtest.h>

#include "consent/test_util.h"
#include "consent/unsubscribe.h"
#include "crypto/token.h"

namespace charter::consent {
namespace {

using testing::at;

class Unsubscribe : public testing::ConsentFixture {
 protected:
  OneClickUnsubscribe make(policy::Duration validity = {0, 2, 0}) {
    UnsubscribeOptions options;
    options.base_url = "https://privacy.oxemis.com/unsubscribe";
    options.validity = validity;
    auto u = OneClickUnsubscribe::make(*ledger_, options);
    if (!u.ok()) throw std::runtime_error(u.error().to_string());
    return std::move(u).value();
  }
  static std::string token_of(const UnsubscribeLink& link) {
    auto at = link.url.find("token=");
    return link.url.substr(at + 6);
  }
};
CHARTER_CONSENT_BACKENDS(Unsubscribe);

TEST_P(Unsubscribe, LinkHeadersAndOneStepWithdrawal) {
  auto u = make();
  const auto s = subject();
  ASSERT_OK(ledger_->give(s, "prospecting", via("privacy_center")));
  ASSERT_OK_AND_ASSIGN(auto link, u.link(s, "prospecting"));
  EXPECT_EQ(link.url.rfind("https://privacy.oxemis.com/unsubscribe?token=", 0), 0u) << link.url;
  EXPECT_EQ(link.list_unsubscribe, "<" + link.url + ">");
  EXPECT_EQ(link.list_unsubscribe_post, "List-Unsubscribe=One-Click");
  EXPECT_EQ(link.expires, at("2025-05-01T10:00:00Z"));
  // Neither the subject id (nor any part of it) nor the purpose appear in the URL.
  EXPECT_EQ(link.url.find(s), std::string::npos);
  EXPECT_EQ(link.url.find(s.substr(4, 10)), std::string::npos);
  EXPECT_EQ(link.url.find("prospecting"), std::string::npos);
  // Two links for the same subject and purpose differ (fresh token id and nonce).
  ASSERT_OK_AND_ASSIGN(auto link2, u.link(s, "prospecting"));
  EXPECT_NE(link.url, link2.url);

  clock_.advance(std::chrono::hours(24 * 20));
  ASSERT_OK_AND_ASSIGN(auto e, u.unsubscribe(token_of(link)));
  EXPECT_EQ(e.kind, EventKind::kWithdrawn);
  EXPECT_EQ(e.channel, "one_click_unsubscribe");
  EXPECT_EQ(e.subject_id, s);
  EXPECT_EQ(e.purpose, "prospecting");
  ASSERT_OK_AND_ASSIGN(auto st, ledger_->state(s, "prospecting"));
  EXPECT_EQ(st.status, ConsentStatus::kWithdrawn);

  // Replay of the same link is refused and writes nothing.
  auto replay = u.unsubscribe(token_of(link));
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, Errc::kAlreadyExists);
  EXPECT_EQ(count("consent_events"), 2);
  // Another link of the same subject still works.
  ASSERT_OK(u.unsubscribe(token_of(link2)));
}

TEST_P(Unsubscribe, ForgedAlteredOrExpiredTokensAreRefused) {
  auto u = make();
  const auto s = subject();
  ASSERT_OK_AND_ASSIGN(auto link, u.link(s, "prospecting"));
  std::string token = token_of(link);

  // Each character changed in turn (sampled): refused, never a crash, never a write.
  for (std::size_t i = 0; i < token.size(); i += 7) {
    std::string bad = token;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    auto r = u.unsubscribe(bad);
    ASSERT_FALSE(r.ok()) << "position " << i;
    EXPECT_EQ(r.error().code, Errc::kUnauthenticated);
    EXPECT_EQ(r.error().message.find(token), std::string::npos);
  }
  EXPECT_ERRC(u.unsubscribe(""), Errc::kUnauthenticated);
  EXPECT_ERRC(u.unsubscribe("not.a.token"), Errc::kUnauthenticated);
  EXPECT_ERRC(u.unsubscribe(token.substr(0, token.size() - 1)), Errc::kUnauthenticated);

  // A token signed with another key (another deployment's ledger) is refused.
  {
    crypto::KeyRing other_ring;
    SeededRandom r(99);
    ASSERT_OK(other_ring.add(*crypto::MasterKey::generate(1, r)));
    auto other_store = store::TestStore::make(store::Backend::kSqlite);
    ASSERT_TRUE(other_store.ok());
    SeededRandom r2(100);
    auto other = ConsentLedger::open((*other_store)->store(), testing::test_policy(), clock_, r2,
                                     other_ring);
    ASSERT_TRUE(other.ok());
    UnsubscribeOptions o;
    o.base_url = "https://privacy.oxemis.com/unsubscribe";
    auto ou = OneClickUnsubscribe::make(**other, o);
    ASSERT_TRUE(ou.ok());
    ASSERT_OK_AND_ASSIGN(auto foreign, ou->link(s, "prospecting"));
    EXPECT_ERRC(u.unsubscribe(token_of(foreign)), Errc::kUnauthenticated);
  }

  // Expired: after the validity, refused with "token expired".
  clock_.set(link.expires);
  auto expired = u.unsubscribe(token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, Errc::kUnauthenticated);
  EXPECT_NE(expired.error().message.find("expired"), std::string::npos);
  EXPECT_EQ(count("consent_events"), 0);
}

TEST_P(Unsubscribe, TokensForAnotherUseOrPurposeAreRefused) {
  auto u = make();
  const auto s = subject();
  // A token with the ledger's MAC key but made for another use ("verify-email").
  auto other_use = crypto::make_token(ledger_->core().keys().token_mac, "verify-email", "payload",
                                      clock_.now() + std::chrono::hours(1));
  EXPECT_ERRC(u.unsubscribe(other_use), Errc::kUnauthenticated);
  // A correctly signed unsubscribe token whose payload was not sealed by the ledger.
  auto unsealed = crypto::make_token(ledger_->core().keys().token_mac, "unsubscribe", "c3ViX2FhYQ",
                                     clock_.now() + std::chrono::hours(1));
  EXPECT_ERRC(u.unsubscribe(unsealed), Errc::kUnauthenticated);

  // Links exist only for consent purposes that the policy lets withdraw in one click.
  EXPECT_ERRC(u.link(s, "statistics"), Errc::kInvalidArgument);
  EXPECT_ERRC(u.link(s, "audience_cookies"), Errc::kInvalidArgument);
  EXPECT_ERRC(u.link(s, "nope"), Errc::kInvalidArgument);
  EXPECT_ERRC(u.link("sub_bad", "prospecting"), Errc::kInvalidArgument);

  // A link withdraws only its own purpose.
  ASSERT_OK(ledger_->give(s, "audience_cookies", via("privacy_center")));
  ASSERT_OK_AND_ASSIGN(auto link, u.link(s, "prospecting"));
  ASSERT_OK(u.unsubscribe(token_of(link)));
  ASSERT_OK_AND_ASSIGN(auto cookies, ledger_->state(s, "audience_cookies"));
  EXPECT_EQ(cookies.status, ConsentStatus::kGiven);
}

TEST_P(Unsubscribe, ErasedSubjectCannotBeWrittenAgain) {
  auto u = make();
  const auto s = subject();
  ASSERT_OK(ledger_->give(s, "prospecting", via("privacy_center")));
  ASSERT_OK_AND_ASSIGN(auto link, u.link(s, "prospecting"));
  ASSERT_OK(ledger_->erase_subject(s));
  EXPECT_ERRC(u.unsubscribe(token_of(link)), Errc::kNotFound);
  EXPECT_EQ(count("consent_events"), 0);
}

TEST_P(Unsubscribe, BaseUrlMustBeHttps) {
  UnsubscribeOptions o;
  for (const char* bad : {"http://privacy.oxemis.com/u", "https://", "https:///x", "ftp://x/y",
                          "https://x/u#frag", "https://x/u v"}) {
    o.base_url = bad;
    SCOPED_TRACE(bad);
    EXPECT_ERRC(OneClickUnsubscribe::make(*ledger_, o), Errc::kInvalidArgument);
  }
  o.base_url = "https://privacy.oxemis.com/u?lang=fr";
  ASSERT_OK_AND_ASSIGN(auto u, OneClickUnsubscribe::make(*ledger_, o));
  ASSERT_OK_AND_ASSIGN(auto link, u.link(subject(), "prospecting"));
  EXPECT_EQ(link.url.rfind("https://privacy.oxemis.com/u?lang=fr&token=", 0), 0u);
}

}  // namespace
}  // namespace charter::consent
