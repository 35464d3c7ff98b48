// Internal: what a backend implements behind Transaction and Rows. Not for use outside
// src/store. The shared rules (failed/finished state, one open cursor, fault checks) live in
// Transaction and Rows, so both backends behave alike; backends only talk to their database.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "core/result.h"
#include "store/value.h"

namespace charter::store {
class FaultInjector;
enum class TxMode;
}  // namespace charter::store

namespace charter::store::detail {

class TxImpl;

// A running query. Accessors are called only after next() returned true, with a column index
// in range and the type already checked by Rows.
class CursorImpl {
 public:
  virtual ~CursorImpl() = default;
  virtual Result<bool> next() = 0;
  virtual int columns() const = 0;
  virtual std::string_view column_name(int col) const = 0;
  virtual Type type(int col) const = 0;
  virtual std::int64_t int_at(int col) const = 0;
  virtual double real_at(int col) const = 0;
  virtual std::string_view text_at(int col) const = 0;
  virtual ByteView blob_at(int col) const = 0;
  // Ends the query early (drains or resets); idempotent. The connection is free afterwards.
  virtual void close() = 0;

  TxImpl* owner = nullptr;  // null once the transaction ended
};

class TxImpl {
 public:
  virtual ~TxImpl() = default;  // the backend rolls back if neither committed nor rolled back

  // Rows changed (as the backend counts them; 0 for DDL and queries).
  virtual Result<std::int64_t> exec(std::string_view sql, std::span<const Param> params) = 0;
  virtual Result<std::int64_t> exec_many(std::string_view sql, std::span<const Param> params,
                                         std::size_t per_row) = 0;
  virtual Status exec_script(std::string_view sql) = 0;
  virtual Result<std::unique_ptr<CursorImpl>> query(std::string_view sql,
                                                    std::span<const Param> params) = 0;
  virtual Status lock(std::string_view name) = 0;
  virtual Status notify(std::string_view channel, std::string_view payload) = 0;
  virtual Status commit() = 0;
  virtual void rollback() = 0;

  // Shared state, managed by Transaction and Rows.
  TxMode mode{};
  FaultInjector* faults = nullptr;
  // Set by stores that fence themselves after a failed commit (SQLite): commit() sets it when
  // the commit's outcome on disk is unknown.
  std::atomic<bool>* fence = nullptr;
  bool failed = false;
  bool finished = false;
  CursorImpl* open_cursor = nullptr;
};

}  // namespace charter::store::detail
