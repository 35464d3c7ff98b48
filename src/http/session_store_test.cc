// SessionStore on both backends: secrets stored hashed, absolute expiry, idle timeout, revoke,
// revoke_all, CSRF token bound to the secret.
#include "http/session_store.h"

#include <gtest/gtest.h>

#include "core/id.h"
#include "store/test_macros.h"
#include "store/testing.h"

namespace charter::http {
namespace {

using namespace std::chrono_literals;

class SessionStoreTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    auto made = store::TestStore::make(GetParam());
    if (!made.ok()) {
      if (GetParam() == store::Backend::kPostgres && !store::pg_required()) {
        GTEST_SKIP() << "PostgreSQL tests skipped: " << made.error().message;
      }
      FAIL() << made.error().to_string();
    }
    ts_ = std::move(made).value();
    auto s = SessionStore::open(ts_->store(), clock_, random_);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    sessions_ = std::move(s).value();
  }
  std::string staff_id() { return new_id(random_, "stf"); }

  ManualClock clock_{from_unix_micros(1'750'000'000'000'000)};
  SeededRandom random_{7};
  std::unique_ptr<store::TestStore> ts_;
  std::unique_ptr<SessionStore> sessions_;
};

TEST_P(SessionStoreTest, ResolvesTheSecretAndStoresOnlyItsHash) {
  std::string who = staff_id();
  ASSERT_OK_AND_ASSIGN(auto s, sessions_->create(who));
  EXPECT_EQ(s.secret.rfind("chses_", 0), 0u);
  EXPECT_EQ(s.secret.size(), 58u);
  ASSERT_OK_AND_ASSIGN(auto info, sessions_->resolve(s.secret));
  EXPECT_EQ(info.staff_id, who);
  EXPECT_EQ(info.session_id, s.session_id);
  EXPECT_EQ(info.csrf_token, s.csrf_token);
  EXPECT_EQ(info.csrf_token, SessionStore::csrf_token_of(s.secret));
  // The secret is nowhere in the table.
  auto tx = ts_->store().read();
  ASSERT_TRUE(tx.ok());
  auto rows = tx->query_one(
      "SELECT COUNT(*) FROM http_sessions WHERE session_id = ? OR "
      "staff_id = ? OR session_hash = ?",
      {s.secret, s.secret, s.secret});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(*(**rows)[0].as_int(), 0);
  // Another session has another CSRF token.
  ASSERT_OK_AND_ASSIGN(auto other, sessions_->create(who));
  EXPECT_NE(other.csrf_token, s.csrf_token);
}

TEST_P(SessionStoreTest, RefusesUnknownAndMalformedSecrets) {
  EXPECT_ERRC(sessions_->resolve("chses_" + std::string(52, 'a')), Errc::kUnauthenticated);
  EXPECT_ERRC(sessions_->resolve("nonsense"), Errc::kUnauthenticated);
  EXPECT_ERRC(sessions_->create("not-a-staff-id"), Errc::kInvalidArgument);
}

TEST_P(SessionStoreTest, IdleTimeoutAndAbsoluteExpiry) {
  ASSERT_OK_AND_ASSIGN(auto s, sessions_->create(staff_id()));
  // Used every 20 minutes: stays alive past the 30-minute idle timeout...
  for (int i = 0; i < 6; ++i) {
    clock_.advance(20min);
    ASSERT_OK(sessions_->resolve(s.secret));
  }
  // ... then idle for 31 minutes: expired.
  clock_.advance(31min);
  auto idle = sessions_->resolve(s.secret);
  ASSERT_FALSE(idle.ok());
  EXPECT_EQ(idle.error().message, "session expired");

  ASSERT_OK_AND_ASSIGN(auto t, sessions_->create(staff_id()));
  for (int i = 0; i < 24; ++i) {  // 8 hours of use every 20 minutes
    clock_.advance(20min);
    if (i < 23) ASSERT_OK(sessions_->resolve(t.secret));
  }
  EXPECT_ERRC(sessions_->resolve(t.secret), Errc::kUnauthenticated);
}

TEST_P(SessionStoreTest, RevokeAndRevokeAll) {
  std::string who = staff_id();
  ASSERT_OK_AND_ASSIGN(auto a, sessions_->create(who));
  ASSERT_OK_AND_ASSIGN(auto b, sessions_->create(who));
  ASSERT_OK_AND_ASSIGN(auto c, sessions_->create(staff_id()));
  ASSERT_OK(sessions_->revoke(a.secret));
  ASSERT_OK(sessions_->revoke(a.secret));  // idempotent
  auto r = sessions_->resolve(a.secret);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "session revoked");
  ASSERT_OK_AND_ASSIGN(auto n, sessions_->revoke_all(who));
  EXPECT_EQ(n, 1);
  EXPECT_ERRC(sessions_->resolve(b.secret), Errc::kUnauthenticated);
  EXPECT_OK(sessions_->resolve(c.secret));
}

INSTANTIATE_TEST_SUITE_P(Backends, SessionStoreTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& info) {
                           return std::string(store::backend_name(info.param));
                         });

}  // namespace
}  // namespace charter::http
