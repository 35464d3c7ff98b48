#include "store/sqlite_conn.h"

#include <string>

namespace charter::store::detail {
namespace {

constexpr std::size_t kMaxCachedStatements = 512;

Errc map_code(int rc) {
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_ROWID:
      return Errc::kAlreadyExists;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return Errc::kFailedPrecondition;
    case SQLITE_CONSTRAINT_NOTNULL:
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_DATATYPE:
      return Errc::kInvalidArgument;
    default:
      break;
  }
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
      return Errc::kInvalidArgument;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
      return Errc::kUnavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Errc::kIntegrity;
    case SQLITE_READONLY:
      return Errc::kFailedPrecondition;
    case SQLITE_TOOBIG:
      return Errc::kPayloadTooLarge;
    case SQLITE_INTERRUPT:
      return Errc::kTimeout;
    default:
      return Errc::kInternal;
  }
}

}  // namespace

Error sqlite_error(sqlite3* db, int rc, std::string_view context) {
  std::string msg(context);
  msg += ": ";
  // sqlite3_errmsg describes the most recent failure on this connection; fall back to the
  // generic text for the code when the connection has none (e.g. open failed).
  const char* text = db ? sqlite3_errmsg(db) : nullptr;
  msg += text ? text : sqlite3_errstr(rc);
  msg += " (sqlite ";
  msg += std::to_string(rc);
  msg += ")";
  return make_error(map_code(rc), std::move(msg));
}

Result<std::unique_ptr<SqliteConn>> SqliteConn::open(const std::string& path, bool writer,
                                                     const StoreOptions& options) {
  sqlite3* db = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error e = sqlite_error(db, rc, "sqlite: open");
    sqlite3_close_v2(db);
    return e;
  }
  std::unique_ptr<SqliteConn> conn(new SqliteConn(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));

  // journal_mode answers with the mode in force: anything but "wal" means WAL is unavailable
  // (e.g. a file system without shared memory), which Charter does not run without.
  if (writer) {
    CHARTER_TRY(sqlite3_stmt * mode, conn->prepare("PRAGMA journal_mode=WAL"));
    rc = sqlite3_step(mode);
    if (rc != SQLITE_ROW) {
      Error e = sqlite_error(db, rc, "sqlite: enabling WAL");
      sqlite3_reset(mode);
      return e;
    }
    std::string got(reinterpret_cast<const char*>(sqlite3_column_text(mode, 0)));
    sqlite3_reset(mode);
    if (got != "wal") {
      return make_error(Errc::kUnavailable, "sqlite: WAL journal mode unavailable (got " + got +
                                                "); the data folder needs a local file system");
    }
  }
  std::string pragmas =
      "PRAGMA secure_delete=ON;"              // deleted content is overwritten with zeros
      "PRAGMA foreign_keys=ON;"               // declared references are enforced
      "PRAGMA temp_store=MEMORY;"             // sorts and temporary tables never touch disk
      "PRAGMA cache_size=-32768;"             // 32 MiB page cache per connection
      "PRAGMA journal_size_limit=67108864;";  // a checkpointed WAL shrinks back to <= 64 MiB
  pragmas += options.durability == Durability::kPowerLoss ? "PRAGMA synchronous=FULL;"
                                                          : "PRAGMA synchronous=NORMAL;";
  if (!writer) pragmas += "PRAGMA query_only=ON;";
  CHARTER_TRY_STATUS(conn->exec_simple(pragmas.c_str()));
  return conn;
}

SqliteConn::~SqliteConn() {
  clear_cache();
  sqlite3_close_v2(db_);
}

void SqliteConn::clear_cache() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
}

Result<sqlite3_stmt*> SqliteConn::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second;
  if (cache_.size() >= kMaxCachedStatements) clear_cache();
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "sqlite: prepare");
  if (stmt == nullptr) return make_error(Errc::kInternal, "sqlite: prepare: empty statement");
  cache_.emplace(std::string(sql), stmt);
  return stmt;
}

Status SqliteConn::bind(sqlite3_stmt* stmt, std::span<const Param> params, bool copy) {
  sqlite3_destructor_type keep = copy ? SQLITE_TRANSIENT : SQLITE_STATIC;
  int expected = sqlite3_bind_parameter_count(stmt);
  if (expected != static_cast<int>(params.size())) {
    return make_error(Errc::kInternal, "sqlite: statement takes " + std::to_string(expected) +
                                           " parameters, " + std::to_string(params.size()) +
                                           " given");
  }
  for (int i = 0; i < expected; ++i) {
    const Param& p = params[i];
    int rc = SQLITE_OK;
    switch (p.type()) {
      case Type::kNull:
        rc = sqlite3_bind_null(stmt, i + 1);
        break;
      case Type::kInt:
        rc = sqlite3_bind_int64(stmt, i + 1, p.int_value());
        break;
      case Type::kReal:
        rc = sqlite3_bind_double(stmt, i + 1, p.real_value());
        break;
      case Type::kText: {
        std::string_view t = p.text();
        rc = sqlite3_bind_text64(stmt, i + 1, t.data(), t.size(), keep, SQLITE_UTF8);
        break;
      }
      case Type::kBlob: {
        ByteView b = p.blob();
        // A null pointer would bind NULL: an empty blob needs zeroblob(0).
        rc = b.empty() ? sqlite3_bind_zeroblob(stmt, i + 1, 0)
                       : sqlite3_bind_blob64(stmt, i + 1, b.data(), b.size(), keep);
        break;
      }
    }
    if (rc != SQLITE_OK) return sqlite_error(db_, rc, "sqlite: bind");
  }
  return ok_status();
}

Result<std::int64_t> SqliteConn::run(sqlite3_stmt* stmt) {
  sqlite3_int64 before = sqlite3_total_changes64(db_);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) {
    Error e = sqlite_error(db_, rc, "sqlite");
    sqlite3_reset(stmt);
    return e;
  }
  sqlite3_reset(stmt);
  return static_cast<std::int64_t>(sqlite3_total_changes64(db_) - before);
}

Status SqliteConn::exec_simple(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, "sqlite");
  return ok_status();
}

}  // namespace charter::store::detail
