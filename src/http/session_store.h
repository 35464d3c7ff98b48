// SessionStore: staff console sessions, in the database (table http_sessions, migration
// component "http"), shared by every server on one PostgreSQL.
//
// A session is created at login for a staff member. Its secret ("chses_" + 52 base32
// characters, 256 random bits) goes to the browser in the session cookie and is never stored:
// the table keeps its SHA-256 (a 256-bit random secret needs no salt or slow hash), an opaque
// session id ("ses_...", for logs and audit), the member id, and three times: created, last
// seen, absolute expiry. A session is valid while not revoked, before its absolute expiry and
// within `idle_timeout` of its last use; last use is written at most once per `touch_every`
// (one write per minute per session, not one per request).
// The CSRF token of a session is derived from its secret (base64url of SHA-256 of
// "charter-csrf-v1:" + secret): bound to the session, never stored, unknown to whoever reads the
// database.
//
// Errors: kUnauthenticated "invalid session" / "session expired" / "session revoked" (never the
// secret); kInvalidArgument for a bad staff id; the store's errors (kUnavailable...).
// Thread safety: thread safe (Random under a mutex). Borrows Store, Clock, Random.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "store/store.h"

namespace charter::http {

struct SessionOptions {
  std::chrono::seconds lifetime{8 * 3600};     // absolute, from login
  std::chrono::seconds idle_timeout{30 * 60};  // since last use
  std::chrono::seconds touch_every{60};
};

struct NewSession {
  std::string secret;  // the cookie value: shown once, never stored
  std::string session_id;
  std::string csrf_token;
  Timestamp expires_at;
};

struct SessionInfo {
  std::string session_id;
  std::string staff_id;
  std::string csrf_token;
  Timestamp expires_at;
  bool must_change_password = false;  // the member must change their password first
};

class SessionStore {
 public:
  // Applies the "http" migrations.
  static Result<std::unique_ptr<SessionStore>> open(store::Store& store, const Clock& clock,
                                                    Random& random, SessionOptions options = {});

  Result<NewSession> create(std::string_view staff_id);
  // The live session of a cookie value; refreshes its last use (at most once per touch_every).
  Result<SessionInfo> resolve(std::string_view secret);
  // Logout: revokes the session (idempotent). kUnauthenticated for an unknown secret.
  Status revoke(std::string_view secret);
  // Revokes every live session of a member (suspension, password change). Returns the count.
  Result<std::int64_t> revoke_all(std::string_view staff_id);

  // A member who must change their password (the first DPO, whose password was printed): their
  // sessions may only change it or log out until they do (table http_password_change, shared by
  // the servers). Cleared by a successful PUT /v1/session/password.
  Status require_password_change(std::string_view staff_id);
  Status clear_password_change(std::string_view staff_id);
  Result<bool> password_change_required(std::string_view staff_id);

  const SessionOptions& options() const { return options_; }

  static std::string csrf_token_of(std::string_view secret);

 private:
  SessionStore(store::Store& store, const Clock& clock, Random& random, SessionOptions options)
      : store_(store), clock_(clock), random_(random), options_(options) {}

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  std::mutex random_mu_;
  SessionOptions options_;
};

}  // namespace charter::http
