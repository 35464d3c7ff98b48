// The database-backed log store on SQLite and PostgreSQL: the LogStore contract, append-only
// tables, the Appender's fail-closed behaviour with injected storage faults, durability across
// reopen, and the subject index. PostgreSQL runs when CHARTER_TEST_PG_URL is set (skipped
// otherwise, failed when CHARTER_REQUIRE_PG=1).
#include "audit/db_log_store.h"

#include <gtest/gtest.h>

#include "audit/appender.h"
#include "audit/entry_codec.h"
#include "audit/history.h"
#include "audit/test_support.h"
#include "audit/verifier.h"
#include "store/fault.h"
#include "store/testing.h"

namespace charter::audit {
namespace {

using testing::sample_event;
using testing::test_key;

StoredEntry row(std::uint64_t seq) {
  AuditEntry e{seq, from_unix_micros(1700000000000000 + seq), sample_event(int(seq))};
  StoredEntry r{seq, e.event.subject, encode_entry(e), {}};
  r.leaf_hash = leaf_hash(r.encoded);
  return r;
}

class DbLogStoreTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    faults_ = std::make_shared<store::FaultInjector>();
    store::StoreOptions o;
    o.faults = faults_;
    auto db = store::TestStore::make(GetParam(), o);
    if (!db.ok()) {
      if (db.error().code == Errc::kUnavailable && !store::pg_required())
        GTEST_SKIP() << db.error().message;
      FAIL() << db.error().message;
    }
    db_ = std::move(db).value();
    open_log();
  }
  void open_log() {
    auto log = DbLogStore::open(db_->store(), clock_);
    ASSERT_TRUE(log.ok()) << log.error().message;
    log_ = std::move(log).value();
  }

  ManualClock clock_{*parse_timestamp("2026-06-01T12:00:00Z")};
  std::shared_ptr<store::FaultInjector> faults_;
  std::unique_ptr<store::TestStore> db_;
  std::unique_ptr<DbLogStore> log_;
};

TEST_P(DbLogStoreTest, AppendOnlyBySequence) {
  EXPECT_EQ(*log_->size(), 0u);
  std::vector<StoredEntry> batch{row(0), row(1), row(2)};
  ASSERT_TRUE(log_->append(batch, nullptr).ok());
  EXPECT_EQ(*log_->size(), 3u);
  std::vector<StoredEntry> gap{row(4)};
  EXPECT_EQ(log_->append(gap, nullptr).error().code, Errc::kConflict);
  std::vector<StoredEntry> again{row(2)};
  EXPECT_EQ(log_->append(again, nullptr).error().code, Errc::kConflict);
  EXPECT_EQ(*log_->size(), 3u);
  auto rows = *log_->read(1, 10);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], row(1));
  EXPECT_EQ(rows[1], row(2));
  EXPECT_TRUE(log_->read(3, 10)->empty());
  EXPECT_EQ(log_->read(0, 2)->size(), 2u);
}

TEST_P(DbLogStoreTest, HeadsAreStoredWithTheirBatch) {
  auto key = test_key();
  std::vector<StoredEntry> batch{row(0), row(1)};
  auto h1 = sign_tree_head({2, node_hash(row(0).leaf_hash, row(1).leaf_hash), clock_.now()}, key);
  ASSERT_TRUE(log_->append(batch, &h1).ok());
  EXPECT_EQ(*log_->latest_head(), h1);
  EXPECT_TRUE(log_->put_head(h1).ok());  // identical: fine
  auto h2 = h1;
  h2.head.time += Micros(1);
  EXPECT_EQ(log_->put_head(h2).error().code, Errc::kConflict);
  auto heads = *log_->heads();
  ASSERT_EQ(heads.size(), 1u);
  EXPECT_EQ(heads[0], h1);
  // A batch whose head conflicts is not stored at all.
  std::vector<StoredEntry> more{row(2)};
  EXPECT_EQ(log_->append(more, &h2).error().code, Errc::kConflict);
  EXPECT_EQ(*log_->size(), 2u);
}

