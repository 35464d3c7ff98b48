// Injected storage faults (docs/RELIABILITY.md "Injected storage faults"): the Nth write, commit
// or fsync, transient and persistent; a full disk (SQLite max_page_count: SQLITE_FULL, the error
// a full file system gives); failed allocations inside SQLite (sqlite3_config malloc hook).
// Each operation fails with a clear error, nothing partial remains, and after a failed
// fsync/commit the SQLite store stops acknowledging writes until it is reopened.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <climits>
#include <string>

#include "store/fault.h"
#include "store/test_macros.h"
#include "store/testing.h"

namespace charter::store {
namespace {

class StorageFaults : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    faults_ = std::make_shared<FaultInjector>();
    StoreOptions o;
    o.faults = faults_;
    auto made = TestStore::make(GetParam(), o);
    if (!made.ok()) {
      if (GetParam() == Backend::kPostgres && !pg_required()) GTEST_SKIP() << "no PostgreSQL";
      FAIL() << made.error().to_string();
    }
    ts_ = std::move(made).value();
    auto tx = ts_->store().write();
    ASSERT_TRUE(tx.ok());
    const std::string blob = GetParam() == Backend::kSqlite ? "BLOB" : "BYTEA";
    ASSERT_OK(tx->exec("CREATE TABLE t (k BIGINT PRIMARY KEY, v " + blob + ")"));
    ASSERT_OK(tx->commit());
  }
  // Inserts rows [from, from + n) in one transaction.
  Status insert(int from, int n, std::size_t bytes = 8) {
    CHARTER_TRY(Transaction tx, ts_->store().write());
    std::string v(bytes, 'x');
    const ByteView view(reinterpret_cast<const std::uint8_t*>(v.data()), v.size());
    for (int k = from; k < from + n; ++k) {
      CHARTER_TRY(auto done,
                  tx.exec("INSERT INTO t (k, v) VALUES (?, ?)", {Param(std::int64_t{k}), view}));
      (void)done;
    }
    return tx.commit();
  }
  std::int64_t count() {
    auto tx = ts_->store().read();
    if (!tx.ok()) return -1;
    auto row = tx->query_one("SELECT COUNT(*) FROM t");
    if (!row.ok() || !*row) return -1;
    return *(**row)[0].as_int();
  }
  std::shared_ptr<FaultInjector> faults_;
  std::unique_ptr<TestStore> ts_;
};

TEST_P(StorageFaults, NthStatementFailsTransientlyAndLeavesNothingPartial) {
  faults_->fail(FaultPoint::kStatement, Errc::kUnavailable, 1, 2);  // the 3rd write
  auto st = insert(0, 5);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(count(), 0);    // the two rows before it are not stored either
  ASSERT_OK(insert(0, 5));  // transient: the next attempt succeeds
  EXPECT_EQ(count(), 5);
}

TEST_P(StorageFaults, PersistentCommitFailureStoresNothingAndSaysWhy) {
  faults_->fail(FaultPoint::kCommit, Errc::kUnavailable, INT_MAX);
  for (int i = 0; i < 3; ++i) {
    auto st = insert(i * 10, 3);
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(st.error().code, Errc::kUnavailable);
    EXPECT_NE(st.error().message.find("commit"), std::string::npos) << st.error().message;
  }
  EXPECT_EQ(count(), 0);
  faults_->clear();
  ASSERT_OK(insert(0, 3));
  EXPECT_EQ(count(), 3);
}

TEST_P(StorageFaults, FailedFsyncFencesTheSqliteStoreUntilReopened) {
  ASSERT_OK(insert(0, 2));
  faults_->fail(FaultPoint::kSync, Errc::kUnavailable, 1);  // transient at the device...
  auto st = insert(2, 2);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(count(), 2);
  auto again = insert(2, 2);
  if (GetParam() == Backend::kPostgres) {
    // The PostgreSQL server owns its fsync (it stops itself on a failed one): no fence here.
    EXPECT_OK(again);
    return;
  }
  // ...but the store never retries blindly: every later write is refused, reads go on.
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, Errc::kUnavailable);
  EXPECT_NE(again.error().message.find("stopped accepting writes"), std::string::npos)
      << again.error().message;
  EXPECT_EQ(count(), 2);
  ASSERT_OK(ts_->reopen());  // a restart (after the operator checked the disk) clears it
  ASSERT_OK(insert(2, 2));
  EXPECT_EQ(count(), 4);
}

