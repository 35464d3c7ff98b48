// The production Authenticator: service tokens through staff::ServiceRegistry (hashed, bound to
// purposes, expiring, revocable) and staff console sessions through SessionStore, with the
// member's current roles and suspension read from staff::StaffRegistry on every request (a
// suspension or a role change takes effect at the next request, on every server).
//
// Credentials: a bearer token starting "chsvc_" is a service token; a session cookie (or a
// bearer "chses_" secret, for scripts holding a session) is a staff session. Anything else is
// kUnauthenticated "invalid token".
// Errors: kUnauthenticated ("invalid token", "token expired", "token revoked", "invalid
// session", "session expired", "session revoked"), kPermissionDenied ("service suspended",
// "staff member suspended"), the store's kUnavailable. Never the credential.
// Thread safety: thread safe (the registries and the session store are).
#pragma once

#include "http/authenticator.h"
#include "http/session_store.h"
#include "staff/registry.h"
#include "staff/services.h"

namespace charter::http {

class CharterAuthenticator final : public Authenticator {
 public:
  CharterAuthenticator(staff::StaffRegistry& staff, staff::ServiceRegistry& services,
                       SessionStore& sessions)
      : staff_(staff), services_(services), sessions_(sessions) {}

  Result<Principal> authenticate(const Credentials& credentials) override;

 private:
  staff::StaffRegistry& staff_;
  staff::ServiceRegistry& services_;
  SessionStore& sessions_;
};

}  // namespace charter::http
