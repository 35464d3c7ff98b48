// Who may call which capability route: one table (docs/HTTP.md "Roles"). A rule names whether
// service tokens may call and which staff roles (policy staff roles = internal recipients) may.
// Services are further bound to their purposes: a route acting for a purpose (consent,
// objection, subject creation) refuses a purpose the token is not bound to.
//
// Contract: allow() returns ok, or kPermissionDenied saying what is required (never who asked).
// service_purpose() is ok for staff and for services bound to `purpose`. describe() is the
// sentence added to each route's OpenAPI description. Pure; thread safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "http/principal.h"

namespace charter::http {

struct Rule {
  bool services = false;
  std::vector<std::string_view> roles;  // staff roles allowed
};

namespace rules {
// Subjects: create, lookup, rectify, record events.
inline const Rule kSubjectWrite{true, {"dpo", "support"}};
// Erasure of a subject (art. 17): the DPO handles rights requests.
inline const Rule kSubjectErase{false, {"dpo"}};
// Consent given/withdrawn, objection made/lifted, restriction placed/lifted.
inline const Rule kConsentWrite{true, {"dpo", "support"}};
// Consent, objection, restriction states and histories, receipts.
inline const Rule kConsentRead{true, {"dpo", "support", "auditor"}};
// Compelling legitimate grounds after an objection (art. 21(1)).
inline const Rule kObjectionGrounds{false, {"dpo"}};
// Staff members, services, tokens.
inline const Rule kAdmin{false, {"dpo"}};
// Reading a subject's data for a purpose, single and bulk access decisions: every staff role
// that is a recipient of some purpose, and services; whether THIS actor may use THIS purpose is
// the access decision's (role recipient of the purpose, training, confidentiality, service
// binding), made and audited by the handler.
inline const Rule kSubjectRead{true, {"dpo", "support", "sales", "accounting", "engineering"}};
inline const Rule kDecide{true, {"dpo", "support", "sales", "accounting", "engineering"}};
// Retention sweep reports: the DPO and the auditor. Legal holds: the DPO.
inline const Rule kRetention{false, {"dpo", "auditor"}};
inline const Rule kHolds{false, {"dpo"}};
// Data-subject requests: the DPO's queue.
inline const Rule kRights{false, {"dpo"}};
// Disclosure register (authority requests): recorded, approved and refused by the DPO.
inline const Rule kDisclosures{false, {"dpo"}};
// Audit log: tree heads, proofs, access histories.
inline const Rule kAudit{false, {"dpo", "auditor"}};
}  // namespace rules

Status allow(const Principal& principal, const Rule& rule);
Status service_purpose(const Principal& principal, std::string_view purpose);
std::string describe(const Rule& rule);

}  // namespace charter::http
