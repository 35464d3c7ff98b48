#include "store/transaction.h"

#include <string>
#include <utility>

#include "store/backend.h"
#include "store/fault.h"

namespace charter::store {

Transaction::Transaction(std::unique_ptr<detail::TxImpl> impl, Backend backend)
    : impl_(std::move(impl)), backend_(backend), mode_(impl_->mode) {}

Transaction::Transaction(Transaction&& other) noexcept = default;

Transaction& Transaction::operator=(Transaction&& other) noexcept {
  if (this != &other) {
    rollback();
    impl_ = std::move(other.impl_);
    backend_ = other.backend_;
    mode_ = other.mode_;
  }
  return *this;
}

Transaction::~Transaction() { rollback(); }

TxMode Transaction::mode() const { return mode_; }

bool Transaction::usable() const { return impl_ && !impl_->failed; }

Status Transaction::ready() {
  if (!impl_) {
    return make_error(Errc::kFailedPrecondition, "transaction: already committed or rolled back");
  }
  if (impl_->failed) {
    return make_error(Errc::kFailedPrecondition,
                      "transaction: aborted by an earlier error; roll back and retry");
  }
  if (impl_->open_cursor) {
    return make_error(Errc::kFailedPrecondition,
                      "transaction: a query's rows are still open; read them to the end or "
                      "destroy the Rows first");
  }
  return ok_status();
}

Status Transaction::ready_for_statement() {
  CHARTER_TRY_STATUS(ready());
  if (impl_->faults && impl_->mode == TxMode::kWrite) {
    if (auto fault = impl_->faults->check(FaultPoint::kStatement)) {
      impl_->failed = true;
      return std::move(*fault);
    }
  }
  return ok_status();
}

template <typename T>
Result<T> Transaction::track(Result<T> r) {
  if (!r.ok()) impl_->failed = true;
  return r;
}

Result<std::int64_t> Transaction::exec(std::string_view sql, std::initializer_list<Param> params) {
  return exec(sql, std::span<const Param>(params.begin(), params.size()));
}

Result<std::int64_t> Transaction::exec(std::string_view sql, std::span<const Param> params) {
  CHARTER_TRY_STATUS(ready_for_statement());
  return track(impl_->exec(sql, params));
}

Result<std::int64_t> Transaction::exec_many(std::string_view sql, std::span<const Param> params,
                                            std::size_t per_row) {
  CHARTER_TRY_STATUS(ready_for_statement());
  if (per_row == 0 || params.size() % per_row != 0) {
    impl_->failed = true;
    return make_error(Errc::kInternal, "exec_many: " + std::to_string(params.size()) +
                                           " parameters is not a multiple of " +
                                           std::to_string(per_row));
  }
  if (params.empty()) return std::int64_t{0};
  return track(impl_->exec_many(sql, params, per_row));
}

Status Transaction::exec_script(std::string_view sql) {
  CHARTER_TRY_STATUS(ready_for_statement());
  Status st = impl_->exec_script(sql);
  if (!st.ok()) impl_->failed = true;
  return st;
}

Result<Rows> Transaction::query(std::string_view sql, std::initializer_list<Param> params) {
  return query(sql, std::span<const Param>(params.begin(), params.size()));
}

Result<Rows> Transaction::query(std::string_view sql, std::span<const Param> params) {
  CHARTER_TRY_STATUS(ready_for_statement());
  auto cursor = impl_->query(sql, params);
  if (!cursor.ok()) {
    impl_->failed = true;
    return std::move(cursor).error();
  }
  std::unique_ptr<detail::CursorImpl> c = std::move(cursor).value();
  c->owner = impl_.get();
  impl_->open_cursor = c.get();
  return Rows(std::move(c));
}

Result<std::optional<Row>> Transaction::query_one(std::string_view sql,
                                                  std::initializer_list<Param> params) {
  return query_one(sql, std::span<const Param>(params.begin(), params.size()));
}

Result<std::optional<Row>> Transaction::query_one(std::string_view sql,
                                                  std::span<const Param> params) {
  CHARTER_TRY(Rows rows, query(sql, params));
  CHARTER_TRY(bool more, rows.next());
  if (!more) return std::optional<Row>();
  return std::optional<Row>(rows.row());
}

Status Transaction::lock(std::string_view name) {
  CHARTER_TRY_STATUS(ready());
  if (impl_->mode != TxMode::kWrite) {
    return make_error(Errc::kFailedPrecondition, "lock: needs a write transaction");
  }
  Status st = impl_->lock(name);
  if (!st.ok()) impl_->failed = true;
  return st;
}

Status Transaction::notify(std::string_view channel, std::string_view payload) {
  CHARTER_TRY_STATUS(ready());
  if (!is_identifier(channel)) {
    return make_error(Errc::kInvalidArgument,
                      "notify: channel must be an identifier ([A-Za-z_][A-Za-z0-9_]*)");
  }
  if (payload.size() >= 8000) {
    return make_error(Errc::kPayloadTooLarge, "notify: payload must be under 8000 bytes");
  }
  Status st = impl_->notify(channel, payload);
  if (!st.ok()) impl_->failed = true;
  return st;
}

Status Transaction::commit() {
  if (!impl_) {
    return make_error(Errc::kFailedPrecondition, "commit: already committed or rolled back");
  }
  if (impl_->open_cursor) {
    impl_->open_cursor->close();
    impl_->open_cursor->owner = nullptr;
    impl_->open_cursor = nullptr;
  }
  if (impl_->failed) {
    rollback();
    return make_error(Errc::kFailedPrecondition,
                      "commit: the transaction was aborted by an earlier error; nothing stored");
  }
  if (impl_->faults) {
    if (auto fault = impl_->faults->check(FaultPoint::kCommit)) {
      rollback();
      return std::move(*fault);
    }
    if (auto fault = impl_->faults->check(FaultPoint::kSync)) {
      if (impl_->fence) impl_->fence->store(true);
      rollback();
      return std::move(*fault);
    }
  }
  Status st = impl_->commit();
  if (!st.ok()) {
    // A commit that failed other than by a conflict (I/O error, fsync, disk full at commit):
    // what reached the disk is unknown, and retrying the fsync could report success for pages
    // the kernel already dropped. The store stops acknowledging writes (fence).
    if (impl_->fence && st.error().code != Errc::kConflict) impl_->fence->store(true);
    rollback();
    return st;
  }
  impl_->finished = true;
  impl_.reset();  // frees the connection (and SQLite's writer slot) now
  return ok_status();
}

void Transaction::rollback() {
  if (!impl_) return;
  if (impl_->open_cursor) {
    impl_->open_cursor->close();
    impl_->open_cursor->owner = nullptr;
    impl_->open_cursor = nullptr;
  }
  impl_->rollback();
  impl_->finished = true;
  impl_.reset();
}

}  // namespace charter::store
