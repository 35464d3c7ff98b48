// The audit log's writer: group commit of entries into a LogStore, Merkle tree upkeep and
// signed tree heads.
//
// Callers submit events from any thread. One background writer thread takes everything queued
// (up to max_batch entries at a time), gives each entry its sequence number and time, encodes
// and hashes it, extends a copy of the tree's compact range, signs a tree head when one is due,
// and writes rows and head to the store in ONE durable append. Only then are the callers of
// that batch told their sequence number. While a batch is being written, new submissions queue
// up for the next one, so one store commit (one fsync) serves as many entries as arrived
// during the previous one.
//
// Fail closed: if the store append fails, every caller in the batch gets kUnavailable, the
// tree state (size, root, next sequence number) does not move, and the caller must not carry
// out the operation it wanted to audit. After a failure the writer re-reads the store size
// before the next batch; if the failed append was in fact durable (an ambiguous commit), the
// writer adopts those rows (their callers were already told "failed": audited but not done,
// never done but not audited).
//
// Tree heads: signed when a batch brings the log head_every_entries past the last head, or
// head_every (injected Clock) after it; on a timer when entries wait unsigned and nothing is
// appended; by issue_head(); and by close().
//
// Contract: open() recovers state from the store (reads every row's recorded leaf hash, checks
// the root at each stored head: kIntegrity if they differ, kUnavailable if the store fails).
// submit() never blocks except when max_pending entries are already queued (backpressure).
// Callbacks run on the writer thread: they must be quick and must not wait on this Appender.
// Events failing validate_event() are answered at once with kInvalidArgument. After close(),
// submissions get kFailedPrecondition. All public methods are thread safe. The Appender owns
// its signing key; the store and clock must outlive it.
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
  Hash root() const;           // root at size()
  std::optional<SignedTreeHead> latest_head() const;
  const crypto::PublicKey& public_key() const { return key_.public_key(); }
  AppenderStats stats() const;

 private:
  struct Pending {
    AuditEvent event;
    Callback callback;                                           // either this
    std::optional<std::promise<Result<std::uint64_t>>> promise;  // or this
  };

  Appender(LogStore& store, crypto::SigningKey key, const Clock& clock, AppenderOptions options);
  Status recover();
  void enqueue(Pending pending);
  void run();
  void write_batch(std::deque<Pending>& queue, std::size_t count);
  void timer_head();
  // The helpers below run with write_mu_ held.
  Status resync();
  bool head_due(std::uint64_t size, Timestamp now) const;
  Status sign_and_store_head(Timestamp now);
  static void settle(Pending& p, Result<std::uint64_t> result);

  LogStore& store_;
  const crypto::SigningKey key_;
  const Clock& clock_;
  const AppenderOptions options_;

  // Queue (mu_).
  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable space_cv_;
  std::condition_variable settled_cv_;
  std::deque<Pending> queue_;
  std::uint64_t submitted_ = 0;
  std::uint64_t settled_ = 0;
  bool stopping_ = false;
  bool closed_ = false;

  // Tree state (write_mu_): only changed after a durable append.
  mutable std::mutex write_mu_;
  CompactRange range_;
  Timestamp last_time_{};
  std::optional<SignedTreeHead> latest_head_;
  std::uint64_t last_head_size_ = 0;
  Timestamp last_head_time_{};
  bool needs_resync_ = false;
  AppenderStats stats_;
  std::vector<StoredEntry> rows_;  // reused batch buffer

  std::mutex close_mu_;

  std::thread writer_;
};

}  // namespace charter::audit
