// Rows: a streaming cursor over a query's results. Rows are read one at a time from the
// database (SQLite step; PostgreSQL single-row mode), so a million-row result never sits in
// memory.
//
// Use: `CHARTER_TRY(Rows rows, tx.query(sql, {...})); while (true) { CHARTER_TRY(bool more,
// rows.next()); if (!more) break; ... rows.get_int(0) ... }`.
// Contract: accessors read the current row (after next() returned true). Views returned by
// get_text/get_blob stay valid until the next call to next() or the end of the Rows. A type
// mismatch or a column out of range is kInternal naming the column (never its value). While a
// Rows is open (not at its end and not destroyed), its transaction runs no other statement
// (kFailedPrecondition): reach the end, or destroy the Rows, first. On PostgreSQL, destroying
// Rows early reads and discards the rest of the result: bound big queries with LIMIT.
// A Rows must not be used after its Transaction ended (next() then returns kFailedPrecondition).
// Thread safety: none; a Rows belongs to the thread that owns its Transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "core/result.h"
#include "store/value.h"

namespace charter::store {

namespace detail {
class CursorImpl;
}

class Rows {
 public:
  explicit Rows(std::unique_ptr<detail::CursorImpl> impl);
  Rows(Rows&&) noexcept;
  Rows& operator=(Rows&&) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  ~Rows();

  // True when a row is available, false at the end. Errors: the statement failed (mapped code);
  // the transaction is then failed.
  Result<bool> next();

  int columns() const;
  std::string_view column_name(int col) const;
  Type type(int col) const;  // kNull for a column out of range
  bool is_null(int col) const { return type(col) == Type::kNull; }

  Result<std::int64_t> get_int(int col) const;
  Result<double> get_real(int col) const;
  Result<std::string_view> get_text(int col) const;
  Result<ByteView> get_blob(int col) const;
  Value value(int col) const;  // owning copy; null for a column out of range
  Row row() const;             // every column

 private:
  Status check(int col, Type expected) const;
  void release();

  std::unique_ptr<detail::CursorImpl> impl_;
  bool on_row_ = false;
};

}  // namespace charter::store
