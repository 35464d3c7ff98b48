// Internal (PostgreSQL backend): one libpq connection with its cache of prepared statements
// (keyed by Charter SQL text, prepared once per connection), parameter encoding, result
// decoding and SQLSTATE mapping. Used by one thread at a time.
#pragma once

#include <libpq-fe.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "store/value.h"

namespace charter::store::detail {

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// Maps a failed result to an Error: the code from its SQLSTATE; the message names the
// constraint, table and column, or repeats the server's text only for classes whose text holds
// no data values (syntax, permissions, transaction state, connection).
Error pg_error(const PGresult* r, PGconn* conn, std::string_view context);
// A connection-level failure (no result): kUnavailable with libpq's text (no password).
Error pg_conn_error(PGconn* conn, std::string_view context);

// Decoding of binary result values by type OID.
Type pg_type(const PGresult* r, int row, int col);
std::int64_t pg_int(const PGresult* r, int row, int col);
double pg_real(const PGresult* r, int row, int col);
std::string_view pg_text(const PGresult* r, int row, int col);
ByteView pg_blob(const PGresult* r, int row, int col);

class PgConn {
 public:
  // Connects (libpq URL or conninfo). Errors: kUnavailable, kUnsupported (server < 15).
  static Result<std::unique_ptr<PgConn>> connect(const std::string& target);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  PGconn* raw() const { return conn_; }
  bool healthy() const;

  struct Prepared {
    std::string name;
    int params = 0;
  };
  // The prepared statement for Charter SQL `sql` (`?` placeholders), preparing it on first use.
  Result<const Prepared*> prepare(std::string_view sql);

  // Encodes params into the scratch arrays used by the PQ*Prepared calls.
  Status encode(const Prepared& p, std::span<const Param> params);
  const char* const* values() const { return values_.data(); }
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

  // Runs a prepared statement synchronously; returns rows changed.
  Result<std::int64_t> exec(std::string_view sql, std::span<const Param> params);
  // Simple-protocol statement(s) without parameters (BEGIN, COMMIT, scripts, VACUUM).
  Status exec_simple(const char* sql, std::string_view context);

 private:
  explicit PgConn(PGconn* c) : conn_(c) {}

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  PGconn* conn_;
  std::unordered_map<std::string, Prepared, Hash, std::equal_to<>> cache_;
  std::uint64_t next_name_ = 0;
  std::vector<const char*> values_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<std::array<char, 32>> numbers_;
};

}  // namespace charter::store::detail
