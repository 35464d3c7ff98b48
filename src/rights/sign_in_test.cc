// Privacy-center sign-in and the session's subject on both backends (sign_in.cc): the same
// work for known and unknown addresses, the code rules, the subject found only after the code,
// requests made from a session created in progress, and a session bound to its own address.
#include <gtest/gtest.h>

#include "rights/testing.h"

namespace charter::rights {
namespace {

using testing::RightsFixture;
using vault::Relationship;

class SignInTest : public RightsFixture {};

TEST_P(SignInTest, SameAnswerForEveryAddressAndTheSubjectOnlyAfterTheCode) {
  const std::string id = create("known@example.fr", Relationship::kProspect);
  ASSERT_OK_AND_ASSIGN(auto known, rights_->start_sign_in("known@example.fr", "fr", "c1"));
  ASSERT_OK_AND_ASSIGN(auto unknown, rights_->start_sign_in("nobody@example.fr", "en", "c1"));
  EXPECT_EQ(known.rfind("sgn_", 0), 0u);
  EXPECT_EQ(unknown.rfind("sgn_", 0), 0u);
  ASSERT_EQ(outbox_.emails.size(), 2u);
  EXPECT_EQ(outbox_.emails[0].to, "known@example.fr");
  EXPECT_EQ(outbox_.emails[0].kind, "code");
  EXPECT_EQ(outbox_.emails[0].language, "fr");
  // A wrong code, then the right one; the code is single use.
  auto wrong = rights_->verify_sign_in(known, "00000000");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, Errc::kPermissionDenied);
  const std::string code = outbox_.last_code("known@example.fr");
  ASSERT_OK_AND_ASSIGN(auto session, rights_->verify_sign_in(known, code));
  EXPECT_EQ(session.secret.rfind("chsub_", 0), 0u);
  EXPECT_FALSE(rights_->verify_sign_in(known, code).ok());
  ASSERT_OK_AND_ASSIGN(auto index, sessions_->check(session.secret));
  ASSERT_OK_AND_ASSIGN(auto who, rights_->session_subject(index));
  EXPECT_EQ(who.subject_id, id);
  EXPECT_EQ(who.email, "known@example.fr");
  EXPECT_EQ(who.language, "fr");
  // The unknown address: signed in, nothing held.
  ASSERT_OK_AND_ASSIGN(auto s2,
                       rights_->verify_sign_in(unknown, outbox_.last_code("nobody@example.fr")));
  ASSERT_OK_AND_ASSIGN(auto i2, sessions_->check(s2.secret));
  ASSERT_OK_AND_ASSIGN(auto nobody, rights_->session_subject(i2));
  EXPECT_EQ(nobody.subject_id, "");
  // Bad input names the field; an unknown sign-in id is not found.
  auto bad = rights_->start_sign_in("not an address", "fr", "c1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("email"), std::string::npos);
  EXPECT_EQ(rights_->verify_sign_in("sgn_nope", "12345678").error().code, Errc::kNotFound);
}

TEST_P(SignInTest, CodeExpiresAndSignInsAreRateLimited) {
  ASSERT_OK_AND_ASSIGN(auto id, rights_->start_sign_in("late@example.fr", "en", "c2"));
  const std::string code = outbox_.last_code("late@example.fr");
  clock_.advance(std::chrono::minutes(31));
  EXPECT_EQ(rights_->verify_sign_in(id, code).error().code, Errc::kNotFound);
  for (int i = 0; i < 4; ++i) ASSERT_OK(rights_->start_sign_in("late@example.fr", "en", "c2"));
  auto over = rights_->start_sign_in("late@example.fr", "en", "c2");
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, Errc::kRateLimited);
}

TEST_P(SignInTest, RequestsFromASessionAreInProgressAndBoundToItsSubject) {
  const std::string id = create("me@example.fr", Relationship::kProspect);
  create("other@example.fr", Relationship::kProspect);
  ASSERT_OK_AND_ASSIGN(auto sid, rights_->start_sign_in("me@example.fr", "en", "c3"));
  ASSERT_OK_AND_ASSIGN(auto s, rights_->verify_sign_in(sid, outbox_.last_code("me@example.fr")));
  ASSERT_OK_AND_ASSIGN(auto index, sessions_->check(s.secret));
  NewRequest n;
  n.type = RightType::kAccess;
  n.channel = "privacy_center";
  n.language = "en";
  n.email = "other@example.fr";  // ignored: the session's address is used
  ASSERT_OK_AND_ASSIGN(auto r, rights_->submit_in_session(index, n));
  EXPECT_EQ(r.state, State::kInProgress);
  EXPECT_EQ(r.subject_id, id);
  EXPECT_EQ(r.email, "me@example.fr");
  ASSERT_OK_AND_ASSIGN(auto own, rights_->own_requests(index));
  ASSERT_EQ(own.size(), 1u);
  n.type = RightType::kUnclassified;
  EXPECT_EQ(rights_->submit_in_session(index, n).error().code, Errc::kInvalidArgument);
}

CHARTER_ACCESS_BACKENDS(SignInTest);

}  // namespace
}  // namespace charter::rights