TEST_P(DbLogStoreTest, TablesAreAppendOnly) {
  std::vector<StoredEntry> batch{row(0)};
  SignedTreeHead h;
  h.head.tree_size = 1;
  ASSERT_TRUE(log_->append(batch, &h).ok());
  for (const char* sql : {"UPDATE audit_entries SET subject = 'x'", "DELETE FROM audit_entries",
                          "UPDATE audit_heads SET time_us = 0", "DELETE FROM audit_heads"}) {
    auto tx = db_->store().write();
    ASSERT_TRUE(tx.ok());
    auto n = tx->exec(sql);
    EXPECT_FALSE(n.ok()) << sql;
  }
  EXPECT_EQ(*log_->size(), 1u);
  EXPECT_EQ(log_->heads()->size(), 1u);
}

TEST_P(DbLogStoreTest, AppenderFailsClosedOnInjectedFaults) {
  auto a = Appender::open(*log_, test_key(), clock_);
  ASSERT_TRUE(a.ok()) << a.error().message;
  auto& log = **a;
  ASSERT_TRUE(log.append(sample_event(0)).ok());
  for (auto point : {store::FaultPoint::kBeginWrite, store::FaultPoint::kStatement,
                     store::FaultPoint::kCommit}) {
    faults_->fail(point, Errc::kUnavailable, 1);
    auto r = log.append(sample_event(1));
    ASSERT_FALSE(r.ok()) << static_cast<int>(point);
    EXPECT_EQ(r.error().code, Errc::kUnavailable);
    EXPECT_EQ(log.size(), 1u);
    EXPECT_EQ(*log_->size(), 1u);  // nothing of the batch was stored
  }
  auto next = log.append(sample_event(2));
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(*next, 1u);
  ASSERT_TRUE(log.close().ok());
  auto report = verify_log(*log_, log.public_key());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problem->message;
  EXPECT_EQ(report->signed_size, 2u);
}

TEST_P(DbLogStoreTest, DurableAcrossReopenAndContinues) {
  {
    auto a = Appender::open(*log_, test_key(), clock_);
    ASSERT_TRUE(a.ok());
    std::vector<std::future<Result<std::uint64_t>>> futures;
    for (int i = 0; i < 2000; ++i) futures.push_back((*a)->submit(sample_event(i)));
    for (auto& f : futures) ASSERT_TRUE(f.get().ok());
    EXPECT_LT((*a)->stats().batches, 2000u);  // grouped into fewer commits
  }
  log_.reset();
  ASSERT_TRUE(db_->reopen().ok());
  open_log();
  EXPECT_EQ(*log_->size(), 2000u);
  auto a = Appender::open(*log_, test_key(), clock_);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(*(*a)->append(sample_event(5)), 2000u);
  ASSERT_TRUE((*a)->close().ok());
  auto report = verify_log(*log_, test_key().public_key());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->entries, 2001u);
}

TEST_P(DbLogStoreTest, SubjectHistoryUsesTheIndex) {
  std::vector<StoredEntry> batch;
  for (int i = 0; i < 300; ++i) batch.push_back(row(i));
  ASSERT_TRUE(log_->append(batch, nullptr).ok());
  auto rows = *log_->read_subject(testing::pseudonym(5), 0, 100);
  ASSERT_EQ(rows.size(), 4u);  // 5, 102, 199, 296
  EXPECT_EQ(rows[3].sequence, 296u);
  EXPECT_EQ(log_->read_subject(testing::pseudonym(5), 103, 100)->size(), 2u);
  EXPECT_EQ(log_->read_subject(testing::pseudonym(5), 0, 1)->size(), 1u);
  auto h = access_history(*log_, testing::pseudonym(5));
  ASSERT_TRUE(h.ok()) << h.error().message;
  ASSERT_EQ(h->size(), 4u);
  EXPECT_EQ((*h)[0].actor, "svc_emailing");  // sample_event(5): a service
  EXPECT_EQ((*h)[1].actor, "");              // 102: the subject
  EXPECT_EQ((*h)[2].actor, "retention");     // 199: system
  EXPECT_EQ((*h)[3].actor, "support");       // 296: staff, by role
}

INSTANTIATE_TEST_SUITE_P(Backends, DbLogStoreTest,
                         ::testing::Values(store::Backend::kSqlite, store::Backend::kPostgres),
                         [](const auto& info) {
                           return std::string(store::backend_name(info.param));
                         });

}  // namespace
}  // namespace charter::audit
