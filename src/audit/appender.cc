#include "audit/appender.h"

#include <algorithm>
#include <iterator>

#include "audit/entry_codec.h"

namespace charter::audit {
namespace {

constexpr std::size_t kRecoveryChunk = 65536;

Error integrity(std::string what) {
  return make_error(Errc::kIntegrity,
                    "audit log: " + std::move(what) + " (run `charter audit verify`)");
}

Error refused(const Error& cause) {
  return make_error(Errc::kUnavailable,
                    "audit log could not be written, operation refused: " + cause.message);
}

}  // namespace

Appender::Appender(LogStore& store, crypto::SigningKey key, const Clock& clock,
                   AppenderOptions options)
    : store_(store), key_(std::move(key)), clock_(clock), options_(options) {}

Result<std::unique_ptr<Appender>> Appender::open(LogStore& store, crypto::SigningKey key,
                                                 const Clock& clock, AppenderOptions options) {
  if (options.max_batch == 0) options.max_batch = 1;
  if (options.max_pending == 0) options.max_pending = 1;
  if (options.head_every_entries == 0) options.head_every_entries = 1;
  std::unique_ptr<Appender> a(new Appender(store, std::move(key), clock, options));
  {
    std::lock_guard g(a->state_mu_);
    CHARTER_TRY_STATUS(a->recover());
    a->next_ = a->committed_;
  }
  a->committer_ = std::thread([p = a.get()] { p->commit_loop(); });
  a->preparer_ = std::thread([p = a.get()] { p->prepare_loop(); });
  return a;
}

Appender::~Appender() { (void)close(); }

// ---- Recovery ---------------------------------------------------------------------------------

Status Appender::recover() {
  CHARTER_TRY(std::vector<SignedTreeHead> heads, store_.heads());
  std::size_t hi = 0;
  while (hi < heads.size() && heads[hi].head.tree_size == 0) {
    if (heads[hi].head.root != empty_root()) return integrity("head at size 0 has a wrong root");
    ++hi;
  }
  CompactRange& range = committed_.range;
  std::uint64_t pos = 0;
  StoredEntry last;
  for (;;) {
    CHARTER_TRY(std::vector<StoredEntry> rows, store_.read(pos, kRecoveryChunk));
    if (rows.empty()) break;
    for (StoredEntry& r : rows) {
      if (r.sequence != pos) return integrity("entry " + std::to_string(pos) + " missing");
      range.append(r.leaf_hash);
      ++pos;
      for (; hi < heads.size() && heads[hi].head.tree_size == pos; ++hi)
        if (range.root() != heads[hi].head.root)
          return integrity("entries do not match the signed head at size " + std::to_string(pos));
    }
    last = std::move(rows.back());
  }
  if (hi < heads.size())
    return integrity("a signed head has size " + std::to_string(heads[hi].head.tree_size) +
                     " but the log holds " + std::to_string(pos) + " entries");
  CHARTER_TRY(std::uint64_t size, store_.size());
  if (size != pos) return integrity("store size disagrees with its rows");
  if (pos > 0) {
    auto entry = decode_entry(last.encoded);
    if (!entry.ok()) return integrity("last entry: " + entry.error().message);
    committed_.last_time = entry->time;
  }
  if (!heads.empty()) {
    latest_head_ = heads.back();
    committed_.last_head_size = heads.back().head.tree_size;
    committed_.last_head_time = heads.back().head.time;
  } else {
    committed_.last_head_time = clock_.now();
  }
  return ok_status();
}

Status Appender::resync() {
  CHARTER_TRY(std::uint64_t size, store_.size());
  CompactRange& range = committed_.range;
  if (size < range.size())
    return integrity("the store holds fewer entries (" + std::to_string(size) +
                     ") than were written (" + std::to_string(range.size()) + ")");
  while (range.size() < size) {
    CHARTER_TRY(std::vector<StoredEntry> rows, store_.read(range.size(), kRecoveryChunk));
    if (rows.empty()) return integrity("store size disagrees with its rows");
    for (const StoredEntry& r : rows) {
      if (r.sequence != range.size())
        return integrity("entry " + std::to_string(range.size()) + " missing");
      range.append(r.leaf_hash);
    }
    auto entry = decode_entry(rows.back().encoded);
    if (!entry.ok()) return integrity("entry: " + entry.error().message);
    committed_.last_time = std::max(committed_.last_time, entry->time);
  }
  CHARTER_TRY_STATUS(reload_head());
  needs_resync_ = false;
  roll_back_next();
  return ok_status();
}

Status Appender::reload_head() {
  CHARTER_TRY(std::optional<SignedTreeHead> head, store_.latest_head());
  if (head && head->head.tree_size > committed_.last_head_size) {
    latest_head_ = head;
    committed_.last_head_size = head->head.tree_size;
    committed_.last_head_time = head->head.time;
  }
  head_unsure_ = false;
  return ok_status();
}

void Appender::roll_back_next() {
  next_ = committed_;
  ++epoch_;
}

// ---- Submission -------------------------------------------------------------------------------

void Appender::settle(Pending& p, Result<std::uint64_t> result) {
  if (p.callback)
    p.callback(std::move(result));
  else
    p.promise->set_value(std::move(result));
}

void Appender::submit(AuditEvent event, Callback done) {
  enqueue(Pending{0, 0, std::move(event), std::move(done), std::nullopt});
}

std::future<Result<std::uint64_t>> Appender::submit(AuditEvent event) {
  Pending p{0, 0, std::move(event), nullptr, std::promise<Result<std::uint64_t>>()};
  auto future = p.promise->get_future();
  enqueue(std::move(p));
  return future;
}

Result<std::uint64_t> Appender::append(AuditEvent event) { return submit(std::move(event)).get(); }

void Appender::enqueue(Pending p) {
  if (auto st = validate_event(p.event); !st.ok()) {
    settle(p, st.error());
    return;
  }
  std::unique_lock lock(mu_);
  space_cv_.wait(lock, [&] { return stopping_ || queue_.size() < options_.max_pending; });
  if (stopping_) {
    lock.unlock();
    settle(p, make_error(Errc::kFailedPrecondition, "audit log is closed"));
    return;
  }
  const bool was_empty = queue_.empty();
  p.ticket = submitted_++;
  queue_.push_back(std::move(p));
  lock.unlock();
  if (was_empty) work_cv_.notify_one();
}

void Appender::requeue_locked(std::deque<Pending> pendings) {
  // Back in submission order: other batches may have been requeued before this one.
  std::deque<Pending> merged;
  std::merge(std::make_move_iterator(pendings.begin()), std::make_move_iterator(pendings.end()),
             std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()),
             std::back_inserter(merged),
             [](const Pending& a, const Pending& b) { return a.ticket < b.ticket; });
  queue_.swap(merged);
}

