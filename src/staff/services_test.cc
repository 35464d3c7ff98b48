// Service identities and API tokens on both backends.
#include <gtest/gtest.h>

#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "staff/test_util.h"

namespace charter::staff {
namespace {

using testing::at;

class Services : public testing::StaffFixture {};
CHARTER_STAFF_BACKENDS(Services);

TEST_P(Services, BoundToPolicyPurposes) {
  ASSERT_OK_AND_ASSIGN(auto svc, services_->add("emailing-platform", {"prospecting"}));
  EXPECT_TRUE(is_valid_id(svc.id, "svc"));
  EXPECT_EQ(svc.purposes, std::vector<std::string>{"prospecting"});
  EXPECT_ERRC(services_->add("emailing-platform", {"prospecting"}), Errc::kAlreadyExists);
  EXPECT_ERRC(services_->add("billing", {"resale"}), Errc::kInvalidArgument);
  EXPECT_ERRC(services_->add("billing", {}), Errc::kInvalidArgument);
  EXPECT_ERRC(services_->add("Billing App", {"commercial_relationship"}), Errc::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(auto more, services_->set_purposes(svc.id, {"prospecting", "statistics"}));
  EXPECT_EQ(more.purposes, (std::vector<std::string>{"prospecting", "statistics"}));
  ASSERT_OK_AND_ASSIGN(auto byname, services_->find_by_name("emailing-platform"));
  EXPECT_EQ(byname.id, svc.id);
  ASSERT_OK_AND_ASSIGN(auto all, services_->list());
  EXPECT_EQ(all.size(), 1u);
}

TEST_P(Services, TokensAreShownOnceStoredHashedAndAuthenticate) {
  ASSERT_OK_AND_ASSIGN(auto svc, services_->add("support-desk", {"customer_relationship"}));
  ASSERT_OK_AND_ASSIGN(auto issued, services_->issue_token(svc.id, {0, 3, 0}));
  EXPECT_EQ(issued.token.rfind("chsvc_", 0), 0u);
  EXPECT_EQ(issued.token.size(), 6u + 52u);
  EXPECT_TRUE(is_valid_id(issued.info.id, "tok"));
  EXPECT_EQ(issued.info.expires_at, at("2025-06-01T10:00:00Z"));

  // Stored: the SHA-256 of the token, never the token.
  {
    auto tx = ts_->store().read();
    ASSERT_TRUE(tx.ok());
    auto row = tx->query_one("SELECT token_hash FROM staff_tokens");
    ASSERT_TRUE(row.ok() && *row);
    auto stored = *(**row)[0].as_blob();
    auto digest = crypto::sha256(crypto::as_bytes(issued.token));
    EXPECT_TRUE(std::equal(stored.begin(), stored.end(), digest.begin(), digest.end()));
    EXPECT_NE(std::string(crypto::as_chars(stored)), issued.token);
  }

  ASSERT_OK_AND_ASSIGN(auto id, services_->authenticate(issued.token));
  EXPECT_EQ(id.kind, Identity::Kind::kService);
  EXPECT_EQ(id.id, svc.id);
  EXPECT_EQ(id.purposes, std::vector<std::string>{"customer_relationship"});

  // Altered, truncated, empty, foreign: refused without echo.
  std::string altered = issued.token;
  altered.back() = altered.back() == 'a' ? 'b' : 'a';
  auto bad = services_->authenticate(altered);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::kUnauthenticated);
  EXPECT_EQ(bad.error().message.find(altered), std::string::npos);
  EXPECT_ERRC(services_->authenticate(issued.token.substr(1)), Errc::kUnauthenticated);
  EXPECT_ERRC(services_->authenticate(""), Errc::kUnauthenticated);

  // Expired at its expiry.
  clock_.set(issued.info.expires_at - Micros(1));
  EXPECT_OK(services_->authenticate(issued.token));
  clock_.set(issued.info.expires_at);
  auto expired = services_->authenticate(issued.token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().message, "token expired");
}

TEST_P(Services, RevokedTokensAndSuspendedServicesAreRefused) {
  ASSERT_OK_AND_ASSIGN(auto svc, services_->add("billing", {"commercial_relationship"}));
  ASSERT_OK_AND_ASSIGN(auto t1, services_->issue_token(svc.id, {1, 0, 0}));
  ASSERT_OK_AND_ASSIGN(auto t2, services_->issue_token(svc.id, {1, 0, 0}));
  EXPECT_NE(t1.token, t2.token);
  ASSERT_OK(services_->revoke_token(t1.info.id));
  ASSERT_OK(services_->revoke_token(t1.info.id));  // idempotent
  auto revoked = services_->authenticate(t1.token);
  ASSERT_FALSE(revoked.ok());
  EXPECT_EQ(revoked.error().message, "token revoked");
  EXPECT_OK(services_->authenticate(t2.token));
  ASSERT_OK_AND_ASSIGN(auto list, services_->tokens(svc.id));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_TRUE(list[0].revoked_at || list[1].revoked_at);
  EXPECT_ERRC(services_->revoke_token("tok_00000000000000000000000000"), Errc::kNotFound);

  ASSERT_OK(services_->suspend(svc.id));
  EXPECT_ERRC(services_->authenticate(t2.token), Errc::kPermissionDenied);
  EXPECT_ERRC(services_->issue_token(svc.id, {0, 1, 0}), Errc::kFailedPrecondition);
  ASSERT_OK(services_->reinstate(svc.id));
  EXPECT_OK(services_->authenticate(t2.token));

  EXPECT_ERRC(services_->issue_token(svc.id, {0, 0, 0}), Errc::kInvalidArgument);
  EXPECT_ERRC(services_->issue_token(svc.id, {3, 0, 0}), Errc::kInvalidArgument);
  EXPECT_ERRC(services_->issue_token("svc_00000000000000000000000000", {0, 1, 0}), Errc::kNotFound);
}

}  // namespace
}  // namespace charter::staff
