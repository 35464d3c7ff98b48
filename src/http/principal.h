// Who is calling: the identity an Authenticator (authenticator.h) gives to a request.
//
// Contract: `id` is an opaque, stable identifier of the credential's owner (a service id or a
// staff member id, never a name or an e-mail): it keys rate limits and idempotency keys and
// names the actor in audit entries. Plain value; copyable.
#pragma once

#include <string>
#include <vector>

namespace charter::http {

struct Principal {
  enum class Kind { kService, kStaff };

  Kind kind = Kind::kService;
  std::string id;
  std::vector<std::string> purposes;  // services: the purposes the token is bound to
  std::vector<std::string> roles;     // staff: recipient ids (roles) of the member
  // Set when the credential was a console session cookie: unsafe methods then need the
  // session's CSRF token (csrf.h).
  bool by_session_cookie = false;
  std::string csrf_token;
  // Staff: the member must change their password before anything else (session_store.h).
  bool must_change_password = false;
};

}  // namespace charter::http
