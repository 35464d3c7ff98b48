// HTTP request methods as Charter's own type (no Beast in public headers).
//
// Contract: parse_method() maps the exact, case-sensitive token (RFC 9110 9.1) to a Method;
// any other token is kOther. Pure; thread safe.
#pragma once

#include <string_view>

namespace charter::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

Method parse_method(std::string_view token);
std::string_view to_string(Method method);  // "GET", ...; "OTHER" for kOther

// POST, PUT, PATCH, DELETE: the methods that change state (CSRF checks, idempotency keys).
bool is_unsafe(Method method);

}  // namespace charter::http
