// DbIdempotencyStore on both backends: first request proceeds, a retry is replayed (status,
// headers, body), another request with the key is a mismatch, a running one is in progress,
// 5xx abandoned, expiry and stale takeover, two stores on one database share the records, the
// caller's address is never stored.
#include "http/db_idempotency.h"

#include <gtest/gtest.h>

#include "store/testing.h"

namespace charter::http {
namespace {

using namespace std::chrono_literals;
using Outcome = IdempotencyRecords::Outcome;

class DbIdempotencyTest : public ::testing::TestWithParam<store::Backend> {
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
    auto s = DbIdempotencyStore::open(ts_->store(), clock_);
    ASSERT_TRUE(s.ok()) << s.error().to_string();
    records_ = std::move(s).value();
  }
  Outcome begin(const std::string& scope, const std::string& key, const std::string& fp,
                IdempotencyRecords* on = nullptr) {
    auto b = (on ? on : records_.get())->begin(scope, key, fp);
    EXPECT_TRUE(b.ok()) << b.error().to_string();
    return b.ok() ? b->outcome : Outcome::kProceed;
  }
  static Response created() {
    Response r;
    r.status = 201;
    r.headers.set("Content-Type", "application/json");
    r.headers.set("Location", "/v1/subjects/sub_1");
    r.body = R"({"id":"sub_1"})";
    return r;
  }

  ManualClock clock_{from_unix_micros(1'750'000'000'000'000)};
  std::unique_ptr<store::TestStore> ts_;
  std::unique_ptr<DbIdempotencyStore> records_;
};

TEST_P(DbIdempotencyTest, RetryIsReplayedAndAnotherRequestIsAMismatch) {
  EXPECT_EQ(begin("cred:svc_1", "k1", "fp"), Outcome::kProceed);
  EXPECT_EQ(begin("cred:svc_1", "k1", "fp"), Outcome::kInProgress);
  records_->complete("cred:svc_1", "k1", created());
  auto again = records_->begin("cred:svc_1", "k1", "fp");
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->outcome, Outcome::kReplay);
  EXPECT_EQ(again->response.status, 201);
  EXPECT_EQ(again->response.body, R"({"id":"sub_1"})");
  EXPECT_EQ(again->response.headers.get("Location"), "/v1/subjects/sub_1");
  EXPECT_EQ(begin("cred:svc_1", "k1", "other"), Outcome::kMismatch);
  // Another credential's same key is its own record.
  EXPECT_EQ(begin("cred:svc_2", "k1", "other"), Outcome::kProceed);
}

TEST_P(DbIdempotencyTest, AbandonedExpiredAndStaleRecordsLetTheRequestRunAgain) {
  EXPECT_EQ(begin("cred:a", "k", "f"), Outcome::kProceed);
  records_->abandon("cred:a", "k");  // a 5xx answer
  EXPECT_EQ(begin("cred:a", "k", "f"), Outcome::kProceed);
  clock_.advance(301s);  // its server died while running it
  EXPECT_EQ(begin("cred:a", "k", "f"), Outcome::kProceed);
  records_->complete("cred:a", "k", created());
  EXPECT_EQ(begin("cred:a", "k", "f"), Outcome::kReplay);
  clock_.advance(24h);
  EXPECT_EQ(begin("cred:a", "k", "g"), Outcome::kProceed);
}

TEST_P(DbIdempotencyTest, TwoServersOnOneDatabaseShareTheRecords) {
  auto second = DbIdempotencyStore::open(ts_->store(), clock_);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(begin("cred:s", "k", "f"), Outcome::kProceed);
  EXPECT_EQ(begin("cred:s", "k", "f", second->get()), Outcome::kInProgress);
  records_->complete("cred:s", "k", created());
  EXPECT_EQ(begin("cred:s", "k", "f", second->get()), Outcome::kReplay);
}

TEST_P(DbIdempotencyTest, NeitherTheKeyNorTheAddressIsStored) {
  EXPECT_EQ(begin("addr:192.0.2.10", "secret-key-value", "f"), Outcome::kProceed);
  records_->complete("addr:192.0.2.10", "secret-key-value", created());
  EXPECT_EQ(begin("addr:192.0.2.10", "secret-key-value", "f"), Outcome::kReplay);
  auto tx = ts_->store().read();
  ASSERT_TRUE(tx.ok());
  auto row = tx->query_one("SELECT scope FROM http_idempotency");
  ASSERT_TRUE(row.ok() && row->has_value());
  EXPECT_EQ((**row)[0].as_text(0).value(), "address");
}

INSTANTIATE_TEST_SUITE_P(Backends, DbIdempotencyTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& info) {
                           return std::string(store::backend_name(info.param));
                         });

}  // namespace
}  // namespace charter::http
