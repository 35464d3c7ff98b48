#include "store/value.h"

namespace charter::store {

std::string_view type_name(Type t) {
  switch (t) {
    case Type::kNull:
      return "null";
    case Type::kInt:
      return "int";
    case Type::kReal:
      return "real";
    case Type::kText:
      return "text";
    case Type::kBlob:
      return "blob";
  }
  return "unknown";
}

Error type_mismatch(int column, Type expected, Type found) {
  std::string msg = column >= 0 ? "column " + std::to_string(column) + ": " : std::string();
  msg += "expected ";
  msg += type_name(expected);
  msg += ", found ";
  msg += type_name(found);
  return make_error(Errc::kInternal, std::move(msg));
}

Result<std::int64_t> Value::as_int(int column) const {
  if (type() != Type::kInt) return type_mismatch(column, Type::kInt, type());
  return std::get<std::int64_t>(v_);
}

Result<double> Value::as_real(int column) const {
  if (type() != Type::kReal) return type_mismatch(column, Type::kReal, type());
  return std::get<double>(v_);
}

Result<std::string_view> Value::as_text(int column) const {
  if (type() != Type::kText) return type_mismatch(column, Type::kText, type());
  return std::string_view(std::get<std::string>(v_));
}

Result<ByteView> Value::as_blob(int column) const {
  if (type() != Type::kBlob) return type_mismatch(column, Type::kBlob, type());
  return ByteView(std::get<Bytes>(v_));
}

Param::Param(const Value& v) {
  switch (v.type()) {
    case Type::kNull:
      break;
    case Type::kInt:
      *this = Param(*v.as_int());
      break;
    case Type::kReal:
      *this = Param(*v.as_real());
      break;
    case Type::kText:
      *this = Param(*v.as_text());
      break;
    case Type::kBlob:
      *this = Param(*v.as_blob());
      break;
  }
}

}  // namespace charter::store
