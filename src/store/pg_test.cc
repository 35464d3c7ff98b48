// PostgreSQL-specific behaviour: errors without passwords, notifications between servers,
// the connection pool, type decoding of server-computed values.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include "store/open.h"
#include "store/test_macros.h"
#include "store/testing.h"

namespace charter::store {
namespace {

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test_pg_url()) {
      if (pg_required()) FAIL() << "CHARTER_REQUIRE_PG=1 but CHARTER_TEST_PG_URL is not set";
      GTEST_SKIP() << "PostgreSQL tests skipped: CHARTER_TEST_PG_URL is not set";
    }
    ASSERT_OK_AND_ASSIGN(ts_, TestStore::make(Backend::kPostgres));
  }
  std::unique_ptr<TestStore> ts_;
};

TEST_F(PgStoreTest, ConnectionErrorsNeverShowThePassword) {
  auto r = open_store("postgresql://charter:s3cret-pw@127.0.0.1:1/nodb?connect_timeout=2");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_EQ(r.error().message.find("s3cret"), std::string::npos) << r.error().message;
}

TEST_F(PgStoreTest, DescribesItselfWithoutCredentials) {
  std::string d = ts_->store().describe();
  EXPECT_TRUE(d.starts_with("postgresql://127.0.0.1:")) << d;
  EXPECT_EQ(ts_->store().backend(), Backend::kPostgres);
}

TEST_F(PgStoreTest, NotificationsReachOtherServers) {
  ASSERT_OK_AND_ASSIGN(auto other_server, open_store(ts_->target()));
  ASSERT_OK_AND_ASSIGN(auto listener, other_server->listen("Policy_Reloaded"));
  ASSERT_OK_AND_ASSIGN(Transaction tx, ts_->store().write());
  ASSERT_OK(tx.notify("Policy_Reloaded", "v42"));
  ASSERT_OK(tx.commit());
  ASSERT_OK_AND_ASSIGN(auto note, listener->wait(std::chrono::seconds(5)));
  ASSERT_TRUE(note);
  EXPECT_EQ(note->channel, "Policy_Reloaded");
  EXPECT_EQ(note->payload, "v42");
}

TEST_F(PgStoreTest, ServerComputedTypesDecode) {
  ASSERT_OK_AND_ASSIGN(Transaction tx, ts_->store().read());
  ASSERT_OK_AND_ASSIGN(
      auto row, tx.query_one("SELECT SUM(x), AVG(x), true, 2::smallint, 3::integer, "
                             "1.5::real, 'x'::varchar, '{\"a\":1}'::jsonb, 12345678901234::numeric,"
                             " -0.25::numeric, 'abc'::bytea "
                             "FROM (VALUES (1::bigint), (2::bigint)) AS v(x)"));
  ASSERT_TRUE(row);
  const Row& r = *row;
  EXPECT_EQ(r[0], Value(3));
  EXPECT_EQ(r[1], Value(1.5));
  EXPECT_EQ(r[2], Value(1));
  EXPECT_EQ(r[3], Value(2));
  EXPECT_EQ(r[4], Value(3));
  EXPECT_EQ(r[5], Value(1.5));
  EXPECT_EQ(r[6], Value("x"));
  EXPECT_EQ(r[7], Value("{\"a\": 1}"));
  EXPECT_EQ(r[8], Value(std::int64_t{12345678901234}));
  EXPECT_EQ(r[9], Value(-0.25));
  EXPECT_EQ(r[10], Value(Bytes{'a', 'b', 'c'}));
}

TEST_F(PgStoreTest, PoolWaitsThenTimesOut) {
  StoreOptions options;
  options.pg_connections = 2;
  options.busy_timeout = std::chrono::milliseconds(100);
  ASSERT_OK_AND_ASSIGN(auto store, open_store(ts_->target(), options));
  ASSERT_OK_AND_ASSIGN(Transaction a, store->read());
  ASSERT_OK_AND_ASSIGN(Transaction b, store->read());
  EXPECT_ERRC(store->read(), Errc::kUnavailable);
  a.rollback();
  ASSERT_OK_AND_ASSIGN(Transaction c, store->read());
  EXPECT_OK(c.query_one("SELECT 1"));
}

TEST_F(PgStoreTest, ConnectionStaysUsableAfterErrors) {
  StoreOptions options;
  options.pg_connections = 1;
  ASSERT_OK_AND_ASSIGN(auto store, open_store(ts_->target(), options));
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(Transaction tx, store->write());
    EXPECT_FALSE(tx.exec("SELECT * FROM no_such_table").ok());
  }
  ASSERT_OK_AND_ASSIGN(Transaction tx, store->read());
  ASSERT_OK_AND_ASSIGN(auto row, tx.query_one("SELECT ?", {"still fine"}));
  EXPECT_EQ((*row)[0], Value("still fine"));
}

}  // namespace
}  // namespace charter::store
