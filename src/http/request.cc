#include "http/request.h"

namespace charter::http {

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::size_t Request::query_count(std::string_view name) const {
  std::size_t n = 0;
  for (const auto& kv : query) n += kv.first == name ? 1 : 0;
  return n;
}

std::string_view Request::path_param(std::string_view name) const {
  for (const auto& [k, v] : path_params) {
    if (k == name) return v;
  }
  return {};
}

bool Request::gpc() const {
  for (std::string_view v : headers.get_all("Sec-GPC")) {
    if (v == "1") return true;
  }
  return false;
}

}  // namespace charter::http
