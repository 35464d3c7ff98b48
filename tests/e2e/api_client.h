// A small JSON client for the e2e API tests: one request per connection through RawClient,
// with the credential (bearer token or session cookie + CSRF token) of a caller.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "support/raw_client.h"

namespace charter::testing {

struct Caller {
  std::string bearer;  // "Authorization: Bearer ..."
  std::string cookie;  // charter_session value
  std::string csrf;    // X-CSRF-Token for cookie sessions
};

struct Reply {
  int status = 0;
  nlohmann::json body;  // null when not JSON
  RawResponse raw;
  std::string type() const {  // the problem type slug
    if (!body.is_object() || !body.contains("type")) return "";
    std::string t = body["type"].get<std::string>();
    return t.substr(t.rfind('/') + 1);
  }
};

inline Reply call(std::uint16_t port, const std::string& method, const std::string& target,
                  const Caller& who = {}, const nlohmann::json& body = nullptr,
                  const std::string& extra_headers = "") {
  RawClient c(port);
  std::string headers = extra_headers;
  if (!who.bearer.empty()) headers += "Authorization: Bearer " + who.bearer + "\r\n";
  if (!who.cookie.empty()) headers += "Cookie: charter_session=" + who.cookie + "\r\n";
  if (!who.csrf.empty()) headers += "X-CSRF-Token: " + who.csrf + "\r\n";
  std::string text;
  if (!body.is_null()) {
    headers += "Content-Type: application/json\r\n";
    text = body.dump();
  }
  Reply r;
  auto res = c.request(method, target, headers, text);
  if (!res) return r;
  r.status = res->status;
  r.raw = *res;
  r.body = nlohmann::json::parse(res->body, nullptr, false);
  if (r.body.is_discarded()) r.body = nullptr;
  return r;
}

// serve's "First DPO account (...): e-mail E, password P (...)" line -> E and P; false for other
// lines.
inline bool parse_dpo_line(const std::string& line, std::string& email, std::string& password) {
  if (line.rfind("First DPO account", 0) != 0) return false;
  auto e = line.find("e-mail ");
  auto p = line.find(", password ");
  if (e == std::string::npos || p == std::string::npos) return false;
  email = line.substr(e + 7, p - e - 7);
  auto start = p + 11;
  password = line.substr(start, line.find(' ', start) - start);
  return !email.empty() && !password.empty();
}

// A staff console session: POST /v1/session. Empty Caller when refused.
inline Caller staff_login(std::uint16_t port, const std::string& email,
                          const std::string& password) {
  auto r = call(port, "POST", "/v1/session", {}, {{"email", email}, {"password", password}});
  Caller c;
  if (r.status != 201) return c;
  std::string h = r.raw.header("set-cookie");  // "charter_session=VALUE; Path=/; ..."
  auto eq = h.find('=');
  if (eq == std::string::npos) return c;
  c.cookie = h.substr(eq + 1, h.find(';') - eq - 1);
  c.csrf = r.body["csrf_token"].get<std::string>();
  return c;
}

// The first DPO's printed password must be changed at first login (docs/HTTP.md): logs in with
// it, changes it to `next` and logs in again. Empty Caller when any step is refused.
inline Caller first_dpo_login(std::uint16_t port, const std::string& email,
                              const std::string& printed,
                              const std::string& next = "the-dpo-chose-this-one") {
  Caller first = staff_login(port, email, printed);
  if (first.cookie.empty()) return first;
  auto r = call(port, "PUT", "/v1/session/password", first,
                {{"current_password", printed}, {"new_password", next}});
  if (r.status != 204) return {};
  return staff_login(port, email, next);
}

}  // namespace charter::testing
