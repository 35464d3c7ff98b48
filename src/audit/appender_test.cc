#include "audit/appender.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "audit/entry_codec.h"
#include "audit/memory_log_store.h"
#include "audit/test_support.h"
#include "audit/verifier.h"

namespace charter::audit {
namespace {

using testing::sample_event;
using testing::test_key;

Timestamp t0() { return *parse_timestamp("2026-03-01T08:00:00Z"); }

std::unique_ptr<Appender> open_ok(LogStore& store, const Clock& clock, AppenderOptions o = {}) {
  auto a = Appender::open(store, test_key(), clock, o);
  EXPECT_TRUE(a.ok()) << (a.ok() ? "" : a.error().message);
  return std::move(a).value();
}

TEST(Appender, AppendsDurablyInOrderAndSignsHeads) {
  MemoryLogStore store;
  ManualClock clock(t0());
  AppenderOptions o;
  o.head_every_entries = 10;
  o.head_every = std::chrono::hours(1);
  auto log = open_ok(store, clock, o);
  for (int i = 0; i < 35; ++i) {
    auto seq = log->append(sample_event(i));
    ASSERT_TRUE(seq.ok()) << seq.error().message;
    EXPECT_EQ(*seq, static_cast<std::uint64_t>(i));
    EXPECT_EQ(*store.size(), static_cast<std::uint64_t>(i + 1));  // durable when acknowledged
  }
  // One entry per batch here, so heads land exactly every 10 entries.
  auto heads = *store.heads();
  ASSERT_EQ(heads.size(), 3u);
  EXPECT_EQ(heads[0].head.tree_size, 10u);
  EXPECT_EQ(heads[2].head.tree_size, 30u);
  ASSERT_TRUE(log->close().ok());
  heads = *store.heads();
  ASSERT_EQ(heads.size(), 4u);
  EXPECT_EQ(heads.back().head.tree_size, 35u);  // close() signs the tail
  EXPECT_EQ(heads.back().head.root, log->root());
  EXPECT_EQ(log->latest_head(), heads.back());

  auto entry = decode_entry(store.read(7, 1)->at(0).encoded);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(entry->sequence, 7u);
  EXPECT_EQ(entry->time, t0());
  EXPECT_EQ(entry->event, sample_event(7));

  auto report = verify_log(store, log->public_key());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problem->message;
  EXPECT_EQ(report->entries, 35u);
  EXPECT_EQ(report->signed_size, 35u);
  EXPECT_EQ(report->heads_checked, 4u);
}

TEST(Appender, ManyThreadsGroupCommit) {
  MemoryLogStore store;
  SystemClock clock;
  auto log = open_ok(store, clock);
  constexpr int kThreads = 4, kPerThread = 5000;
  std::vector<std::vector<std::uint64_t>> seqs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::future<Result<std::uint64_t>>> futures;
      for (int i = 0; i < kPerThread; ++i) futures.push_back(log->submit(sample_event(i)));
      for (auto& f : futures) {
        auto r = f.get();
        if (r.ok()) seqs[t].push_back(*r);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::uint64_t> all;
  for (const auto& s : seqs) {
    EXPECT_EQ(s.size(), static_cast<std::size_t>(kPerThread));
    EXPECT_TRUE(std::is_sorted(s.begin(), s.end()));  // one thread's entries keep their order
    all.insert(s.begin(), s.end());
  }
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kPerThread));
  EXPECT_EQ(*all.rbegin(), static_cast<std::uint64_t>(kThreads * kPerThread - 1));
  auto stats = log->stats();
  EXPECT_EQ(stats.entries, static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_LT(stats.batches, stats.entries);  // batching happened
  ASSERT_TRUE(log->close().ok());
  auto report = verify_log(store, log->public_key());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problem->message;
  EXPECT_EQ(report->signed_size, static_cast<std::uint64_t>(kThreads * kPerThread));
}

TEST(Appender, FailsClosedWhenTheStoreFails) {
  MemoryLogStore store;
  ManualClock clock(t0());
  auto log = open_ok(store, clock);
  ASSERT_TRUE(log->append(sample_event(0)).ok());

  // A whole batch fails: every caller in it is refused, nothing moves.
  store.fail_appends(1);
  std::vector<Result<std::uint64_t>> results;
  {
    std::vector<std::future<Result<std::uint64_t>>> futures;
    for (int i = 1; i <= 10; ++i) futures.push_back(log->submit(sample_event(i)));
    for (auto& f : futures) results.push_back(f.get());
  }
  int failed = 0;
  for (const auto& r : results) {
    if (!r.ok()) {
      ++failed;
      EXPECT_EQ(r.error().code, Errc::kUnavailable);
      EXPECT_NE(r.error().message.find("injected"), std::string::npos);
    }
  }
  EXPECT_GE(failed, 1);
  const auto stats = log->stats();
  EXPECT_EQ(stats.failed_batches, 1u);
  EXPECT_EQ(stats.failed_entries, static_cast<std::uint64_t>(failed));
  EXPECT_EQ(log->size(), static_cast<std::uint64_t>(1 + 10 - failed));
  EXPECT_EQ(*store.size(), log->size());

  // The failed entries took no sequence numbers: the next entry follows the last durable one.
  auto next = log->append(sample_event(99));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, log->size() - 1);
  ASSERT_TRUE(log->close().ok());
  auto report = verify_log(store, log->public_key());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problem->message;
}

TEST(Appender, FailedBatchLeavesTreeStateUnchanged) {
  MemoryLogStore store;
  ManualClock clock(t0());
  auto log = open_ok(store, clock);
  ASSERT_TRUE(log->append(sample_event(0)).ok());
  const Hash root = log->root();
  const auto head = log->latest_head();
  store.fail_appends(3);
  for (int i = 0; i < 3; ++i) {
    auto r = log->append(sample_event(i));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kUnavailable);
    EXPECT_EQ(log->size(), 1u);
    EXPECT_EQ(log->root(), root);
    EXPECT_EQ(log->latest_head(), head);
  }
  EXPECT_EQ(*log->append(sample_event(5)), 1u);
}

