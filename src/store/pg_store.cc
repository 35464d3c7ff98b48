#include "store/pg_store.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/backend.h"
#include "store/fault.h"
#include "store/pg_conn.h"

namespace charter::store::detail {
namespace {

// Rows sent per pipeline round trip in exec_many: small enough that results never fill the
// socket buffers (no send/receive deadlock), large enough to hide the round trip.
constexpr std::size_t kPipelineChunk = 256;

class PgStore;

class PgCursor final : public CursorImpl {
 public:
  explicit PgCursor(PgConn* conn) : conn_(conn) {}
  ~PgCursor() override { close(); }

  Result<bool> next() override {
    if (done_) return false;
    row_.reset(PQgetResult(conn_->raw()));
    ExecStatusType st = row_ ? PQresultStatus(row_.get()) : PGRES_FATAL_ERROR;
    if (st == PGRES_SINGLE_TUPLE) {
      if (columns_ < 0) columns_ = PQnfields(row_.get());
      return true;
    }
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
      if (columns_ < 0) columns_ = PQnfields(row_.get());
      drain();
      return false;
    }
    Error e = pg_error(row_.get(), conn_->raw(), "postgresql");
    row_.reset();
    drain();
    return e;
  }
  int columns() const override { return std::max(columns_, 0); }
  std::string_view column_name(int col) const override {
    const char* n = row_ ? PQfname(row_.get(), col) : nullptr;
    return n ? n : "";
  }
  Type type(int col) const override { return pg_type(row_.get(), 0, col); }
  std::int64_t int_at(int col) const override { return pg_int(row_.get(), 0, col); }
  double real_at(int col) const override { return pg_real(row_.get(), 0, col); }
  std::string_view text_at(int col) const override { return pg_text(row_.get(), 0, col); }
  ByteView blob_at(int col) const override { return pg_blob(row_.get(), 0, col); }
  void close() override {
    row_.reset();
    drain();
  }

 private:
  // Reads and discards what is left of the result, so the connection can run the next command.
  void drain() {
    if (done_) return;
    while (PGresult* r = PQgetResult(conn_->raw())) PQclear(r);
    done_ = true;
  }

  PgConn* conn_;
  PgResult row_;
  int columns_ = -1;
  bool done_ = false;
};

class PgTx final : public TxImpl {
 public:
  PgTx(PgStore* store, std::unique_ptr<PgConn> conn, TxMode m)
      : store_(store), conn_(std::move(conn)) {
    mode = m;
  }
  ~PgTx() override;

  Status begin() {
    return conn_->exec_simple(mode == TxMode::kWrite
                                  ? "BEGIN ISOLATION LEVEL READ COMMITTED"
                                  : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                              "postgresql: begin");
  }

  Result<std::int64_t> exec(std::string_view sql, std::span<const Param> params) override {
    return conn_->exec(sql, params);
  }

  Result<std::int64_t> exec_many(std::string_view sql, std::span<const Param> params,
                                 std::size_t per_row) override;

  Status exec_script(std::string_view sql) override {
    std::string copy(sql);
    return conn_->exec_simple(copy.c_str(), "postgresql");
  }

  Result<std::unique_ptr<CursorImpl>> query(std::string_view sql,
                                            std::span<const Param> params) override {
    CHARTER_TRY(const PgConn::Prepared* p, conn_->prepare(sql));
    CHARTER_TRY_STATUS(conn_->encode(*p, params));
    PGconn* c = conn_->raw();
    if (!PQsendQueryPrepared(c, p->name.c_str(), p->params, conn_->values(), conn_->lengths(),
                             conn_->formats(), /*resultFormat=*/1)) {
      return pg_conn_error(c, "postgresql: query");
    }
    if (!PQsetSingleRowMode(c)) {
      PgCursor drain(conn_.get());
      return make_error(Errc::kInternal, "postgresql: single-row mode refused");
    }
    return std::unique_ptr<CursorImpl>(new PgCursor(conn_.get()));
  }

