// Internal (SQLite backend): one sqlite3 connection with Charter's settings and a cache of
// prepared statements keyed by SQL text. Used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"
#include "store/store.h"
#include "store/value.h"

namespace charter::store::detail {

// Maps a SQLite result code to an Error. The message is SQLite's (it names constraints, tables
// and columns, never bound values), prefixed by `context`.
Error sqlite_error(sqlite3* db, int rc, std::string_view context);

class SqliteConn {
 public:
  // Opens `path` (which must exist) and applies the pragmas; `writer` false makes the
  // connection query-only.
  static Result<std::unique_ptr<SqliteConn>> open(const std::string& path, bool writer,
                                                  const StoreOptions& options);
  ~SqliteConn();
  SqliteConn(const SqliteConn&) = delete;
  SqliteConn& operator=(const SqliteConn&) = delete;

  sqlite3* db() const { return db_; }

  // The cached statement for `sql`, reset and ready to bind. Errors: kInternal (bad SQL).
  Result<sqlite3_stmt*> prepare(std::string_view sql);
  // Binds params 1..n. `copy`: SQLite keeps its own copy of text and blobs (needed when the
  // statement outlives the call, as a cursor does). Errors: kInternal on a count mismatch.
  Status bind(sqlite3_stmt* stmt, std::span<const Param> params, bool copy = false);
  // Steps to the end; returns rows changed. Resets the statement.
  Result<std::int64_t> run(sqlite3_stmt* stmt);
  // Statements without parameters, not cached (pragmas, BEGIN/COMMIT, scripts).
  Status exec_simple(const char* sql);

 private:
  explicit SqliteConn(sqlite3* db) : db_(db) {}
  void clear_cache();

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> cache_;
};

}  // namespace charter::store::detail
