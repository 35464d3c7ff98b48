// Transaction: a unit of work on one connection, RAII. It rolls back when destroyed unless
// commit() succeeded.
//
// Modes: kRead sees one consistent snapshot and may not write (a write is kFailedPrecondition);
// kWrite may write. SQLite: one write transaction at a time per data folder (BEGIN IMMEDIATE on
// the single writer connection; other processes wait up to the busy timeout), readers run
// concurrently on a pool of read-only connections. PostgreSQL: each transaction holds a pooled
// connection; writes run concurrently at READ COMMITTED, reads at REPEATABLE READ READ ONLY.
// For read-modify-write that must not lose updates on both backends, take lock(name) first (or
// use a single UPDATE ... SET n = n + 1).
//
// SQL: `?` placeholders, the common subset of both dialects (see dialect.h). Each connection
// caches its prepared statements by SQL text, so running the same SQL again (e.g. inserts in a
// loop) reuses the prepared statement; exec_many() is the fast path for batches (PostgreSQL
// pipelines it).
//
// Errors (every call): a failed statement marks the transaction failed — later statements
// return kFailedPrecondition and commit() rolls back — so a failed statement never leaves part
// of a transaction stored (same on both backends). Codes: unique/primary key violation
// kAlreadyExists; foreign key kFailedPrecondition; NOT NULL/CHECK/type kInvalidArgument;
// serialization failure or deadlock kConflict (retry the transaction); busy/locked,
// connection or disk trouble kUnavailable; corrupt file kIntegrity; a bad SQL or parameter
// count kInternal. Messages name tables/constraints/columns, never values.
// Using a transaction after commit()/rollback() is kFailedPrecondition.
//
// Ownership: a Transaction must not outlive its Store. Thread safety: a Transaction is used by
// one thread at a time; it may be moved to another thread. Do not open a second write
// transaction in a thread that holds one (SQLite: kFailedPrecondition; PostgreSQL: it would
// run on another connection and may deadlock on row locks).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "core/result.h"
#include "store/dialect.h"
#include "store/rows.h"
#include "store/value.h"

namespace charter::store {

namespace detail {
class TxImpl;
}

enum class TxMode { kRead, kWrite };

class Transaction {
 public:
  Transaction(std::unique_ptr<detail::TxImpl> impl, Backend backend);
  Transaction(Transaction&&) noexcept;
  Transaction& operator=(Transaction&&) noexcept;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  TxMode mode() const;
  Dialect dialect() const { return Dialect(backend_); }
  // False once a statement failed, or after commit()/rollback().
  bool usable() const;

  // Runs one statement; returns the number of rows it changed.
  Result<std::int64_t> exec(std::string_view sql, std::initializer_list<Param> params = {});
  Result<std::int64_t> exec(std::string_view sql, std::span<const Param> params);

  // Runs `sql` once per row of `params` (params.size() / per_row rows, row-major); returns the
  // total rows changed. params.size() must be a multiple of per_row (else kInternal).
  Result<std::int64_t> exec_many(std::string_view sql, std::span<const Param> params,
                                 std::size_t per_row);

  // Several `;`-separated statements without parameters (DDL in migrations). Not cached.
  Status exec_script(std::string_view sql);

  // Streams the rows of a query (see rows.h).
  Result<Rows> query(std::string_view sql, std::initializer_list<Param> params = {});
  Result<Rows> query(std::string_view sql, std::span<const Param> params);

  // The first row, or nullopt when there is none (further rows are ignored).
  Result<std::optional<Row>> query_one(std::string_view sql,
                                       std::initializer_list<Param> params = {});
  Result<std::optional<Row>> query_one(std::string_view sql, std::span<const Param> params);

  // A named exclusive lock held until the transaction ends (write transactions). PostgreSQL:
  // pg_advisory_xact_lock on a hash of `name`, so it also excludes other servers; SQLite: write
  // transactions are already exclusive, nothing to do.
  Status lock(std::string_view name);

  // Sends `payload` to listeners of `channel` when (and only if) the transaction commits (see
  // notify.h). channel: an identifier (dialect.h is_identifier); payload < 8000 bytes, never
  // personal data. Errors: kInvalidArgument, kPayloadTooLarge.
  Status notify(std::string_view channel, std::string_view payload);

  // Makes the transaction's writes durable (StoreOptions::durability) and visible. On error
  // nothing is stored and the transaction is over.
  Status commit();
  // Discards the transaction; idempotent.
  void rollback();

 private:
  Status ready();
  Status ready_for_statement();
  template <typename T>
  Result<T> track(Result<T> r);

  std::unique_ptr<detail::TxImpl> impl_;  // null once committed or rolled back
  Backend backend_;
  TxMode mode_;
};

}  // namespace charter::store
