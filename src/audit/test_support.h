// Test-only helpers shared by the audit tests (never included by library code): sample events
// and a deterministic signing key.
#pragma once

#include <string>

#include "audit/entry.h"
#include "core/random.h"
#include "crypto/sign.h"

namespace charter::audit::testing {

inline std::string pseudonym(int n) {
  std::string s = "psd_" + std::to_string(n);
  s.resize(43, 'x');
  return s;
}

// A realistic event: staff member reading a field of subject `n` for customer relationship.
inline AuditEvent sample_event(int n) {
  AuditEvent e;
  switch (n % 4) {
    case 0:
      e.actor = Actor{ActorKind::kStaff, "stf_01hqz3k8m2v9w4x5y6z7a8b9c0", "support"};
      break;
    case 1:
      e.actor = Actor{ActorKind::kService, "svc_emailing", ""};
      break;
    case 2:
      e.actor = Actor{ActorKind::kSubject, pseudonym(n % 97), ""};
      break;
    default:
      e.actor = Actor{ActorKind::kSystem, "retention", ""};
      break;
  }
  e.action = n % 3 == 0 ? "field.read" : "consent.check";
  e.purpose = "customer_relationship";
  e.subject = pseudonym(n % 97);
  e.decision = n % 5 == 0 ? Decision::kDeny : Decision::kAllow;
  e.reason = n % 5 == 0 ? "consent.withdrawn" : "basis.contract";
  e.request_id = "req_" + std::to_string(1000000 + n);
  return e;
}

inline crypto::SigningKey test_key(std::uint64_t seed = 7) {
  SeededRandom rnd(seed);
  return crypto::SigningKey::generate(rnd);
}

}  // namespace charter::audit::testing