void Appender::requeue(std::deque<Pending> pendings) {
  {
    std::lock_guard g(mu_);
    requeue_locked(std::move(pendings));
  }
  work_cv_.notify_one();
}

void Appender::settled(std::size_t n) {
  {
    std::lock_guard g(mu_);
    settled_ += n;
  }
  settled_cv_.notify_all();
}

void Appender::flush() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = submitted_;
  settled_cv_.wait(lock, [&] { return settled_ >= target; });
}

// ---- Preparer ---------------------------------------------------------------------------------

void Appender::prepare_loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait(lock, [&] { return !queue_.empty() || (stopping_ && !slot_ && !committing_); });
    if (queue_.empty()) return;  // closing, and everything is written
    std::deque<Pending> batch;
    if (queue_.size() <= options_.max_batch) {
      batch.swap(queue_);
    } else {
      auto end = queue_.begin() + static_cast<std::ptrdiff_t>(options_.max_batch);
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(end));
      queue_.erase(queue_.begin(), end);
    }
    lock.unlock();
    space_cv_.notify_all();
    std::optional<Prepared> prepared = prepare(std::move(batch));
    lock.lock();
    if (!prepared) continue;
    slot_cv_.wait(lock, [&] { return !slot_; });
    {
      // Checked with the hand-over, atomically with a failed commit's roll-back (which holds
      // mu_ too), so no batch built on a failed one ever reaches the committer and requeued
      // entries keep their order.
      std::lock_guard g(state_mu_);
      if (prepared->epoch != epoch_) {
        requeue_locked(std::move(prepared->pendings));
        continue;
      }
    }
    slot_ = std::move(prepared);
    slot_cv_.notify_all();
  }
}

