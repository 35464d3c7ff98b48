// Test helpers shared by src/http tests (not part of the library: included by *_test.cc only).
#pragma once

#include <map>
#include <memory>
#include <string>

#include "http/api.h"
#include "http/authenticator.h"
#include "policy/loader.h"

namespace charter::http::testing {

// The default Oxemis policy, loaded once.
inline std::shared_ptr<const policy::Policy> oxemis_policy() {
  static auto p = [] {
    auto r = policy::load_policy(std::string(CHARTER_SOURCE_DIR) + "/policies/oxemis.yaml");
    if (!r) std::abort();
    return std::make_shared<const policy::Policy>(std::move(r).value());
  }();
  return p;
}

// An Authenticator for tests only: a fixed table of secrets to principals. Production code has
// no such thing (the staff module provides the real one).
class TableAuthenticator final : public Authenticator {
 public:
  void add(std::string secret, Principal p) { table_[std::move(secret)] = std::move(p); }
  Result<Principal> authenticate(const Credentials& c) override {
    ++calls;
    auto it = table_.find(c.secret);
    if (it == table_.end()) return make_error(Errc::kUnauthenticated, "unknown credential");
    Principal p = it->second;
    p.by_session_cookie = c.kind == Credentials::Kind::kSessionCookie;
    return p;
  }
  int calls = 0;

 private:
  std::map<std::string, Principal> table_;
};

inline Principal service(std::string id) {
  Principal p;
  p.kind = Principal::Kind::kService;
  p.id = std::move(id);
  p.purposes = {"solicitation"};
  return p;
}

inline Principal staff(std::string id, std::string csrf) {
  Principal p;
  p.kind = Principal::Kind::kStaff;
  p.id = std::move(id);
  p.roles = {"dpo"};
  p.csrf_token = std::move(csrf);
  return p;
}

}  // namespace charter::http::testing