TEST_P(StorageFaults, FullDiskFailsTheWriteCleanlyAndRecovers) {
  if (GetParam() == Backend::kPostgres) GTEST_SKIP() << "SQLite file size limit only";
  ASSERT_OK(insert(0, 10));
  auto limit = [&](int pages) -> Status {
    CHARTER_TRY(Transaction tx, ts_->store().write());
    CHARTER_TRY(auto r, tx.query_one("PRAGMA max_page_count = " + std::to_string(pages)));
    (void)r;
    return tx.commit();
  };
  ASSERT_OK(limit(8));  // 8 pages of 4 KiB: already almost full
  auto st = insert(100, 50, 4000);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, Errc::kUnavailable);
  EXPECT_NE(st.error().message.find("full"), std::string::npos) << st.error().message;
  EXPECT_EQ(count(), 10);     // nothing of the failed transaction
  ASSERT_OK(limit(1 << 30));  // space again (a statement failed, not a commit: no fence)
  ASSERT_OK(insert(100, 50, 4000));
  EXPECT_EQ(count(), 60);
}

// SQLite allocations fail after `skip` successful ones, `times` times (armed only in this test).
std::atomic<long> g_skip{-1};
std::atomic<int> g_fired{0};
sqlite3_mem_methods g_real;

void* failing_malloc(int n) {
  long s = g_skip.load();
  if (s == 0) {
    g_skip.store(-1);
    ++g_fired;
    return nullptr;
  }
  if (s > 0) g_skip.store(s - 1);
  return g_real.xMalloc(n);
}
void* failing_realloc(void* p, int n) {
  long s = g_skip.load();
  if (s == 0) {
    g_skip.store(-1);
    ++g_fired;
    return nullptr;
  }
  if (s > 0) g_skip.store(s - 1);
  return g_real.xRealloc(p, n);
}

TEST(StorageFaultsAlloc, EveryFailedAllocationFailsCleanly) {
  // Installed before any store of this process opens (ctest runs each test in its own process).
  sqlite3_shutdown();
  ASSERT_EQ(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &g_real), SQLITE_OK);
  sqlite3_mem_methods m = g_real;
  m.xMalloc = failing_malloc;
  m.xRealloc = failing_realloc;
  ASSERT_EQ(sqlite3_config(SQLITE_CONFIG_MALLOC, &m), SQLITE_OK);
  ASSERT_EQ(sqlite3_initialize(), SQLITE_OK);
  ASSERT_OK_AND_ASSIGN(auto ts, TestStore::make(Backend::kSqlite));
  {
    ASSERT_OK_AND_ASSIGN(auto tx, ts->store().write());
    ASSERT_OK(tx.exec("CREATE TABLE t (k BIGINT PRIMARY KEY, v BLOB)"));
    ASSERT_OK(tx.commit());
  }
  std::int64_t stored = 0;
  int failures = 0;
  for (long skip = 0; skip < 120; ++skip) {
    g_fired = 0;
    g_skip = skip;
    Status st = [&]() -> Status {
      CHARTER_TRY(Transaction tx, ts->store().write());
      const std::string v(3000, 'y');
      const ByteView view(reinterpret_cast<const std::uint8_t*>(v.data()), v.size());
      for (int i = 0; i < 3; ++i) {
        CHARTER_TRY(auto n, tx.exec("INSERT INTO t (k, v) VALUES (?, ?)",
                                    {Param(std::int64_t{skip * 10 + i}), view}));
        (void)n;
      }
      return tx.commit();
    }();
    g_skip = -1;
    if (st.ok()) {
      stored += 3;
    } else {
      ++failures;
      EXPECT_EQ(st.error().code, Errc::kUnavailable) << st.error().to_string();
      // A commit that failed fences the store: reopen, as a restart would.
      if (st.error().message.find("commit") != std::string::npos || !ts->store().write().ok()) {
        ASSERT_OK(ts->reopen());
      }
    }
    // Whole transactions only: never 1 or 2 rows of a failed one.
    auto tx = ts->store().read();
    ASSERT_TRUE(tx.ok());
    ASSERT_OK_AND_ASSIGN(auto row, tx->query_one("SELECT COUNT(*) FROM t"));
    ASSERT_EQ(*(*row)[0].as_int(), stored) << "skip " << skip;
  }
  EXPECT_GT(failures, 10);  // the hook did fire
}

std::string name(const ::testing::TestParamInfo<Backend>& info) {
  return std::string(backend_name(info.param));
}
INSTANTIATE_TEST_SUITE_P(Backends, StorageFaults,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), name);

}  // namespace
}  // namespace charter::store