bool Appender::head_due(const TreeState& s, std::uint64_t size, Timestamp now) const {
  return size > s.last_head_size && (size - s.last_head_size >= options_.head_every_entries ||
                                     now - s.last_head_time >= options_.head_every);
}

std::optional<Appender::Prepared> Appender::prepare(std::deque<Pending> pendings) {
  TreeState base;
  Prepared p;
  {
    std::unique_lock g(state_mu_);
    if (needs_resync_) {
      if (auto st = resync(); !st.ok()) {
        stats_.failed_batches += 1;
        stats_.failed_entries += pendings.size();
        g.unlock();
        const Error e = refused(st.error());
        for (Pending& q : pendings) settle(q, e);
        settled(pendings.size());
        return std::nullopt;
      }
    }
    base = next_;
    p.epoch = epoch_;
  }
  // The heavy part, outside the lock: encode and hash every entry.
  p.time = std::max(clock_.now(), base.last_time);
  p.range_after = base.range;
  p.rows.resize(pendings.size());
  for (std::size_t i = 0; i < pendings.size(); ++i) {
    StoredEntry& row = p.rows[i];
    const AuditEvent& event = pendings[i].event;
    row.sequence = p.range_after.size();
    row.encoded.reserve(128 + event.subject.size() + event.actor.id.size());
    encode_entry_to(row.sequence, p.time, event, row.encoded);
    row.leaf_hash = leaf_hash(row.encoded);
    row.subject = event.subject;
    p.range_after.append(row.leaf_hash);
  }
  if (head_due(base, p.range_after.size(), p.time))
    p.head = sign_tree_head({p.range_after.size(), p.range_after.root(), p.time}, key_);
  {
    std::unique_lock g(state_mu_);
    if (p.epoch != epoch_) {
      // A commit failed meanwhile: this batch was built on entries that do not exist.
      g.unlock();
      requeue(std::move(pendings));
      return std::nullopt;
    }
    next_.range = p.range_after;
    next_.last_time = p.time;
    if (p.head) {
      next_.last_head_size = p.head->head.tree_size;
      next_.last_head_time = p.time;
    }
  }
  p.pendings = std::move(pendings);
  return p;
}

// ---- Committer --------------------------------------------------------------------------------

void Appender::commit_loop() {
  const Micros tick = std::clamp<Micros>(options_.head_every, Micros(1000), Micros(50000));
  std::unique_lock lock(mu_);
  for (;;) {
    slot_cv_.wait_for(lock, tick, [&] { return slot_.has_value() || committer_stop_; });
    if (!slot_) {
      if (committer_stop_) return;
      lock.unlock();
      timer_head();
      lock.lock();
      continue;
    }
    Prepared batch = std::move(*slot_);
    slot_.reset();
    committing_ = true;
    slot_cv_.notify_all();  // the preparer may hand over the next batch
    lock.unlock();
    commit(std::move(batch));
    lock.lock();
    committing_ = false;
    work_cv_.notify_all();
  }
}

void Appender::commit(Prepared batch) {
  {
    std::unique_lock g(state_mu_);
    if (batch.epoch != epoch_) {
      g.unlock();
      requeue(std::move(batch.pendings));
      return;
    }
  }
  const std::size_t n = batch.pendings.size();
  Status st = store_.append(batch.rows, batch.head ? &*batch.head : nullptr);
  std::uint64_t first = 0;
  bool retried = false;
  {
    // Lock order: mu_ before state_mu_ (nothing takes mu_ while holding state_mu_).
    std::lock_guard q(mu_);
    std::lock_guard g(state_mu_);
    if (st.ok()) {
      first = committed_.range.size();
      committed_.range = std::move(batch.range_after);
      committed_.last_time = batch.time;
      if (batch.head) {
        latest_head_ = batch.head;
        committed_.last_head_size = batch.head->head.tree_size;
        committed_.last_head_time = batch.time;
        ++stats_.heads;
      }
      ++stats_.batches;
      stats_.entries += n;
    } else if (st.error().code == Errc::kConflict &&
               std::all_of(batch.pendings.begin(), batch.pendings.end(),
                           [](const Pending& p) { return p.conflicts < kMaxConflicts; })) {
      // Another writer extended the log: re-read it and prepare these entries again on top.
      needs_resync_ = true;
      roll_back_next();
      for (Pending& p : batch.pendings) ++p.conflicts;
      requeue_locked(std::move(batch.pendings));
      if (slot_) {
        requeue_locked(std::move(slot_->pendings));
        slot_.reset();
        slot_cv_.notify_all();
      }
      retried = true;
    } else {
      needs_resync_ = true;
      ++stats_.failed_batches;
      stats_.failed_entries += n;
      roll_back_next();
      // A batch already prepared on top of this one goes back to the queue.
      if (slot_) {
        requeue_locked(std::move(slot_->pendings));
        slot_.reset();
        slot_cv_.notify_all();
      }
    }
  }
  if (!st.ok()) work_cv_.notify_all();
  if (retried) return;  // the entries are queued again, not settled
  // Callers are told outside the lock, so callbacks may read size() or latest_head().
  if (st.ok()) {
    for (std::size_t i = 0; i < n; ++i) settle(batch.pendings[i], first + i);
  } else {
    const Error e = refused(st.error());
    for (Pending& p : batch.pendings) settle(p, e);
  }
  settled(n);
}

