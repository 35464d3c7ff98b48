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

}  // namespace charter::testing
