// GroupCommitter: durable acknowledgement of many small writes with few commits (group commit).
//
// Callers submit operations from any thread; one writer thread drains the queue, runs every
// waiting operation (up to max_batch) in ONE write transaction, commits, and hands the batch to
// a completion thread, which calls each operation's `done` with the commit's outcome (in
// submission order) and frees the operations. So an acknowledged operation is durable (as the
// store's Durability); while one batch commits (one fsync) the next one gathers, and the writer
// thread does nothing but statements and commits.
//
// Operations are either rows for one of the bulk statements given at construction (the fast
// path: consecutive rows of one statement go to Transaction::exec_many, pipelined on
// PostgreSQL) or a function run inside the transaction (reads and conditional writes; it must
// report logical refusals through its own captures and return an error only for storage
// failures). A batch is all or nothing: if any statement or the commit fails, every operation
// of the batch gets that error and nothing of it is stored.
//
// `done` runs on the completion thread after commit: keep it short and never wait on this
// committer from it (deadlock). run() and submit-and-wait helpers must not be called from the
// committer's threads either. Destruction (or stop()) runs what is queued, answers it, then
// joins the threads; operations submitted after stop() fail with kUnavailable.
// Audit (audit_hook.h): with a hook, every batch's AuditRecords (those of payload operations,
// given by their Audit function, and those noted by functions with note()) are submitted to the
// hook and waited for before the batch commits; an audit error fails the whole batch.
// Thread safety: submit/run are thread safe; note() only from inside an Apply.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "consent/audit_hook.h"
#include "core/result.h"
#include "store/store.h"
#include "store/value.h"

namespace charter::consent {

class GroupCommitter {
 public:
  using Apply = std::function<Status(store::Transaction&)>;
  using Done = std::function<void(const Status&)>;

  // Rows of one table: consecutive rows are inserted `rows_per_statement` at a time with a
  // multi-row INSERT (one statement per 64 rows: 3.4x the single-row rate on PostgreSQL, see
  // docs/BENCHMARKS.md), the remainder one by one.
  struct BulkStatement {
    std::string insert_prefix;  // "INSERT INTO t (a, b, c) VALUES "
    std::size_t per_row = 0;    // placeholders per row
    std::size_t rows_per_statement = 64;
  };
  struct Stats {
    std::uint64_t batches = 0;
    std::uint64_t operations = 0;
    std::uint64_t largest_batch = 0;
    double writer_cpu_us = 0;      // CPU time of the writer thread (statements, commits)
    double completion_cpu_us = 0;  // CPU time of the completion thread (callbacks, frees)
  };

  // `before_commit`, if set, runs last in every batch's transaction (e.g. a high-water mark).
  GroupCommitter(store::Store& store, std::vector<BulkStatement> bulk, std::size_t max_batch,
                 Apply before_commit = {}, AuditHook* audit = nullptr);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // `row` must have bulk[statement].per_row values (else `done` gets kInternal).
  void submit_row(int statement, std::vector<store::Value> row, Done done);
  // The allocation-free fast path: `payload` owns the row's data; Append adds its per_row
  // parameters (views into the payload) and Complete is called after the commit, on the writer
  // thread. The committer keeps the payload alive until then.
  // `Audit` (optional) adds the operation's audit records.
  template <typename T, void (*Append)(const T&, std::vector<store::Param>&),
            void (*Complete)(T&, const Status&),
            void (*Audit)(const T&, std::vector<AuditRecord>&) = nullptr>
  void submit_payload(int statement, std::shared_ptr<T> payload) {
    Op op;
    op.statement = statement;
    op.payload = std::move(payload);
    op.append = [](const void* p, std::vector<store::Param>& out) {
      Append(*static_cast<const T*>(p), out);
    };
    op.complete = [](void* p, const Status& st) { Complete(*static_cast<T*>(p), st); };
    if constexpr (Audit != nullptr) {
      op.audit = [](const void* p, std::vector<AuditRecord>& out) {
        Audit(*static_cast<const T*>(p), out);
      };
    }
    enqueue(std::move(op));
  }
  // From inside an Apply (writer thread): audit `record` with this batch (ignored without hook).
  void note(AuditRecord record);
  bool audited() const { return audit_ != nullptr; }
  void submit(Apply apply, Done done);
  // Submits and waits for the commit.
  Status run(Apply apply);

  void stop();
  Stats stats() const;

 private:
  struct Op {
    int statement = -1;
    std::vector<store::Value> row;
    std::shared_ptr<void> payload;
    void (*append)(const void*, std::vector<store::Param>&) = nullptr;
    void (*complete)(void*, const Status&) = nullptr;
    void (*audit)(const void*, std::vector<AuditRecord>&) = nullptr;
    Apply apply;
    Done done;
    void finish(const Status& st) {
      if (complete) complete(payload.get(), st);
      if (done) done(st);
    }
  };
  void enqueue(Op op);
  void loop();
  void complete_loop();
  Status apply_batch(std::vector<Op>& ops);

  store::Store& store_;
  struct Prepared {
    std::string one;   // single-row INSERT
    std::string many;  // rows_per_statement rows
    std::size_t per_row = 0;
    std::size_t rows = 1;
  };
  std::vector<Prepared> bulk_;
  std::size_t max_batch_;
  Apply before_commit_;
  AuditHook* audit_ = nullptr;
  std::vector<AuditRecord> notes_;  // writer thread only
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Op> queue_;
  bool stopping_ = false;
  Stats stats_;
  // Committed batches waiting for their callbacks.
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  std::deque<std::pair<std::vector<Op>, Status>> done_queue_;
  bool writer_finished_ = false;
  std::thread thread_;
  std::thread completer_;
};

}  // namespace charter::consent
