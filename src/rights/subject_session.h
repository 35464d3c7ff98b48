// Subject sessions (docs/RIGHTS.md "Subject session"): a verified one-time code opens a session
// scoped to the address it was sent to (its blind index), for the subject-facing routes and the
// privacy center. The secret ("chsub_" + 32 random bytes, base64url) is given once, in a cookie
// `charter_subject` (HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age = the TTL); only its HMAC
// is stored, with the address index and the expiry (default 30 minutes, not extended).
// Errors: kUnauthenticated (unknown, expired or closed session), the store's. Thread safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "crypto/blind_index.h"
#include "rights/queue.h"

namespace charter::rights {

inline constexpr std::string_view kSubjectCookie = "charter_subject";

struct SubjectSession {
  std::string secret;  // given once
  crypto::BlindIndex email_index{};
  Timestamp expires_at;
};

class SubjectSessions {
 public:
  explicit SubjectSessions(RequestQueue& queue, std::chrono::minutes ttl = std::chrono::minutes(30))
      : queue_(queue), ttl_(ttl) {}

  Result<SubjectSession> open(const crypto::BlindIndex& email_index);
  // The address index of a live session.
  Result<crypto::BlindIndex> check(std::string_view secret);
  Status close(std::string_view secret);
  std::chrono::minutes ttl() const { return ttl_; }

 private:
  std::string key_of(std::string_view secret) const;

  RequestQueue& queue_;
  std::chrono::minutes ttl_;
};

}  // namespace charter::rights
