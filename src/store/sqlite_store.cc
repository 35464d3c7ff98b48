#include "store/sqlite_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/backend.h"
#include "store/fault.h"
#include "store/local_notify.h"
#include "store/sqlite_conn.h"

namespace charter::store::detail {
namespace {

using Clock = std::chrono::steady_clock;

// The single writer: a binary semaphore (not a mutex: a transaction may end on another thread
// than the one that began it).
class WriterSlot {
 public:
  bool acquire(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return !busy_; })) return false;
    busy_ = true;
    return true;
  }
  void release() {
    {
      std::lock_guard lock(mu_);
      busy_ = false;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool busy_ = false;
};

class SqliteStore;

class SqliteCursor final : public CursorImpl {
 public:
  SqliteCursor(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteCursor() override { close(); }

  Result<bool> next() override {
    if (!stmt_) return false;
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return sqlite_error(db_, rc, "sqlite");
  }
  int columns() const override { return stmt_ ? sqlite3_column_count(stmt_) : 0; }
  std::string_view column_name(int col) const override {
    const char* n = sqlite3_column_name(stmt_, col);
    return n ? n : "";
  }
  Type type(int col) const override {
    switch (sqlite3_column_type(stmt_, col)) {
      case SQLITE_INTEGER:
        return Type::kInt;
      case SQLITE_FLOAT:
        return Type::kReal;
      case SQLITE_TEXT:
        return Type::kText;
      case SQLITE_BLOB:
        return Type::kBlob;
      default:
        return Type::kNull;
    }
  }
  std::int64_t int_at(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double real_at(int col) const override { return sqlite3_column_double(stmt_, col); }
  std::string_view text_at(int col) const override {
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    return {reinterpret_cast<const char*>(p ? p : reinterpret_cast<const unsigned char*>("")),
            static_cast<std::size_t>(n)};
  }
  ByteView blob_at(int col) const override {
    const void* p = sqlite3_column_blob(stmt_, col);
    int n = sqlite3_column_bytes(stmt_, col);
    if (!p) return {};
    return {static_cast<const std::uint8_t*>(p), static_cast<std::size_t>(n)};
  }
  void close() override {
    if (stmt_) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
      stmt_ = nullptr;
    }
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteTx final : public TxImpl {
 public:
  SqliteTx(SqliteStore* store, SqliteConn* conn, TxMode m);
  ~SqliteTx() override;

  Result<std::int64_t> exec(std::string_view sql, std::span<const Param> params) override {
    CHARTER_TRY(sqlite3_stmt * stmt, conn_->prepare(sql));
    CHARTER_TRY_STATUS(conn_->bind(stmt, params));
    return conn_->run(stmt);
  }

  Result<std::int64_t> exec_many(std::string_view sql, std::span<const Param> params,
                                 std::size_t per_row) override {
    CHARTER_TRY(sqlite3_stmt * stmt, conn_->prepare(sql));
    std::int64_t changed = 0;
    for (std::size_t i = 0; i < params.size(); i += per_row) {
      CHARTER_TRY_STATUS(conn_->bind(stmt, params.subspan(i, per_row)));
      CHARTER_TRY(std::int64_t n, conn_->run(stmt));
      changed += n;
    }
    return changed;
  }

  Status exec_script(std::string_view sql) override {
    std::string copy(sql);
    return conn_->exec_simple(copy.c_str());
  }

  Result<std::unique_ptr<CursorImpl>> query(std::string_view sql,
                                            std::span<const Param> params) override {
    CHARTER_TRY(sqlite3_stmt * stmt, conn_->prepare(sql));
    Status st = conn_->bind(stmt, params, /*copy=*/true);
    if (!st.ok()) return std::move(st).error();
    return std::unique_ptr<CursorImpl>(new SqliteCursor(conn_->db(), stmt));
  }

  // Write transactions are exclusive already (BEGIN IMMEDIATE on the one writer).
  Status lock(std::string_view) override { return ok_status(); }

  Status notify(std::string_view channel, std::string_view payload) override {
    pending_.push_back(Notification{std::string(channel), std::string(payload)});
    return ok_status();
  }

  Status commit() override;
  void rollback() override;

 private:
  Status step_simple(const char* sql) {
    CHARTER_TRY(sqlite3_stmt * stmt, conn_->prepare(sql));
    CHARTER_TRY(std::int64_t ignored, conn_->run(stmt));
    (void)ignored;
    return ok_status();
  }
  void release();

  SqliteStore* store_;
  SqliteConn* conn_;
  bool released_ = false;
  std::vector<Notification> pending_;

  friend class SqliteStore;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string dir, std::string path, StoreOptions options,
              std::unique_ptr<SqliteConn> writer)
      : dir_(std::move(dir)),
        path_(std::move(path)),
        options_(std::move(options)),
        writer_(std::move(writer)) {}

  ~SqliteStore() override {
    // Leave a clean, checkpointed WAL behind when nobody else uses the folder.
    if (writer_slot_.acquire(std::chrono::milliseconds(0))) {
      int log = 0, done = 0;
      sqlite3_wal_checkpoint_v2(writer_->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &done);
      writer_slot_.release();
    }
  }

  Backend backend() const override { return Backend::kSqlite; }
  std::string describe() const override { return "sqlite:" + dir_; }

  Result<Transaction> begin(TxMode mode) override {
    if (options_.faults) {
      auto point = mode == TxMode::kWrite ? FaultPoint::kBeginWrite : FaultPoint::kBeginRead;
      if (auto fault = options_.faults->check(point)) return std::move(*fault);
    }
    if (mode == TxMode::kWrite) {
      if (fenced_.load()) {
        return make_error(Errc::kUnavailable,
                          "the store stopped accepting writes after a commit failed (its outcome "
                          "on disk is unknown); check the disk, then restart charter");
      }
      CHARTER_TRY_STATUS(acquire_writer("begin"));
      auto tx = std::make_unique<SqliteTx>(this, writer_.get(), mode);
      tx->faults = options_.faults.get();
      tx->fence = &fenced_;
      CHARTER_TRY_STATUS(tx->step_simple("BEGIN IMMEDIATE"));
      return Transaction(std::move(tx), Backend::kSqlite);
    }
    CHARTER_TRY(SqliteConn * reader, acquire_reader());
    auto tx = std::make_unique<SqliteTx>(this, reader, mode);
    tx->faults = options_.faults.get();
    CHARTER_TRY_STATUS(tx->step_simple("BEGIN"));
    return Transaction(std::move(tx), Backend::kSqlite);
  }

  Status checkpoint() override {
    CHARTER_TRY_STATUS(acquire_writer("checkpoint"));
    Status st = checkpoint_locked();
    release_writer();
    return st;
  }

  Status scrub(std::span<const std::string_view> tables) override {
    for (std::string_view t : tables) {
      if (!is_identifier(t, true)) return make_error(Errc::kInvalidArgument, "scrub: bad table");
    }
    return vacuum("");
  }

  Status vacuum(std::string_view table) override {
    if (!table.empty() && !is_identifier(table, true)) {
      return make_error(Errc::kInvalidArgument, "vacuum: table name must be an identifier");
    }
    CHARTER_TRY_STATUS(acquire_writer("vacuum"));
    Status st = writer_->exec_simple("VACUUM");
    if (st.ok()) st = checkpoint_locked();
    release_writer();
    return st;
  }

  Result<std::unique_ptr<Listener>> listen(std::string_view channel) override {
    if (!is_identifier(channel)) {
      return make_error(Errc::kInvalidArgument, "listen: channel must be an identifier");
    }
    return hub_.listen(std::string(channel));
  }

  void release_writer() {
    writer_owner_.store(std::thread::id(), std::memory_order_relaxed);
    writer_slot_.release();
  }

  void release_reader(SqliteConn* conn) {
    {
      std::lock_guard lock(readers_mu_);
      idle_readers_.push_back(conn);
    }
    readers_cv_.notify_one();
  }

  LocalHub& hub() { return hub_; }

 private:
  Status acquire_writer(const char* what) {
    if (writer_owner_.load(std::memory_order_relaxed) == std::this_thread::get_id()) {
      return make_error(Errc::kFailedPrecondition,
                        std::string(what) + ": this thread already holds the write transaction");
    }
    if (!writer_slot_.acquire(options_.busy_timeout)) {
      return make_error(Errc::kUnavailable,
                        std::string(what) + ": timed out waiting for the write transaction");
    }
    writer_owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
    return ok_status();
  }

  Result<SqliteConn*> acquire_reader() {
    std::unique_lock lock(readers_mu_);
    auto deadline = Clock::now() + options_.busy_timeout;
    while (idle_readers_.empty()) {
      if (static_cast<int>(readers_.size()) + readers_opening_ <
          std::max(1, options_.sqlite_readers)) {
        ++readers_opening_;
        lock.unlock();
        auto conn = SqliteConn::open(path_, /*writer=*/false, options_);
        lock.lock();
        --readers_opening_;
        if (!conn.ok()) {
          readers_cv_.notify_one();
          return std::move(conn).error();
        }
        readers_.push_back(std::move(conn).value());
        return readers_.back().get();
      }
      if (readers_cv_.wait_until(lock, deadline) == std::cv_status::timeout &&
          idle_readers_.empty()) {
        return make_error(Errc::kUnavailable, "begin: timed out waiting for a read connection");
      }
    }
    SqliteConn* c = idle_readers_.back();
    idle_readers_.pop_back();
    return c;
  }

  Status checkpoint_locked() {
    int log = 0, done = 0;
    int rc =
        sqlite3_wal_checkpoint_v2(writer_->db(), nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
    if (rc == SQLITE_BUSY) {
      return make_error(Errc::kUnavailable,
                        "checkpoint: blocked by open read transactions; retry when they end");
    }
    if (rc != SQLITE_OK) return sqlite_error(writer_->db(), rc, "checkpoint");
    return ok_status();
  }

  std::string dir_;
  std::string path_;
  StoreOptions options_;
  std::atomic<bool> fenced_{false};  // set by a failed commit (backend.h TxImpl::fence)
  std::unique_ptr<SqliteConn> writer_;
  WriterSlot writer_slot_;
  std::atomic<std::thread::id> writer_owner_{};
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<SqliteConn>> readers_;
  std::vector<SqliteConn*> idle_readers_;
  int readers_opening_ = 0;
  LocalHub hub_;
};

SqliteTx::SqliteTx(SqliteStore* store, SqliteConn* conn, TxMode m) : store_(store), conn_(conn) {
  mode = m;
}

SqliteTx::~SqliteTx() {
  if (!finished) rollback();
  release();
}

void SqliteTx::release() {
  if (released_) return;
  released_ = true;
  if (mode == TxMode::kWrite) {
    store_->release_writer();
  } else {
    store_->release_reader(conn_);
  }
}

Status SqliteTx::commit() {
  CHARTER_TRY_STATUS(step_simple("COMMIT"));
  finished = true;
  std::vector<Notification> notes = std::move(pending_);
  release();
  store_->hub().deliver(notes);
  return ok_status();
}

void SqliteTx::rollback() {
  if (sqlite3_get_autocommit(conn_->db()) == 0) {
    Status st = step_simple("ROLLBACK");
    (void)st;  // a failed ROLLBACK leaves the connection in autocommit anyway
  }
  finished = true;
  pending_.clear();
  release();
}

Status make_folder(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(Errc::kUnavailable, "sqlite: cannot create the data folder");
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  } else if (!std::filesystem::is_directory(dir, ec)) {
    return make_error(Errc::kInvalidArgument, "sqlite: the data path is not a folder");
  }
  return ok_status();
}

Status make_db_file(const std::string& path) {
  // Created here with mode 0600 so the database (and its -wal/-shm, which SQLite creates with
  // the same mode) is never readable by others.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(Errc::kUnavailable, "sqlite: cannot open " +
                                              std::filesystem::path(path).filename().string() +
                                              ": " + std::strerror(errno));
  }
  ::close(fd);
  return ok_status();
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite(std::string_view dir_view, const StoreOptions& options) {
  std::string dir(dir_view);
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  CHARTER_TRY_STATUS(make_folder(dir));
  std::string path =
      dir + "/" + (options.sqlite_file.empty() ? std::string("charter.db") : options.sqlite_file);
  CHARTER_TRY_STATUS(make_db_file(path));
  CHARTER_TRY(auto writer, SqliteConn::open(path, /*writer=*/true, options));
  return std::unique_ptr<Store>(
      new SqliteStore(std::move(dir), std::move(path), options, std::move(writer)));
}

}  // namespace charter::store::detail