// A store whose commit succeeds but reports failure (a lost acknowledgement).
class AmbiguousStore final : public LogStore {
 public:
  MemoryLogStore inner;
  std::atomic<int> lie_next{0};
  Result<std::uint64_t> size() override { return inner.size(); }
  Status append(std::span<const StoredEntry> e, const SignedTreeHead* h) override {
    auto st = inner.append(e, h);
    if (st.ok() && lie_next > 0) {
      --lie_next;
      return make_error(Errc::kUnavailable, "connection lost during commit");
    }
    return st;
  }
  Status put_head(const SignedTreeHead& h) override { return inner.put_head(h); }
  Result<std::vector<StoredEntry>> read(std::uint64_t f, std::size_t l) override {
    return inner.read(f, l);
  }
  Result<std::vector<SignedTreeHead>> heads() override { return inner.heads(); }
  Result<std::optional<SignedTreeHead>> latest_head() override { return inner.latest_head(); }
  Result<std::vector<StoredEntry>> read_subject(std::string_view p, std::uint64_t f,
                                                std::size_t l) override {
    return inner.read_subject(p, f, l);
  }
};

TEST(Appender, AdoptsRowsOfAnAmbiguousCommit) {
  AmbiguousStore store;
  ManualClock clock(t0());
  AppenderOptions o;
  o.head_every_entries = 1;  // the lost batch also carried a head
  auto log = open_ok(store, clock, o);
  ASSERT_TRUE(log->append(sample_event(0)).ok());
  store.lie_next = 1;
  auto lost = log->append(sample_event(1));
  ASSERT_FALSE(lost.ok());  // the caller was told "failed": the operation does not happen
  auto next = log->append(sample_event(2));
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(*next, 2u);  // entry 1 was durable after all, and adopted
  ASSERT_TRUE(log->close().ok());
  auto report = verify_log(store, log->public_key());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problem->message;
  EXPECT_EQ(report->entries, 3u);
}

// A store whose next append waits at a gate, then fails: lets a test fail one batch while the
// next one is already prepared on top of it.
class GateStore final : public LogStore {
 public:
  MemoryLogStore inner;
  std::mutex mu;
  std::condition_variable cv;
  bool armed = false, entered = false, released = false;

  Result<std::uint64_t> size() override { return inner.size(); }
  Status append(std::span<const StoredEntry> e, const SignedTreeHead* h) override {
    std::unique_lock lock(mu);
    if (armed) {
      armed = false;
      entered = true;
      cv.notify_all();
      cv.wait(lock, [&] { return released; });
      return make_error(Errc::kUnavailable, "disk full");
    }
    lock.unlock();
    return inner.append(e, h);
  }
  Status put_head(const SignedTreeHead& h) override { return inner.put_head(h); }
  Result<std::vector<StoredEntry>> read(std::uint64_t f, std::size_t l) override {
    return inner.read(f, l);
  }
  Result<std::vector<SignedTreeHead>> heads() override { return inner.heads(); }
  Result<std::optional<SignedTreeHead>> latest_head() override { return inner.latest_head(); }
  Result<std::vector<StoredEntry>> read_subject(std::string_view p, std::uint64_t f,
                                                std::size_t l) override {
    return inner.read_subject(p, f, l);
  }
};