// ---- Heads ------------------------------------------------------------------------------------

Status Appender::sign_and_store_head(Timestamp now) {
  SignedTreeHead sth =
      sign_tree_head({committed_.range.size(), committed_.range.root(), now}, key_);
  if (auto st = store_.put_head(sth); !st.ok()) {
    head_unsure_ = true;
    ++stats_.failed_heads;
    return make_error(Errc::kUnavailable, "audit tree head not stored: " + st.error().message);
  }
  latest_head_ = sth;
  committed_.last_head_size = sth.head.tree_size;
  committed_.last_head_time = now;
  if (next_.last_head_size < committed_.last_head_size) {
    next_.last_head_size = committed_.last_head_size;
    next_.last_head_time = now;
  }
  ++stats_.heads;
  return ok_status();
}

void Appender::timer_head() {
  std::lock_guard g(state_mu_);
  if (head_unsure_ && !reload_head().ok()) return;
  const Timestamp now = std::max(clock_.now(), committed_.last_time);
  if (committed_.range.size() > committed_.last_head_size &&
      now - committed_.last_head_time >= options_.head_every)
    (void)sign_and_store_head(now);
}

Result<SignedTreeHead> Appender::issue_head() {
  std::lock_guard g(state_mu_);
  if (head_unsure_) CHARTER_TRY_STATUS(reload_head());
  if (committed_.range.size() == 0)
    return make_error(Errc::kFailedPrecondition, "audit log is empty: no tree head to sign");
  if (latest_head_ && committed_.last_head_size == committed_.range.size()) return *latest_head_;
  CHARTER_TRY_STATUS(sign_and_store_head(std::max(clock_.now(), committed_.last_time)));
  return *latest_head_;
}

Status Appender::close() {
  std::lock_guard close_lock(close_mu_);
  {
    std::lock_guard g(mu_);
    if (closed_) return ok_status();
    stopping_ = true;
  }
  work_cv_.notify_all();
  space_cv_.notify_all();
  slot_cv_.notify_all();
  if (preparer_.joinable()) preparer_.join();  // returns once everything queued is written
  {
    std::lock_guard g(mu_);
    committer_stop_ = true;
  }
  slot_cv_.notify_all();
  if (committer_.joinable()) committer_.join();
  {
    std::lock_guard g(mu_);
    closed_ = true;
  }
  std::lock_guard g(state_mu_);
  if (needs_resync_) CHARTER_TRY_STATUS(resync());
  if (head_unsure_) CHARTER_TRY_STATUS(reload_head());
  if (committed_.range.size() > committed_.last_head_size)
    return sign_and_store_head(std::max(clock_.now(), committed_.last_time));
  return ok_status();
}

// ---- Observers --------------------------------------------------------------------------------

std::uint64_t Appender::size() const {
  std::lock_guard g(state_mu_);
  return committed_.range.size();
}

Hash Appender::root() const {
  std::lock_guard g(state_mu_);
  return committed_.range.root();
}

std::optional<SignedTreeHead> Appender::latest_head() const {
  std::lock_guard g(state_mu_);
  return latest_head_;
}

std::uint64_t Appender::backlog() const {
  std::lock_guard g(mu_);
  return submitted_ >= settled_ ? submitted_ - settled_ : 0;
}

AppenderStats Appender::stats() const {
  std::lock_guard g(state_mu_);
  return stats_;
}

}  // namespace charter::audit
