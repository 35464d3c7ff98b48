#include "audit/appender.h"

#include <algorithm>

#include "audit/entry_codec.h"

namespace charter::audit {
namespace {

constexpr std::size_t kRecoveryChunk = 65536;

Error integrity(std::string what) {
  return make_error(Errc::kIntegrity,
                    "audit log: " + std::move(what) + " (run `charter audit verify`)");
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
    std::lock_guard g(a->write_mu_);
    CHARTER_TRY_STATUS(a->recover());
  }
  a->writer_ = std::thread([p = a.get()] { p->run(); });
  return a;
}

Appender::~Appender() { (void)close(); }

Status Appender::recover() {
  CHARTER_TRY(std::vector<SignedTreeHead> heads, store_.heads());
  std::size_t hi = 0;
  while (hi < heads.size() && heads[hi].head.tree_size == 0) {
    if (heads[hi].head.root != empty_root()) return integrity("head at size 0 has a wrong root");
    ++hi;
  }
  std::uint64_t pos = 0;
  StoredEntry last;
  for (;;) {
    CHARTER_TRY(std::vector<StoredEntry> rows, store_.read(pos, kRecoveryChunk));
    if (rows.empty()) break;
    for (StoredEntry& r : rows) {
      if (r.sequence != pos) return integrity("entry " + std::to_string(pos) + " missing");
      range_.append(r.leaf_hash);
      ++pos;
      for (; hi < heads.size() && heads[hi].head.tree_size == pos; ++hi)
        if (range_.root() != heads[hi].head.root)
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
    last_time_ = entry->time;
  }
  if (!heads.empty()) {
    latest_head_ = heads.back();
    last_head_size_ = heads.back().head.tree_size;
    last_head_time_ = heads.back().head.time;
  } else {
    last_head_time_ = clock_.now();
  }
  return ok_status();
}

void Appender::settle(Pending& p, Result<std::uint64_t> result) {
  if (p.callback)
    p.callback(std::move(result));
  else
    p.promise->set_value(std::move(result));
}

void Appender::submit(AuditEvent event, Callback done) {
  Pending p{std::move(event), std::move(done), std::nullopt};
  enqueue(std::move(p));
}

std::future<Result<std::uint64_t>> Appender::submit(AuditEvent event) {
  Pending p{std::move(event), nullptr, std::promise<Result<std::uint64_t>>()};
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
  queue_.push_back(std::move(p));
  ++submitted_;
  lock.unlock();
  if (was_empty) work_cv_.notify_one();
}

void Appender::flush() {
  std::unique_lock lock(mu_);
  const std::uint64_t target = submitted_;
  settled_cv_.wait(lock, [&] { return settled_ >= target; });
}

void Appender::run() {
  const Micros tick = std::clamp<Micros>(options_.head_every, Micros(1000), Micros(50000));
  std::unique_lock lock(mu_);
  for (;;) {
    work_cv_.wait_for(lock, tick, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      if (stopping_) return;
      lock.unlock();
      timer_head();
      lock.lock();
      continue;
    }
    std::deque<Pending> batch;
    batch.swap(queue_);
    lock.unlock();
    space_cv_.notify_all();
    while (!batch.empty()) {
      const std::size_t n = std::min(batch.size(), options_.max_batch);
      write_batch(batch, n);
      {
        std::lock_guard g(mu_);
        settled_ += n;
      }
      settled_cv_.notify_all();
    }
    lock.lock();
  }
}

bool Appender::head_due(std::uint64_t size, Timestamp now) const {
  return size > last_head_size_ && (size - last_head_size_ >= options_.head_every_entries ||
                                    now - last_head_time_ >= options_.head_every);
}

void Appender::write_batch(std::deque<Pending>& queue, std::size_t count) {
  std::optional<Error> failure;
  std::uint64_t first = 0;
  {
    std::lock_guard g(write_mu_);
    if (needs_resync_) {
      if (auto st = resync(); !st.ok()) failure = st.error();
    }
    if (!failure) {
      CompactRange next = range_;
      const Timestamp now = std::max(clock_.now(), last_time_);
      rows_.resize(count);
      for (std::size_t i = 0; i < count; ++i) {
        StoredEntry& row = rows_[i];
        AuditEntry entry{next.size(), now, std::move(queue[i].event)};
        row.sequence = entry.sequence;
        row.encoded.clear();
        encode_entry_to(entry, row.encoded);
        row.leaf_hash = leaf_hash(row.encoded);
        row.subject = std::move(entry.event.subject);
        next.append(row.leaf_hash);
      }
      std::optional<SignedTreeHead> head;
      if (head_due(next.size(), now)) head = sign_tree_head({next.size(), next.root(), now}, key_);
      Status st = store_.append(rows_, head ? &*head : nullptr);
      if (st.ok()) {
        first = range_.size();
        range_ = std::move(next);
        last_time_ = now;
        if (head) {
          latest_head_ = head;
          last_head_size_ = head->head.tree_size;
          last_head_time_ = now;
          ++stats_.heads;
        }
        ++stats_.batches;
        stats_.entries += count;
      } else {
        needs_resync_ = true;
        ++stats_.failed_batches;
        stats_.failed_entries += count;
        failure = st.error();
      }
    } else {
      ++stats_.failed_batches;
      stats_.failed_entries += count;
    }
  }
  // Callers are told outside write_mu_, so callbacks may read size() or latest_head().
  if (failure) {
    Error e = make_error(Errc::kUnavailable,
                         "audit log could not be written, operation refused: " + failure->message);
    for (std::size_t i = 0; i < count; ++i) settle(queue[i], e);
  } else {
    for (std::size_t i = 0; i < count; ++i) settle(queue[i], first + i);
  }
  queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(count));
}

Status Appender::resync() {
  CHARTER_TRY(std::uint64_t size, store_.size());
  if (size < range_.size())
    return integrity("the store holds fewer entries (" + std::to_string(size) +
                     ") than were written (" + std::to_string(range_.size()) + ")");
  while (range_.size() < size) {
    CHARTER_TRY(std::vector<StoredEntry> rows, store_.read(range_.size(), kRecoveryChunk));
    if (rows.empty()) return integrity("store size disagrees with its rows");
    for (const StoredEntry& r : rows) {
      if (r.sequence != range_.size())
        return integrity("entry " + std::to_string(range_.size()) + " missing");
      range_.append(r.leaf_hash);
    }
    auto entry = decode_entry(rows.back().encoded);
    if (!entry.ok()) return integrity("entry: " + entry.error().message);
    last_time_ = std::max(last_time_, entry->time);
  }
  CHARTER_TRY(std::optional<SignedTreeHead> head, store_.latest_head());
  if (head && head->head.tree_size > last_head_size_) {
    latest_head_ = head;
    last_head_size_ = head->head.tree_size;
    last_head_time_ = head->head.time;
  }
  needs_resync_ = false;
  return ok_status();
}

Status Appender::sign_and_store_head(Timestamp now) {
  SignedTreeHead sth = sign_tree_head({range_.size(), range_.root(), now}, key_);
  if (auto st = store_.put_head(sth); !st.ok()) {
    needs_resync_ = true;
    ++stats_.failed_heads;
    return make_error(Errc::kUnavailable, "audit tree head not stored: " + st.error().message);
  }
  latest_head_ = sth;
  last_head_size_ = sth.head.tree_size;
  last_head_time_ = now;
  ++stats_.heads;
  return ok_status();
}

void Appender::timer_head() {
  std::lock_guard g(write_mu_);
  if (needs_resync_ && !resync().ok()) return;
  const Timestamp now = std::max(clock_.now(), last_time_);
  if (range_.size() > last_head_size_ && now - last_head_time_ >= options_.head_every)
    (void)sign_and_store_head(now);
}

Result<SignedTreeHead> Appender::issue_head() {
  std::lock_guard g(write_mu_);
  if (needs_resync_) CHARTER_TRY_STATUS(resync());
  if (range_.size() == 0)
    return make_error(Errc::kFailedPrecondition, "audit log is empty: no tree head to sign");
  if (latest_head_ && last_head_size_ == range_.size()) return *latest_head_;
  CHARTER_TRY_STATUS(sign_and_store_head(std::max(clock_.now(), last_time_)));
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
  if (writer_.joinable()) writer_.join();
  {
    std::lock_guard g(mu_);
    closed_ = true;
  }
  std::lock_guard g(write_mu_);
  if (needs_resync_) CHARTER_TRY_STATUS(resync());
  if (range_.size() > last_head_size_)
    return sign_and_store_head(std::max(clock_.now(), last_time_));
  return ok_status();
}

std::uint64_t Appender::size() const {
  std::lock_guard g(write_mu_);
  return range_.size();
}

Hash Appender::root() const {
  std::lock_guard g(write_mu_);
  return range_.root();
}

std::optional<SignedTreeHead> Appender::latest_head() const {
  std::lock_guard g(write_mu_);
  return latest_head_;
}

AppenderStats Appender::stats() const {
  std::lock_guard g(write_mu_);
  return stats_;
}

}  // namespace charter::audit
