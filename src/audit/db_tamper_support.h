// Test-only: the tamper operations of tamper_support.h on the database-backed log, done with
// SQL as an attacker with write access to the database would (first dropping the append-only
// triggers). Positions are ranks in sequence order; keys are renumbered with a detour through
// negative numbers so that no primary key collides on either backend.
#pragma once

#include "audit/db_log_store.h"
#include "audit/tamper_support.h"
#include "store/testing.h"

namespace charter::audit::testing {

class DbTamperableLog final : public TamperableLog {
 public:
  // kUnavailable when PostgreSQL is asked for and CHARTER_TEST_PG_URL is unset.
  static Result<std::unique_ptr<DbTamperableLog>> make(store::Backend backend,
                                                       const PristineLog& pristine) {
    store::StoreOptions options;
    options.durability = store::Durability::kProcessCrash;  // tests: no fsync per commit
    CHARTER_TRY(auto db, store::TestStore::make(backend, options));
    std::unique_ptr<DbTamperableLog> t(new DbTamperableLog(std::move(db), pristine));
    CHARTER_TRY(t->log_, DbLogStore::open(t->db_->store(), t->clock_));
    CHARTER_TRY_STATUS(t->attack_triggers());
    t->reset();
    return t;
  }

  LogStore& store() override { return *log_; }
  store::TestStore& test_store() { return *db_; }

  void reset() override {
    sql("DELETE FROM audit_entries");
    sql("DELETE FROM audit_heads");
    // Written as the Appender writes: rows in batches, each head with the batch it closes.
    std::size_t next = 0;
    for (const auto& h : pristine_.heads) {
      std::span<const StoredEntry> batch(pristine_.rows.data() + next, h.head.tree_size - next);
      check(log_->append(batch, &h));
      next = h.head.tree_size;
    }
    std::span<const StoredEntry> rest(pristine_.rows.data() + next, pristine_.rows.size() - next);
    if (!rest.empty()) check(log_->append(rest, nullptr));
  }

  std::vector<StoredEntry> rows() override { return log_->read(0, 1 << 30).value(); }

  void replace(std::uint64_t pos, const StoredEntry& row) override {
    sql("UPDATE audit_entries SET subject = ?, entry = ?, leaf_hash = ? WHERE seq = ?",
        {row.subject, store::ByteView(row.encoded), store::ByteView(row.leaf_hash), key_at(pos)});
  }
  void erase(std::uint64_t pos, bool renumber) override {
    const std::int64_t key = key_at(pos);
    sql("DELETE FROM audit_entries WHERE seq = ?", {key});
    if (renumber) shift_from(key, -1);
  }
  void insert(std::uint64_t pos, const StoredEntry& row) override {
    const std::int64_t key = pos < count() ? key_at(pos) : static_cast<std::int64_t>(pos);
    shift_from(key, +1);
    sql("INSERT INTO audit_entries (seq, subject, entry, leaf_hash) VALUES (?, ?, ?, ?)",
        {key, row.subject, store::ByteView(row.encoded), store::ByteView(row.leaf_hash)});
  }
  void truncate(std::uint64_t size, bool drop_heads) override {
    if (size < count()) sql("DELETE FROM audit_entries WHERE seq >= ?", {key_at(size)});
    if (drop_heads)
      sql("DELETE FROM audit_heads WHERE tree_size > ?", {static_cast<std::int64_t>(size)});
  }
  void replace_head(const SignedTreeHead& h) override {
    sql("UPDATE audit_heads SET root_hash = ?, time_us = ?, signature = ? WHERE tree_size = ?",
        {store::ByteView(h.head.root), to_unix_micros(h.head.time), store::ByteView(h.signature),
         static_cast<std::int64_t>(h.head.tree_size)});
  }

 private:
  DbTamperableLog(std::unique_ptr<store::TestStore> db, const PristineLog& pristine)
      : db_(std::move(db)), pristine_(pristine) {}

  static void check(const Status& st) {
    if (!st.ok()) throw std::runtime_error("tamper setup: " + st.error().message);
  }

  void sql(std::string_view statement, std::initializer_list<store::Param> params = {}) {
    auto tx = db_->store().write();
    check(tx.ok() ? ok_status() : Status(tx.error()));
    auto n = tx->exec(statement, params);
    check(n.ok() ? ok_status() : Status(n.error()));
    check(tx->commit());
  }

  Status attack_triggers() {
    CHARTER_TRY(store::Transaction tx, db_->store().write());
    if (db_->store().backend() == store::Backend::kSqlite) {
      CHARTER_TRY_STATUS(tx.exec_script(
          "DROP TRIGGER audit_entries_no_update; DROP TRIGGER audit_entries_no_delete;"
          "DROP TRIGGER audit_heads_no_update; DROP TRIGGER audit_heads_no_delete;"));
    } else {
      CHARTER_TRY_STATUS(
          tx.exec_script("DROP TRIGGER audit_entries_append_only ON audit_entries;"
                         "DROP TRIGGER audit_heads_append_only ON audit_heads;"));
    }
    return tx.commit();
  }

  std::uint64_t count() {
    auto tx = db_->store().read();
    auto row = tx->query_one("SELECT COUNT(*) FROM audit_entries").value();
    return static_cast<std::uint64_t>((*row)[0].as_int().value());
  }
  std::int64_t key_at(std::uint64_t pos) {
    auto tx = db_->store().read();
    auto row = tx->query_one("SELECT seq FROM audit_entries ORDER BY seq LIMIT 1 OFFSET ?",
                             {static_cast<std::int64_t>(pos)})
                   .value();
    if (!row) throw std::runtime_error("tamper: no row at position " + std::to_string(pos));
    return (*row)[0].as_int().value();
  }
  // Adds delta to every key >= from, through negative keys so none collides midway.
  void shift_from(std::int64_t from, std::int64_t delta) {
    sql("UPDATE audit_entries SET seq = -seq - 1 WHERE seq >= ?", {from});
    sql("UPDATE audit_entries SET seq = -seq - 1 + ? WHERE seq < 0", {delta});
  }

  std::unique_ptr<store::TestStore> db_;
  const PristineLog& pristine_;
  ManualClock clock_{*parse_timestamp("2026-03-01T08:00:00Z")};
  std::unique_ptr<DbLogStore> log_;
};

}  // namespace charter::audit::testing
