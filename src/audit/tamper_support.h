// Test-only: a log that tests may tamper with like an attacker with write access to the
// storage (but not to the signing key), and the pristine 10,000-entry log they start from.
// Backends implement TamperableLog over their own tables, so one tamper suite covers all.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "audit/appender.h"
#include "audit/log_store.h"
#include "audit/memory_log_store.h"
#include "audit/test_support.h"

namespace charter::audit::testing {

class TamperableLog {
 public:
  virtual ~TamperableLog() = default;
  virtual LogStore& store() = 0;
  // Back to the pristine log.
  virtual void reset() = 0;
  // Rows in key order. Positions below are ranks in that order.
  virtual std::vector<StoredEntry> rows() = 0;
  // Overwrites the row's columns (its key stays).
  virtual void replace(std::uint64_t position, const StoredEntry& row) = 0;
  // Deletes the row; with renumber, the keys of the following rows move down by one.
  virtual void erase(std::uint64_t position, bool renumber) = 0;
  // Inserts `row` under key `position`; the keys of the rows from there move up by one.
  virtual void insert(std::uint64_t position, const StoredEntry& row) = 0;
  // Deletes rows from `size` on; with drop_heads, also the heads above `size`.
  virtual void truncate(std::uint64_t size, bool drop_heads) = 0;
  // Overwrites the stored head of the same size.
  virtual void replace_head(const SignedTreeHead& head) = 0;
};

// Rows and heads of a pristine log, and its last head (the "trusted head" kept outside).
struct PristineLog {
  std::vector<StoredEntry> rows;
  std::vector<SignedTreeHead> heads;
  SignedTreeHead last_head;
  crypto::PublicKey key;
};

// 10,000 entries written by the Appender (heads every 1,000 entries, one entry per batch,
// times 1 ms apart), built once.
inline const PristineLog& pristine_log() {
  static const PristineLog log = [] {
    MemoryLogStore store;
    ManualClock clock(*parse_timestamp("2026-03-01T08:00:00Z"));
    AppenderOptions o;
    o.head_every_entries = 1000;
    o.head_every = std::chrono::hours(24);
    auto appender = std::move(Appender::open(store, test_key(), clock, o)).value();
    for (int i = 0; i < 10000; ++i) {
      (void)appender->append(sample_event(i)).value();
      clock.advance(std::chrono::milliseconds(1));
    }
    (void)appender->close();
    PristineLog p;
    p.rows = *store.read(0, 20000);
    p.heads = *store.heads();
    p.last_head = p.heads.back();
    p.key = appender->public_key();
    return p;
  }();
  return log;
}

class MemoryTamperableLog final : public TamperableLog {
 public:
  explicit MemoryTamperableLog(const PristineLog& p) : pristine_(p) { reset(); }
  void reset() override {
    store_.mutable_rows() = pristine_.rows;
    store_.mutable_heads().clear();
    for (const auto& h : pristine_.heads) store_.mutable_heads()[h.head.tree_size] = h;
  }
  LogStore& store() override { return store_; }
  std::vector<StoredEntry> rows() override { return store_.mutable_rows(); }
  void replace(std::uint64_t pos, const StoredEntry& row) override {
    auto& r = store_.mutable_rows()[pos];
    const auto key = r.sequence;
    r = row;
    r.sequence = key;
  }
  void erase(std::uint64_t pos, bool renumber) override {
    auto& rows = store_.mutable_rows();
    rows.erase(rows.begin() + static_cast<std::ptrdiff_t>(pos));
    if (renumber)
      for (auto i = pos; i < rows.size(); ++i) --rows[i].sequence;
  }
  void insert(std::uint64_t pos, const StoredEntry& row) override {
    auto& rows = store_.mutable_rows();
    for (auto i = pos; i < rows.size(); ++i) ++rows[i].sequence;
    StoredEntry r = row;
    r.sequence = pos;
    rows.insert(rows.begin() + static_cast<std::ptrdiff_t>(pos), r);
  }
  void truncate(std::uint64_t size, bool drop_heads) override {
    store_.mutable_rows().resize(size);
    if (drop_heads)
      store_.mutable_heads().erase(store_.mutable_heads().upper_bound(size),
                                   store_.mutable_heads().end());
  }
  void replace_head(const SignedTreeHead& head) override {
    store_.mutable_heads()[head.head.tree_size] = head;
  }

 private:
  const PristineLog& pristine_;
  MemoryLogStore store_;
};

}  // namespace charter::audit::testing
