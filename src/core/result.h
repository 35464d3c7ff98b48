// Result<T>: a value or an Error. Charter's own type (clang 14 cannot use std::expected).
//
// Contract: a Result holds exactly one of a T or an Error. value() on an error, or error() on
// a value, is a bug and aborts (it is not an input check). Result<void> holds only success or
// an Error. Use CHARTER_TRY to propagate. Not thread-safe beyond what T is.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <type_traits>
#include <utility>
#include <variant>

#include "core/error.h"

namespace charter {

namespace detail {
[[noreturn]] inline void result_misuse(const char* what) {
  std::fprintf(stderr, "charter: Result misuse: %s\n", what);
  std::abort();
}
}  // namespace detail

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(const T& v) : v_(std::in_place_index<0>, v) {}          // NOLINT
  Result(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}    // NOLINT
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}  // NOLINT
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, Error> && !std::is_same_v<std::decay_t<U>, Result<T>>)
      Result(U&& u)
      : v_(std::in_place_index<0>, T(std::forward<U>(u))) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    if (!ok()) detail::result_misuse(std::get<1>(v_).message.c_str());
    return std::get<0>(v_);
  }
  const T& value() const& {
    if (!ok()) detail::result_misuse(std::get<1>(v_).message.c_str());
    return std::get<0>(v_);
  }
  T&& value() && {
    if (!ok()) detail::result_misuse(std::get<1>(v_).message.c_str());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& {
    if (ok()) detail::result_misuse("error() on a value");
    return std::get<1>(v_);
  }
  Error&& error() && {
    if (ok()) detail::result_misuse("error() on a value");
    return std::get<1>(std::move(v_));
  }

  T value_or(T fallback) const& { return ok() ? std::get<0>(v_) : std::move(fallback); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error e) : err_(std::move(e)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  void value() const {
    if (!ok_) detail::result_misuse(err_.message.c_str());
  }
  const Error& error() const& {
    if (ok_) detail::result_misuse("error() on a value");
    return err_;
  }
  Error&& error() && {
    if (ok_) detail::result_misuse("error() on a value");
    return std::move(err_);
  }

 private:
  Error err_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status ok_status() { return {}; }

}  // namespace charter

// Propagate an error: CHARTER_TRY(auto x, expr); or CHARTER_TRY_STATUS(expr);
#define CHARTER_CONCAT_INNER(a, b) a##b
#define CHARTER_CONCAT(a, b) CHARTER_CONCAT_INNER(a, b)
#define CHARTER_TRY_IMPL(tmp, decl, expr)       \
  auto tmp = (expr);                            \
  if (!tmp.ok()) return std::move(tmp).error(); \
  decl = std::move(tmp).value()
#define CHARTER_TRY(decl, expr) CHARTER_TRY_IMPL(CHARTER_CONCAT(charter_try_, __LINE__), decl, expr)
#define CHARTER_TRY_STATUS(expr)                                                  \
  do {                                                                            \
    auto charter_try_status_ = (expr);                                            \
    if (!charter_try_status_.ok()) return std::move(charter_try_status_).error(); \
  } while (0)
