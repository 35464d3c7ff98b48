#include "http/json_input.h"

#include <algorithm>
#include <charconv>

#include "core/id.h"

namespace charter::http {

using nlohmann::json;

namespace {
std::string joined(std::initializer_list<std::string_view> names) {
  std::string out;
  for (auto n : names) out += std::string(out.empty() ? "" : ", ") + std::string(n);
  return out;
}
Error bad(std::string_view name, std::string_view why) {
  return make_error(Errc::kInvalidArgument, std::string(name) + ": " + std::string(why));
}
}  // namespace

Status check_members(const json& body, std::initializer_list<std::string_view> allowed) {
  if (!body.is_object())
    return make_error(Errc::kInvalidArgument, "the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end()) {
      return make_error(Errc::kInvalidArgument,
                        "the body has a member this route does not take (server-owned or "
                        "unknown); accepted members: " +
                            joined(allowed));
    }
  }
  return ok_status();
}

Result<std::optional<std::string>> optional_string(const json& body, std::string_view name,
                                                   std::size_t max_bytes) {
  auto it = body.find(std::string(name));
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) return bad(name, "must be a string");
  const auto& s = it->get_ref<const std::string&>();
  if (s.empty()) return bad(name, "must not be empty");
  if (s.size() > max_bytes) {
    return bad(name, "is longer than " + std::to_string(max_bytes) + " bytes");
  }
  return std::optional<std::string>(s);
}

Result<std::string> string_member(const json& body, std::string_view name, std::size_t max_bytes) {
  CHARTER_TRY(auto v, optional_string(body, name, max_bytes));
  if (!v) return bad(name, "is required");
  return std::move(*v);
}

Result<std::vector<std::string>> string_array(const json& body, std::string_view name,
                                              std::size_t max_items, std::size_t max_bytes) {
  std::vector<std::string> out;
  auto it = body.find(std::string(name));
  if (it == body.end() || it->is_null()) return out;
  if (!it->is_array()) return bad(name, "must be an array of strings");
  if (it->size() > max_items) {
    return bad(name, "has more than " + std::to_string(max_items) + " items");
  }
  for (const auto& v : *it) {
    if (!v.is_string() || v.get_ref<const std::string&>().empty() ||
        v.get_ref<const std::string&>().size() > max_bytes) {
      return bad(name, "items must be non-empty strings of at most " + std::to_string(max_bytes) +
                           " bytes");
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

Result<std::optional<Timestamp>> optional_timestamp(const json& body, std::string_view name) {
  CHARTER_TRY(auto s, optional_string(body, name, 64));
  if (!s) return std::optional<Timestamp>();
  auto t = parse_timestamp(*s);
  if (!t) return bad(name, "must be an RFC 3339 UTC time, e.g. 2026-01-31T12:00:00Z");
  return std::optional<Timestamp>(*t);
}

Result<std::optional<Date>> optional_date(const json& body, std::string_view name) {
  CHARTER_TRY(auto s, optional_string(body, name, 32));
  if (!s) return std::optional<Date>();
  auto d = parse_date(*s);
  if (!d) return bad(name, "must be a date YYYY-MM-DD");
  return std::optional<Date>(*d);
}

Result<std::string> id_param(const Request& req, std::string_view name, std::string_view prefix) {
  std::string_view v = req.path_param(name);
  if (!is_valid_id(v, prefix)) {
    return bad(name, "expected " + std::string(prefix) + "_ and 26 base32 characters");
  }
  return std::string(v);
}

Result<std::optional<std::uint64_t>> uint_query(const Request& req, std::string_view name) {
  if (req.query_count(name) > 1) return bad(name, "must be given once");
  auto v = req.query_param(name);
  if (!v) return std::optional<std::uint64_t>();
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (v->empty() || ec != std::errc() || p != v->data() + v->size()) {
    return bad(name, "must be a non-negative integer");
  }
  return std::optional<std::uint64_t>(n);
}

json time_json(const std::optional<Timestamp>& t) {
  return t ? json(format_timestamp(*t)) : json(nullptr);
}

}  // namespace charter::http