TEST(Appender, BatchPreparedOnAFailedOneIsPreparedAgain) {
  GateStore store;
  ManualClock clock(t0());
  auto log = open_ok(store, clock);
  ASSERT_TRUE(log->append(sample_event(0)).ok());
  {
    std::lock_guard g(store.mu);
    store.armed = true;
  }
  auto failing = log->submit(sample_event(1));
  {
    std::unique_lock lock(store.mu);
    store.cv.wait(lock, [&] { return store.entered; });
  }
  // Prepared while the first batch is being written: sequence numbers 2.. on top of it.
  std::vector<std::future<Result<std::uint64_t>>> next;
  for (int i = 2; i < 7; ++i) next.push_back(log->submit(sample_event(i)));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    std::lock_guard g(store.mu);
    store.released = true;
  }
  store.cv.notify_all();
  auto r = failing.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_NE(r.error().message.find("disk full"), std::string::npos);
  for (std::size_t i = 0; i < next.size(); ++i) {
    auto s = next[i].get();
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(*s, 1 + i);  // renumbered from the unchanged tree
  }
  EXPECT_EQ(log->stats().failed_entries, 1u);
  ASSERT_TRUE(log->close().ok());
  auto report = verify_log(store, log->public_key());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problem->message;
  EXPECT_EQ(report->entries, 6u);
}

TEST(Appender, RefusesInvalidEventsAndWorkAfterClose) {
  MemoryLogStore store;
  ManualClock clock(t0());
  auto log = open_ok(store, clock);
  AuditEvent bad = sample_event(0);
  bad.subject = "someone@example.com";
  auto r = log->append(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(*store.size(), 0u);
  ASSERT_TRUE(log->close().ok());
  ASSERT_TRUE(log->close().ok());  // idempotent
  EXPECT_EQ(log->append(sample_event(1)).error().code, Errc::kFailedPrecondition);
  EXPECT_TRUE(store.heads()->empty());  // nothing to sign
}

TEST(Appender, TimerHeadsAndMonotonicTime) {
  MemoryLogStore store;
  ManualClock clock(t0());
  AppenderOptions o;
  o.head_every_entries = 1000000;
  o.head_every = std::chrono::seconds(5);
  auto log = open_ok(store, clock, o);
  ASSERT_TRUE(log->append(sample_event(0)).ok());
  EXPECT_TRUE(store.heads()->empty());
  // Time passes with no appends: the writer signs a head on its own.
  clock.advance(std::chrono::seconds(6));
  for (int i = 0; i < 200 && store.heads()->empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(store.heads()->size(), 1u);
  EXPECT_EQ(store.heads()->at(0).head.tree_size, 1u);

  // The clock goes backwards: entry times do not.
  clock.set(t0() - std::chrono::hours(1));
  ASSERT_TRUE(log->append(sample_event(1)).ok());
  auto e1 = decode_entry(store.read(1, 1)->at(0).encoded);
  EXPECT_EQ(e1->time, t0());
  // An explicit head now.
  auto h = log->issue_head();
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->head.tree_size, 2u);
  EXPECT_EQ(*log->issue_head(), *h);  // already covered
}

TEST(Appender, ReopensAndContinues) {
  MemoryLogStore store;
  ManualClock clock(t0());
  {
    auto log = open_ok(store, clock);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(log->append(sample_event(i)).ok());
  }  // destructor closes and signs the tail
  {
    auto log = open_ok(store, clock);
    EXPECT_EQ(log->size(), 100u);
    EXPECT_EQ(log->latest_head()->head.tree_size, 100u);
    EXPECT_EQ(*log->append(sample_event(100)), 100u);
  }
  auto report = verify_log(store, test_key().public_key());
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->entries, 101u);
}

TEST(Appender, RefusesToOpenATamperedLog) {
  MemoryLogStore store;
  ManualClock clock(t0());
  {
    auto log = open_ok(store, clock);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(log->append(sample_event(i)).ok());
  }
  auto& rows = store.mutable_rows();
  std::swap(rows[3].leaf_hash, rows[4].leaf_hash);
  auto a = Appender::open(store, test_key(), clock);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, Errc::kIntegrity);
  rows.erase(rows.begin() + 2);
  EXPECT_EQ(Appender::open(store, test_key(), clock).error().code, Errc::kIntegrity);
  store.fail_reads(1);
  EXPECT_EQ(Appender::open(store, test_key(), clock).error().code, Errc::kUnavailable);
}

TEST(Appender, CallbackApi) {
  MemoryLogStore store;
  ManualClock clock(t0());
  auto log = open_ok(store, clock);
  std::atomic<int> ok{0};
  for (int i = 0; i < 1000; ++i)
    log->submit(sample_event(i), [&](Result<std::uint64_t> r) {
      if (r.ok()) ++ok;
    });
  log->flush();
  EXPECT_EQ(ok.load(), 1000);
  EXPECT_EQ(log->size(), 1000u);
}

}  // namespace
}  // namespace charter::audit
