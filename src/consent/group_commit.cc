#include "consent/group_commit.h"

#include <time.h>

#include <future>
#include <span>

namespace charter::consent {
namespace {

double thread_cpu_us() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

}  // namespace

GroupCommitter::GroupCommitter(store::Store& store, std::vector<BulkStatement> bulk,
                               std::size_t max_batch, Apply before_commit, AuditHook* audit)
    : store_(store),
      max_batch_(max_batch ? max_batch : 1),
      before_commit_(std::move(before_commit)),
      audit_(audit) {
  for (const auto& b : bulk) {
    auto values = [&](std::size_t rows) {
      std::string group = "(";
      for (std::size_t i = 0; i < b.per_row; ++i) group += i ? ", ?" : "?";
      group += ")";
      std::string sql = b.insert_prefix;
      for (std::size_t r = 0; r < rows; ++r) sql += (r ? ", " : "") + group;
      return sql;
    };
    const std::size_t rows = b.rows_per_statement ? b.rows_per_statement : 1;
    bulk_.push_back({values(1), values(rows), b.per_row, rows});
  }
  thread_ = std::thread([this] { loop(); });
  completer_ = std::thread([this] { complete_loop(); });
}

GroupCommitter::~GroupCommitter() { stop(); }

void GroupCommitter::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (completer_.joinable()) completer_.join();
}

GroupCommitter::Stats GroupCommitter::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void GroupCommitter::enqueue(Op op) {
  {
    std::unique_lock lock(mu_);
    if (!stopping_) {
      queue_.push_back(std::move(op));
      lock.unlock();
      cv_.notify_one();
      return;
    }
  }
  op.finish(make_error(Errc::kUnavailable, "consent ledger is shutting down"));
}

void GroupCommitter::submit_row(int statement, std::vector<store::Value> row, Done done) {
  Op op;
  op.statement = statement;
  op.row = std::move(row);
  op.done = std::move(done);
  enqueue(std::move(op));
}

void GroupCommitter::submit(Apply apply, Done done) {
  Op op;
  op.apply = std::move(apply);
  op.done = std::move(done);
  enqueue(std::move(op));
}

Status GroupCommitter::run(Apply apply) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  submit(std::move(apply), [&promise](const Status& s) { promise.set_value(s); });
  return future.get();
}

void GroupCommitter::loop() {
  std::vector<Op> batch;
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) break;  // stopping and drained
      std::size_t n = std::min(queue_.size(), max_batch_);
      batch.clear();
      batch.reserve(n);
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    const double cpu0 = thread_cpu_us();
    Status st = apply_batch(batch);
    {
      // Counted before anyone is answered, so a caller that was answered sees its batch.
      const std::size_t n = batch.size();
      std::lock_guard lock(mu_);
      ++stats_.batches;
      stats_.operations += n;
      if (n > stats_.largest_batch) stats_.largest_batch = n;
      stats_.writer_cpu_us += thread_cpu_us() - cpu0;
    }
    {
      std::lock_guard lock(done_mu_);
      done_queue_.emplace_back(std::move(batch), std::move(st));
    }
    done_cv_.notify_one();
    batch = std::vector<Op>();
  }
  {
    std::lock_guard lock(done_mu_);
    writer_finished_ = true;
  }
  done_cv_.notify_one();
}

void GroupCommitter::complete_loop() {
  while (true) {
    std::pair<std::vector<Op>, Status> item;
    {
      std::unique_lock lock(done_mu_);
      done_cv_.wait(lock, [this] { return writer_finished_ || !done_queue_.empty(); });
      if (done_queue_.empty()) return;  // the writer has finished and everything is answered
      item = std::move(done_queue_.front());
      done_queue_.pop_front();
    }
    const double cpu0 = thread_cpu_us();
    for (auto& op : item.first) op.finish(item.second);
    item.first.clear();
    const double cpu = thread_cpu_us() - cpu0;
    std::lock_guard lock(mu_);
    stats_.completion_cpu_us += cpu;
  }
}

void GroupCommitter::note(AuditRecord record) {
  if (audit_) notes_.push_back(std::move(record));
}

Status GroupCommitter::apply_batch(std::vector<Op>& ops) {
  // Audit first (fail closed): the records of plain events go to the audit log now, so its
  // write overlaps this batch's statements; those noted by functions follow them. Both are
  // waited for before the commit.
  AuditHook::Wait audit_fast, audit_noted;
  notes_.clear();
  if (audit_) {
    std::vector<AuditRecord> records;
    for (const auto& op : ops)
      if (op.audit) op.audit(op.payload.get(), records);
    if (!records.empty()) audit_fast = audit_->submit(std::move(records));
  }
  // Whatever happens below, a submitted audit is waited for (its Wait is called exactly once).
  struct Waiter {
    AuditHook::Wait& wait;
    ~Waiter() {
      if (wait) (void)wait();
    }
  } fast_guard{audit_fast};
  CHARTER_TRY(auto tx, store_.write());
  std::vector<store::Param> params;
  int pending = -1;
  auto flush = [&]() -> Status {
    if (pending < 0 || params.empty()) return ok_status();
    const auto& b = bulk_[pending];
    std::span<const store::Param> all(params);
    const std::size_t chunk = b.per_row * b.rows;
    const std::size_t full = all.size() / chunk * chunk;
    Status st;
    if (full > 0) {
      auto r = tx.exec_many(b.many, all.first(full), chunk);
      if (!r.ok()) st = std::move(r).error();
    }
    if (st.ok() && full < all.size()) {
      auto r = tx.exec_many(b.one, all.subspan(full), b.per_row);
      if (!r.ok()) st = std::move(r).error();
    }
    params.clear();
    pending = -1;
    return st;
  };
  for (auto& op : ops) {
    if (op.apply) {
      CHARTER_TRY_STATUS(flush());
      CHARTER_TRY_STATUS(op.apply(tx));
      continue;
    }
    if (op.statement < 0 || op.statement >= static_cast<int>(bulk_.size())) {
      return make_error(Errc::kInternal, "group commit: unknown statement");
    }
    if (pending != op.statement) {
      CHARTER_TRY_STATUS(flush());
      pending = op.statement;
    }
    const std::size_t before = params.size();
    if (op.append) {
      op.append(op.payload.get(), params);
    } else {
      for (const auto& v : op.row) params.emplace_back(v);
    }
    if (params.size() - before != bulk_[op.statement].per_row) {
      return make_error(Errc::kInternal, "group commit: row does not match its statement");
    }
  }
  CHARTER_TRY_STATUS(flush());
  if (!notes_.empty()) audit_noted = audit_->submit(std::move(notes_));
  notes_.clear();
  if (audit_fast) {
    Status st = audit_fast();
    audit_fast = nullptr;
    if (!st.ok()) {
      if (audit_noted) (void)audit_noted();
      return st;
    }
  }
  if (audit_noted) CHARTER_TRY_STATUS(audit_noted());
  if (before_commit_) CHARTER_TRY_STATUS(before_commit_(tx));
  return tx.commit();
}

}  // namespace charter::consent
