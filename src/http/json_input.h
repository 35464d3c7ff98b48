// Reading members of a JSON request body with clear errors (docs/HTTP.md "Errors"): the message
// names the member and what is allowed, never the value sent. check_members() refuses members a
// route does not take (mass assignment of server-owned fields such as ids or dates): the
// message lists the accepted names without echoing the unknown one.
// Also: path/query helpers for opaque ids. Pure; thread safe.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "http/request.h"

namespace charter::http {

Status check_members(const nlohmann::json& body, std::initializer_list<std::string_view> allowed);

// A string member; kInvalidArgument when missing (required), not a string, empty, or longer than
// max_bytes.
Result<std::string> string_member(const nlohmann::json& body, std::string_view name,
                                  std::size_t max_bytes = 1024);
Result<std::optional<std::string>> optional_string(const nlohmann::json& body,
                                                   std::string_view name,
                                                   std::size_t max_bytes = 1024);
// An array of strings (each non-empty, at most max_bytes), at most max_items.
Result<std::vector<std::string>> string_array(const nlohmann::json& body, std::string_view name,
                                              std::size_t max_items = 64,
                                              std::size_t max_bytes = 256);
Result<std::optional<Timestamp>> optional_timestamp(const nlohmann::json& body,
                                                    std::string_view name);
Result<std::optional<Date>> optional_date(const nlohmann::json& body, std::string_view name);

// The path parameter `name` as an opaque id with `prefix` ("sub", "stf", ...); kInvalidArgument
// naming the parameter otherwise.
Result<std::string> id_param(const Request& req, std::string_view name, std::string_view prefix);
// A non-negative integer query parameter; kInvalidArgument naming it.
Result<std::optional<std::uint64_t>> uint_query(const Request& req, std::string_view name);

nlohmann::json time_json(const std::optional<Timestamp>& t);

}  // namespace charter::http
