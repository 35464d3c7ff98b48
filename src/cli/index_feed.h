// IndexFeed: keeps the decision index of each server current with the changes committed by the
// OTHER servers on one PostgreSQL database (DESIGN.md section 7 "Several servers";
// docs/HTTP.md "Several servers").
//
// Each server's own changes reach its index synchronously through the vault's and the ledger's
// after-commit observers. Those observers also add() the subject ids here; a writer thread
// appends them, batched, to the table `index_feed` (seq: an identity column, origin: this
// process, subject_id) and sends a NOTIFY on the channel `charter_index` in the same
// transaction. Writers take one advisory lock (Transaction::lock) while appending, so rows
// become visible in seq order on every server. A follower thread LISTENs on the channel and,
// on each notification and at least every `poll` (a notification may be lost: connection
// dropped, listener restarted), reads the rows after the last seq it applied, skips its own
// origin and reloads those subjects into the index from the store (DecisionIndex::reload).
// A withdrawal through one server is thus reflected in the others' decisions within about
// `poll` (default 250 ms) of the writer's append, tested by e2e TwoServers.
// Known limit: the feed row is written after the change commits; a process crash between the
// two (a few milliseconds) leaves the other servers' indexes stale for that subject until they
// restart. Rows older than `keep` are pruned by the writers.
//
// SQLite has one server per data folder: the feed is not used there (open() is not called).
// Contract: the store and the index outlive the feed; start() after the index is loaded;
// add() is thread safe and never blocks on the store. The destructor stops both threads after
// writing what is queued.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>

#include "access/decision_index.h"
#include "core/clock.h"
#include "core/random.h"
#include "store/store.h"

namespace charter::cli {

struct IndexFeedOptions {
  std::chrono::milliseconds poll{250};
  std::chrono::seconds keep{3600};
  std::size_t batch = 5000;
};

class IndexFeed {
 public:
  // Creates the table (migration component "index_feed") and notes the feed's current end:
  // changes appended after it are replayed once started. Errors: the store's.
  static Result<std::unique_ptr<IndexFeed>> open(store::Store& store, const Clock& clock,
                                                 Random& random, IndexFeedOptions options = {});
  ~IndexFeed();
  IndexFeed(const IndexFeed&) = delete;
  IndexFeed& operator=(const IndexFeed&) = delete;

  void add(std::string_view subject_id);
  void start(access::DecisionIndex& index);

  // Rows of other servers applied so far (for tests and metrics).
  std::uint64_t applied() const { return applied_.load(); }

 private:
  IndexFeed(store::Store& store, const Clock& clock, std::string origin, std::int64_t last,
            IndexFeedOptions options);
  void write_loop();
  void follow_loop();
  Status catch_up();
  Status append(const std::set<std::string>& ids);

  store::Store& store_;
  const Clock& clock_;
  const std::string origin_;
  const IndexFeedOptions options_;
  access::DecisionIndex* index_ = nullptr;
  std::int64_t last_seq_;  // follower thread only
  std::atomic<std::uint64_t> applied_{0};

  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::string> pending_;
  bool stop_ = false;
  std::thread writer_, follower_;
};

}  // namespace charter::cli
