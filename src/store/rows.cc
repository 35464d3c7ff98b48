#include "store/rows.h"

#include <string>

#include "store/backend.h"

namespace charter::store {

Rows::Rows(std::unique_ptr<detail::CursorImpl> impl) : impl_(std::move(impl)) {}

Rows::Rows(Rows&& other) noexcept : impl_(std::move(other.impl_)), on_row_(other.on_row_) {
  other.on_row_ = false;
}

Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    release();
    impl_ = std::move(other.impl_);
    on_row_ = other.on_row_;
    other.on_row_ = false;
  }
  return *this;
}

Rows::~Rows() { release(); }

void Rows::release() {
  if (!impl_) return;
  if (impl_->owner) {
    impl_->close();
    if (impl_->owner->open_cursor == impl_.get()) impl_->owner->open_cursor = nullptr;
    impl_->owner = nullptr;
  }
  impl_.reset();
  on_row_ = false;
}

Result<bool> Rows::next() {
  on_row_ = false;
  if (!impl_ || !impl_->owner) {
    return make_error(Errc::kFailedPrecondition, "rows: the query has ended");
  }
  auto more = impl_->next();
  if (!more.ok()) {
    impl_->owner->failed = true;
    impl_->owner->open_cursor = nullptr;
    impl_->close();
    impl_->owner = nullptr;
    return more;
  }
  if (!*more) {
    // At the end: free the transaction for other statements right away.
    impl_->close();
    impl_->owner->open_cursor = nullptr;
    impl_->owner = nullptr;
    return false;
  }
  on_row_ = true;
  return true;
}

int Rows::columns() const { return impl_ ? impl_->columns() : 0; }

std::string_view Rows::column_name(int col) const {
  if (!impl_ || col < 0 || col >= impl_->columns()) return {};
  return impl_->column_name(col);
}

Type Rows::type(int col) const {
  if (!on_row_ || col < 0 || col >= impl_->columns()) return Type::kNull;
  return impl_->type(col);
}

Status Rows::check(int col, Type expected) const {
  if (!on_row_) return make_error(Errc::kInternal, "rows: no current row (call next() first)");
  if (col < 0 || col >= impl_->columns()) {
    return make_error(Errc::kInternal, "rows: column " + std::to_string(col) + " out of range");
  }
  Type found = impl_->type(col);
  if (found != expected) return type_mismatch(col, expected, found);
  return ok_status();
}

Result<std::int64_t> Rows::get_int(int col) const {
  CHARTER_TRY_STATUS(check(col, Type::kInt));
  return impl_->int_at(col);
}

Result<double> Rows::get_real(int col) const {
  CHARTER_TRY_STATUS(check(col, Type::kReal));
  return impl_->real_at(col);
}

Result<std::string_view> Rows::get_text(int col) const {
  CHARTER_TRY_STATUS(check(col, Type::kText));
  return impl_->text_at(col);
}

Result<ByteView> Rows::get_blob(int col) const {
  CHARTER_TRY_STATUS(check(col, Type::kBlob));
  return impl_->blob_at(col);
}

Value Rows::value(int col) const {
  switch (type(col)) {
    case Type::kNull:
      return Value();
    case Type::kInt:
      return Value(impl_->int_at(col));
    case Type::kReal:
      return Value(impl_->real_at(col));
    case Type::kText:
      return Value(impl_->text_at(col));
    case Type::kBlob:
      return Value(impl_->blob_at(col));
  }
  return Value();
}

Row Rows::row() const {
  Row out;
  int n = on_row_ ? impl_->columns() : 0;
  out.reserve(n);
  for (int i = 0; i < n; ++i) out.push_back(value(i));
  return out;
}

}  // namespace charter::store
