// The audit log's writer: group commit of entries into a LogStore, Merkle tree upkeep and
// signed tree heads.
//
// Callers submit events from any thread. Two background threads form a pipeline:
//   - the preparer takes everything queued (up to max_batch entries), gives each entry its
//     sequence number and time, encodes and hashes it, extends a copy of the tree's compact
//     range and signs a tree head when one is due;
//   - the committer writes the prepared rows and head to the store in ONE durable append, and
//     only then tells the callers of that batch their sequence numbers.
// While one batch commits, the next is prepared and new submissions queue up behind it, so one
// store commit (one fsync) serves as many entries as arrived meanwhile: the batch size follows
// the load by itself, and hashing overlaps the database's work.
//
// Fail closed: if the store append fails, every caller in the batch gets kUnavailable, the
// tree state (size, root, next sequence number) does not move, and the caller must not carry
// out the operation it wanted to audit. A batch prepared on top of the failed one is not
// written: its entries are prepared again from the unchanged state. After a failure the writer
// re-reads the store size before the next batch; if the failed append was in fact durable (an
// ambiguous commit), the writer adopts those rows (their callers were already told "failed":
// audited but not done, never done but not audited).
//
// Several writers (servers sharing one PostgreSQL database): an append that finds the log
// extended by another writer (kConflict) is not an error for its callers: the writer re-reads
// the store and prepares the same entries again on top of it, up to kMaxConflicts times per entry.
//
// Tree heads: signed when a batch brings the log head_every_entries past the last head, or
// head_every (injected Clock) after it; on a timer when entries wait unsigned and nothing is
// appended; by issue_head(); and by close().
//
// Contract: open() recovers state from the store (reads every row's recorded leaf hash, checks
// the root at each stored head: kIntegrity if they differ, kUnavailable if the store fails).
// submit() never blocks except when max_pending entries are already queued (backpressure).
// Callbacks run on the committer thread: they must be quick, must not throw and must not wait
// on this Appender. Events failing validate_event() are answered at once with kInvalidArgument.
// After close(), submissions get kFailedPrecondition. All public methods are thread safe. The
// Appender owns its signing key; the store and clock must outlive it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "audit/compact_range.h"
#include "audit/entry.h"
#include "audit/log_store.h"
#include "audit/tree_head.h"
#include "core/clock.h"
#include "crypto/sign.h"

namespace charter::audit {

struct AppenderOptions {
  std::size_t max_batch = 16384;  // entries per store append
  std::uint64_t head_every_entries = 4096;
  Micros head_every = std::chrono::seconds(1);
  std::size_t max_pending = 1 << 20;  // submitters wait beyond this many queued entries
};

struct AppenderStats {
  std::uint64_t batches = 0;         // successful store appends
  std::uint64_t entries = 0;         // entries made durable by this Appender
  std::uint64_t failed_batches = 0;  // store appends that failed (their callers got errors)
  std::uint64_t failed_entries = 0;
  std::uint64_t heads = 0;         // heads signed and stored
  std::uint64_t failed_heads = 0;  // timer heads that could not be stored (retried)
};

class Appender {
 public:
  static constexpr int kMaxConflicts = 32;
  // Sequence number of the durable entry, or the error.
  using Callback = std::function<void(Result<std::uint64_t>)>;

  static Result<std::unique_ptr<Appender>> open(LogStore& store, crypto::SigningKey key,
                                                const Clock& clock, AppenderOptions options = {});
  Appender(const Appender&) = delete;
  Appender& operator=(const Appender&) = delete;
  ~Appender();  // close(), ignoring its result

  void submit(AuditEvent event, Callback done);
  std::future<Result<std::uint64_t>> submit(AuditEvent event);
  // submit() and wait.
  Result<std::uint64_t> append(AuditEvent event);

  // Waits until every entry submitted before this call is durable or failed.
  void flush();
  // Signs and stores a head for the current durable size now (returns the existing latest head
  // if it already covers that size). Errors: kUnavailable from the store; kFailedPrecondition
  // on an empty log.
  Result<SignedTreeHead> issue_head();
  // Drains the queue, stops the writer, signs a final head. Idempotent.
  Status close();

  std::uint64_t size() const;  // durable entries
  // Entries submitted and not yet settled (durable or failed): the audit backlog.
  std::uint64_t backlog() const;
  Hash root() const;  // root at size()
  std::optional<SignedTreeHead> latest_head() const;
  const crypto::PublicKey& public_key() const { return key_.public_key(); }
  AppenderStats stats() const;

 private:
  struct Pending {
    std::uint64_t ticket = 0;  // submission order
    int conflicts = 0;         // appends lost to another writer (retried up to kMaxConflicts)
    AuditEvent event;
    Callback callback;                                           // either this
    std::optional<std::promise<Result<std::uint64_t>>> promise;  // or this
  };
  // A batch ready to be written, prepared on top of the tree state of `epoch`.
  struct Prepared {
    std::deque<Pending> pendings;
    std::vector<StoredEntry> rows;
    std::optional<SignedTreeHead> head;
    CompactRange range_after;
    Timestamp time{};
    std::uint64_t epoch = 0;
  };
  // Tree state: what is durable (committed_) and what the preparer builds on (next_).
  struct TreeState {
    CompactRange range;
    Timestamp last_time{};
    std::uint64_t last_head_size = 0;
    Timestamp last_head_time{};
  };

  Appender(LogStore& store, crypto::SigningKey key, const Clock& clock, AppenderOptions options);
  Status recover();
  void enqueue(Pending pending);
  void requeue(std::deque<Pending> pendings);
  void requeue_locked(std::deque<Pending> pendings);  // mu_ held
  void prepare_loop();
  void commit_loop();
  std::optional<Prepared> prepare(std::deque<Pending> pendings);
  void commit(Prepared batch);
  void timer_head();
  void settled(std::size_t n);
  // The helpers below run with state_mu_ held.
  Status resync();
  Status reload_head();
  void roll_back_next();
  bool head_due(const TreeState& s, std::uint64_t size, Timestamp now) const;
  Status sign_and_store_head(Timestamp now);
  static void settle(Pending& p, Result<std::uint64_t> result);

  LogStore& store_;
  const crypto::SigningKey key_;
  const Clock& clock_;
  const AppenderOptions options_;

  // Queue and pipeline hand-off (mu_).
  mutable std::mutex mu_;
  std::condition_variable work_cv_;     // preparer: work queued, or a commit finished
  std::condition_variable space_cv_;    // submitters: room in the queue
  std::condition_variable slot_cv_;     // committer: a batch is ready; preparer: slot free
  std::condition_variable settled_cv_;  // flush()
  std::deque<Pending> queue_;
  std::optional<Prepared> slot_;  // prepared, waiting for the committer
  bool committing_ = false;
  std::uint64_t submitted_ = 0;
  std::uint64_t settled_ = 0;
  bool stopping_ = false;
  bool committer_stop_ = false;
  bool closed_ = false;

  // Tree state (state_mu_).
  mutable std::mutex state_mu_;
  TreeState committed_;
  TreeState next_;
  std::uint64_t epoch_ = 0;  // bumped when next_ is rolled back to committed_
  std::optional<SignedTreeHead> latest_head_;
  bool needs_resync_ = false;  // an append failed: re-read the store before the next batch
  bool head_unsure_ = false;   // storing a head failed: re-read the latest head before signing
  AppenderStats stats_;

  std::mutex close_mu_;
  std::thread preparer_;
  std::thread committer_;
};

}  // namespace charter::audit
