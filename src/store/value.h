// Values stored and read by the store: null, int64, double, UTF-8 text, blob.
//
// Value owns its data (query_one results, values kept beyond a row). Param is a non-owning view
// used to bind statement parameters: it points into the caller's string or bytes, which must stay
// alive until the call that takes the Param returns (do not keep a Param built from a temporary).
// Accessors that expect a type return kInternal on another type (a caller/schema bug, never a
// value in the message). Thread safety: plain values, no shared state.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace charter::store {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

enum class Type { kNull, kInt, kReal, kText, kBlob };

// "null", "int", "real", "text", "blob".
std::string_view type_name(Type t);

// Error for reading a column as the wrong type (message names only the column and types).
Error type_mismatch(int column, Type expected, Type found);

class Value {
 public:
  Value() = default;        // null
  Value(std::nullptr_t) {}  // NOLINT
  template <std::integral I>
  Value(I v) : v_(static_cast<std::int64_t>(v)) {}      // NOLINT
  Value(double v) : v_(v) {}                            // NOLINT
  Value(std::string v) : v_(std::move(v)) {}            // NOLINT
  Value(std::string_view v) : v_(std::string(v)) {}     // NOLINT
  Value(const char* v) : v_(std::string(v)) {}          // NOLINT
  Value(Bytes v) : v_(std::move(v)) {}                  // NOLINT
  Value(ByteView v) : v_(Bytes(v.begin(), v.end())) {}  // NOLINT

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_null() const { return v_.index() == 0; }

  // The value if it has that type; otherwise kInternal naming `column` (-1: no column).
  Result<std::int64_t> as_int(int column = -1) const;
  Result<double> as_real(int column = -1) const;
  Result<std::string_view> as_text(int column = -1) const;
  Result<ByteView> as_blob(int column = -1) const;

  bool operator==(const Value& other) const = default;

 private:
  std::variant<std::monostate, std::int64_t, double, std::string, Bytes> v_;
};

// A statement parameter: a view of a value (see the file comment for lifetime).
class Param {
 public:
  Param() = default;        // null
  Param(std::nullptr_t) {}  // NOLINT
  Param(std::nullopt_t) {}  // NOLINT
  template <std::integral I>
  Param(I v) : type_(Type::kInt), i_(static_cast<std::int64_t>(v)) {}            // NOLINT
  Param(double v) : type_(Type::kReal), d_(v) {}                                 // NOLINT
  Param(std::string_view v) : type_(Type::kText), p_(v.data()), n_(v.size()) {}  // NOLINT
  Param(const char* v) : Param(std::string_view(v)) {}                           // NOLINT
  Param(const std::string& v) : Param(std::string_view(v)) {}                    // NOLINT
  Param(ByteView v)                                                              // NOLINT
      : type_(Type::kBlob), p_(reinterpret_cast<const char*>(v.data())), n_(v.size()) {}
  Param(const Bytes& v) : Param(ByteView(v)) {}  // NOLINT
  Param(const Value& v);                         // NOLINT
  template <typename T>
  Param(const std::optional<T>& v) : Param(v ? Param(*v) : Param()) {}  // NOLINT

  Type type() const { return type_; }
  std::int64_t int_value() const { return i_; }
  double real_value() const { return d_; }
  std::string_view text() const { return {p_ ? p_ : "", n_}; }
  ByteView blob() const { return {reinterpret_cast<const std::uint8_t*>(p_ ? p_ : ""), n_}; }

 private:
  Type type_ = Type::kNull;
  std::int64_t i_ = 0;
  double d_ = 0;
  const char* p_ = nullptr;
  std::size_t n_ = 0;
};

// One row fully read (query_one): values in column order.
using Row = std::vector<Value>;

}  // namespace charter::store
