// Authentication hook: turns the credential a request presents into a Principal.
//
// Credentials are a bearer service token (`Authorization: Bearer <token>`) or a console session
// cookie (`charter_session=<value>`). When both are present the bearer token is used and the
// cookie ignored (so CSRF rules do not apply to token calls).
//
// Contract for implementations (the staff module provides the production one):
// authenticate() returns the Principal, or kUnauthenticated for a credential that is unknown,
// expired or revoked (the message says which, never the credential), or kUnavailable when the
// store cannot be read. It may block on storage: the pipeline calls it on a worker thread.
// Implementations must be thread safe. Until one is given to the server, routes that require
// authentication answer 401 (serve registers none).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/headers.h"
#include "http/principal.h"

namespace charter::http {

inline constexpr std::string_view kSessionCookieName = "charter_session";

struct Credentials {
  enum class Kind { kBearer, kSessionCookie };
  Kind kind = Kind::kBearer;
  std::string secret;  // the token or cookie value: never logged, never echoed
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual Result<Principal> authenticate(const Credentials& credentials) = 0;
};

// The credential a request presents, if any. Errors: kUnauthenticated for an Authorization
// header that is not a well-formed Bearer token (RFC 6750 2.1) or several of them.
Result<std::optional<Credentials>> extract_credentials(const Headers& headers);

}  // namespace charter::http