  Status lock(std::string_view name) override {
    const Param p[] = {Param(name)};
    CHARTER_TRY(std::int64_t ignored,
                conn_->exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", p));
    (void)ignored;
    return ok_status();
  }

  Status notify(std::string_view channel, std::string_view payload) override {
    const Param p[] = {Param(channel), Param(payload)};
    CHARTER_TRY(std::int64_t ignored, conn_->exec("SELECT pg_notify(?, ?)", p));
    (void)ignored;
    return ok_status();
  }

  Status commit() override {
    if (PQtransactionStatus(conn_->raw()) != PQTRANS_INTRANS) {
      return make_error(Errc::kFailedPrecondition,
                        "commit: the transaction is not active on the server");
    }
    PgResult r(PQexec(conn_->raw(), "COMMIT"));
    if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
      return pg_error(r.get(), conn_->raw(), "postgresql: commit");
    }
    // COMMIT of an aborted transaction "succeeds" as ROLLBACK: report it.
    if (std::string_view(PQcmdStatus(r.get())) != "COMMIT") {
      return make_error(Errc::kFailedPrecondition, "commit: the server rolled back");
    }
    finished = true;
    return ok_status();
  }

  void rollback() override {
    if (PQstatus(conn_->raw()) == CONNECTION_OK &&
        PQtransactionStatus(conn_->raw()) != PQTRANS_IDLE) {
      PgResult r(PQexec(conn_->raw(), "ROLLBACK"));
    }
    finished = true;
  }

 private:
  PgStore* store_;
  std::unique_ptr<PgConn> conn_;
};

Result<std::int64_t> PgTx::exec_many(std::string_view sql, std::span<const Param> params,
                                     std::size_t per_row) {
  CHARTER_TRY(const PgConn::Prepared* p, conn_->prepare(sql));
  PGconn* c = conn_->raw();
  if (!PQenterPipelineMode(c)) return pg_conn_error(c, "postgresql: pipeline");
  std::int64_t changed = 0;
  std::optional<Error> failure;
  std::size_t rows = params.size() / per_row;
  for (std::size_t start = 0; start < rows && !failure; start += kPipelineChunk) {
    std::size_t end = std::min(rows, start + kPipelineChunk);
    std::size_t sent = 0;
    for (std::size_t i = start; i < end; ++i) {
      Status st = conn_->encode(*p, params.subspan(i * per_row, per_row));
      if (!st.ok()) {
        failure = std::move(st).error();
        break;
      }
      if (!PQsendQueryPrepared(c, p->name.c_str(), p->params, conn_->values(), conn_->lengths(),
                               conn_->formats(), /*resultFormat=*/0)) {
        failure = pg_conn_error(c, "postgresql: pipeline send");
        break;
      }
      ++sent;
    }
    if (!PQpipelineSync(c)) {
      if (!failure) failure = pg_conn_error(c, "postgresql: pipeline sync");
      break;
    }
    // One result (then a null) per query, then the sync marker.
    for (std::size_t i = 0; i < sent; ++i) {
      PgResult r(PQgetResult(c));
      ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
      if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        const char* n = PQcmdTuples(r.get());
        changed += n && *n ? std::atoll(n) : 0;
      } else if (!failure && st != PGRES_PIPELINE_ABORTED) {
        failure = pg_error(r.get(), c, "postgresql");
      }
      if (r) {
        while (PGresult* extra = PQgetResult(c)) PQclear(extra);
      }
    }
    PgResult sync(PQgetResult(c));
    if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) {
      if (!failure) failure = pg_conn_error(c, "postgresql: pipeline sync");
      break;
    }
  }
  if (!PQexitPipelineMode(c) && !failure) failure = pg_conn_error(c, "postgresql: pipeline exit");
  if (failure) return std::move(*failure);
  return changed;
}

class PgListener final : public Listener {
 public:
  explicit PgListener(std::unique_ptr<PgConn> conn) : conn_(std::move(conn)) {}

  Result<std::optional<Notification>> wait(std::chrono::milliseconds timeout) override {
    using SteadyClock = std::chrono::steady_clock;
    auto deadline = SteadyClock::now() + timeout;
    PGconn* c = conn_->raw();
    while (true) {
      if (!PQconsumeInput(c)) return pg_conn_error(c, "postgresql: listen");
      if (PGnotify* n = PQnotifies(c)) {
        Notification out{n->relname ? n->relname : "", n->extra ? n->extra : ""};
        PQfreemem(n);
        return std::optional<Notification>(std::move(out));
      }
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
      if (left.count() <= 0) return std::optional<Notification>();
      pollfd pfd{PQsocket(c), POLLIN, 0};
      int rc = ::poll(&pfd, 1, static_cast<int>(left.count()));
      if (rc < 0 && errno != EINTR) {
        return make_error(Errc::kUnavailable, "postgresql: listen: poll failed");
      }
    }
  }

