// Group commit: concurrent callers share transactions; an acknowledged event is durable; a
// failed commit acknowledges nothing and stores nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <set>
#include <thread>

#include "consent/ledger.h"
#include "consent/test_util.h"
#include "store/fault.h"

namespace charter::consent {
namespace {

class GroupCommit : public testing::ConsentFixture {};
CHARTER_CONSENT_BACKENDS(GroupCommit);

TEST_P(GroupCommit, ConcurrentCallersShareTransactionsAndEveryAcknowledgedEventSurvives) {
  constexpr int kThreads = 16;
  constexpr int kPerThread = 60;
  std::vector<std::string> subjects;
  for (int i = 0; i < kThreads; ++i) subjects.push_back(subject());
  std::mutex mu;
  std::set<std::string> acknowledged;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Evidence ev;
        ev.channel = "privacy_center";
        ev.ip = "10.0.0." + std::to_string(t);
        auto r = (i % 2 == 0) ? ledger_->give(subjects[t], "prospecting", ev)
                              : ledger_->withdraw(subjects[t], "prospecting", ev);
        if (!r.ok()) {
          ++failures;
          continue;
        }
        std::lock_guard lock(mu);
        acknowledged.insert(r->event_id);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_EQ(acknowledged.size(), static_cast<std::size_t>(kThreads * kPerThread));
  auto stats = ledger_->commit_stats();
  EXPECT_EQ(stats.operations, static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_LT(stats.batches, stats.operations) << "callers should have shared transactions";

  reopen();
  if (HasFatalFailure()) return;
  std::set<std::string> stored;
  for (const auto& s : subjects) {
    ASSERT_OK_AND_ASSIGN(auto hist, ledger_->history(s));
    EXPECT_EQ(hist.size(), static_cast<std::size_t>(kPerThread));
    for (const auto& e : hist) stored.insert(e.event_id);
    // Each thread alternated give/withdraw: the last was a withdrawal.
    ASSERT_OK_AND_ASSIGN(auto st, ledger_->state(s, "prospecting"));
    EXPECT_EQ(st.status, ConsentStatus::kWithdrawn);
    for (std::size_t i = 0; i < hist.size(); ++i) {
      EXPECT_EQ(hist[i].kind, i % 2 == 0 ? EventKind::kGiven : EventKind::kWithdrawn);
    }
  }
  EXPECT_EQ(stored, acknowledged);
}

TEST_P(GroupCommit, AsyncCallbacksRunAfterCommit) {
  constexpr int kEvents = 500;
  std::mutex mu;
  std::condition_variable cv;
  int done = 0, ok = 0;
  std::set<std::string> acknowledged;
  std::vector<std::string> subjects;
  for (int i = 0; i < 7; ++i) subjects.push_back(subject());
  for (int i = 0; i < kEvents; ++i) {
    Evidence ev = via(i % 3 == 0 ? "privacy_center" : "api", i % 2 ? "en" : "fr");
    if (i % 5 == 0) ev.ip = "192.0.2." + std::to_string(i % 200);
    ledger_->record_async(EventKind::kGiven, subjects[i % subjects.size()], "prospecting", ev,
                          [&](Result<ConsentEvent> r) {
                            std::lock_guard lock(mu);
                            ++done;
                            if (r.ok()) {
                              ++ok;
                              acknowledged.insert(r->event_id);
                            }
                            cv.notify_all();
                          });
  }
  const auto s = subjects[0];
  // A refused request calls back at once, on this thread.
  bool refused = false;
  ledger_->record_async(EventKind::kGiven, s, "statistics", via("api"),
                        [&](Result<ConsentEvent> r) { refused = !r.ok(); });
  EXPECT_TRUE(refused);
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return done == kEvents; });
  EXPECT_EQ(ok, kEvents);
  lock.unlock();
  EXPECT_EQ(count("consent_events"), kEvents);
  // Batches larger than one multi-row INSERT (64 rows) went through both insert paths; every
  // stored row reads back as acknowledged, with its evidence.
  EXPECT_GT(ledger_->commit_stats().largest_batch, 64u);
  std::set<std::string> stored;
  for (const auto& sub : subjects) {
    ASSERT_OK_AND_ASSIGN(auto hist, ledger_->history(sub));
    for (const auto& e : hist) {
      stored.insert(e.event_id);
      EXPECT_EQ(e.kind, EventKind::kGiven);
      ASSERT_OK_AND_ASSIGN(auto opened, ledger_->open_evidence(e));
      if (opened.ip) EXPECT_EQ(opened.ip->rfind("192.0.2.", 0), 0u);
    }
  }
  EXPECT_EQ(stored, acknowledged);
}

TEST_P(GroupCommit, FailedCommitAcknowledgesNothingAndStoresNothing) {
  auto faults = std::make_shared<store::FaultInjector>();
  ledger_.reset();
  ts_.reset();
  store::StoreOptions options;
  options.faults = faults;
  make_store(options);
  if (!ts_) return;
  open_ledger();
  const auto s = subject();
  faults->fail(store::FaultPoint::kCommit, Errc::kUnavailable);
  auto r = ledger_->give(s, "prospecting", via("privacy_center"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_EQ(faults->fired(store::FaultPoint::kCommit), 1);
  EXPECT_EQ(count("consent_events"), 0);
  ASSERT_OK_AND_ASSIGN(auto st, ledger_->state(s, "prospecting"));
  EXPECT_EQ(st.status, ConsentStatus::kNone);

  // A failed statement too.
  faults->fail(store::FaultPoint::kStatement, Errc::kUnavailable);
  EXPECT_ERRC(ledger_->withdraw(s, "prospecting", via("privacy_center")), Errc::kUnavailable);
  EXPECT_EQ(count("consent_events"), 0);

  // Disarmed: the next one is stored.
  ASSERT_OK(ledger_->give(s, "prospecting", via("privacy_center")));
  EXPECT_EQ(count("consent_events"), 1);
}

TEST_P(GroupCommit, ShutdownDrainsTheQueue) {
  constexpr int kEvents = 300;
  std::atomic<int> ok{0};
  const auto s = subject();
  for (int i = 0; i < kEvents; ++i) {
    ledger_->record_async(EventKind::kGiven, s, "prospecting", via("api"),
                          [&](Result<ConsentEvent> r) {
                            if (r.ok()) ++ok;
                          });
  }
  ledger_.reset();  // waits for the queue
  EXPECT_EQ(ok.load(), kEvents);
  EXPECT_EQ(count("consent_events"), kEvents);
}

}  // namespace
}  // namespace charter::consent