 private:
  std::unique_ptr<PgConn> conn_;
};

class PgStore final : public Store {
 public:
  PgStore(std::string url, std::string description, StoreOptions options,
          std::unique_ptr<PgConn> first)
      : url_(std::move(url)), description_(std::move(description)), options_(std::move(options)) {
    open_ = 1;
    idle_.push_back(std::move(first));
  }

  Backend backend() const override { return Backend::kPostgres; }
  std::string describe() const override { return description_; }

  Result<Transaction> begin(TxMode mode) override {
    if (options_.faults) {
      auto point = mode == TxMode::kWrite ? FaultPoint::kBeginWrite : FaultPoint::kBeginRead;
      if (auto fault = options_.faults->check(point)) return std::move(*fault);
    }
    CHARTER_TRY(auto conn, acquire());
    auto tx = std::make_unique<PgTx>(this, std::move(conn), mode);
    tx->faults = options_.faults.get();
    CHARTER_TRY_STATUS(tx->begin());
    return Transaction(std::move(tx), Backend::kPostgres);
  }

  Status checkpoint() override { return ok_status(); }

  Status scrub(std::span<const std::string_view> tables) override {
    for (std::string_view t : tables) CHARTER_TRY_STATUS(vacuum(t));
    return ok_status();
  }

  Status vacuum(std::string_view table) override {
    if (!is_identifier(table, true)) {
      return make_error(Errc::kInvalidArgument, "vacuum: table name must be an identifier");
    }
    CHARTER_TRY(auto conn, acquire());
    std::string sql = "VACUUM " + std::string(table);
    Status st = conn->exec_simple(sql.c_str(), "postgresql: vacuum");
    release(std::move(conn));
    return st;
  }

  Result<std::unique_ptr<Listener>> listen(std::string_view channel) override {
    if (!is_identifier(channel)) {
      return make_error(Errc::kInvalidArgument, "listen: channel must be an identifier");
    }
    CHARTER_TRY(auto conn, PgConn::connect(url_));
    // Quoted, so the name stays case-sensitive like pg_notify's channel argument.
    std::string sql = "LISTEN \"" + std::string(channel) + "\"";
    CHARTER_TRY_STATUS(conn->exec_simple(sql.c_str(), "postgresql: listen"));
    return std::unique_ptr<Listener>(new PgListener(std::move(conn)));
  }

  // Takes a connection from the pool, opening one if the pool is not full.
  Result<std::unique_ptr<PgConn>> acquire() {
    std::unique_lock lock(mu_);
    auto deadline = std::chrono::steady_clock::now() + options_.busy_timeout;
    while (true) {
      while (!idle_.empty()) {
        std::unique_ptr<PgConn> c = std::move(idle_.back());
        idle_.pop_back();
        if (c->healthy()) return c;
        --open_;  // broken: drop it
      }
      if (open_ < std::max(1, options_.pg_connections)) {
        ++open_;
        lock.unlock();
        auto c = PgConn::connect(url_);
        if (!c.ok()) {
          lock.lock();
          --open_;
          cv_.notify_one();
        }
        return c;
      }
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty()) {
        return make_error(Errc::kUnavailable, "begin: timed out waiting for a connection");
      }
    }
  }

  void release(std::unique_ptr<PgConn> conn) {
    {
      std::lock_guard lock(mu_);
      if (conn->healthy()) {
        idle_.push_back(std::move(conn));
      } else {
        --open_;
      }
    }
    cv_.notify_one();
  }

 private:
  std::string url_;
  std::string description_;
  StoreOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<PgConn>> idle_;
  int open_ = 0;
};

PgTx::~PgTx() {
  if (!finished) rollback();
  store_->release(std::move(conn_));
}

}  // namespace

Result<std::unique_ptr<Store>> open_postgres(std::string_view url_view,
                                             const StoreOptions& options) {
  std::string url(url_view);
  CHARTER_TRY(auto first, PgConn::connect(url));
  PGconn* c = first->raw();
  std::string description =
      std::string("postgresql://") + PQhost(c) + ":" + PQport(c) + "/" + PQdb(c);
  return std::unique_ptr<Store>(
      new PgStore(std::move(url), std::move(description), options, std::move(first)));
}

}  // namespace charter::store::detail
