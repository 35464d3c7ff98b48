// Values of the staff registry (C11, DESIGN.md section 6): staff members, service identities,
// API tokens, and the Identity an authenticated caller gets (the actor of access decisions).
//
// Staff data is personal data: display names and e-mail addresses are sealed at rest and only
// appear in MemberDetails, which the registry opens on request; nothing else here holds them.
// Thread safety: plain values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"

namespace charter::staff {

struct Member {
  std::string id;                  // "stf_..."
  std::vector<std::string> roles;  // policy staff roles (recipient ids)
  std::optional<Date> trained_on;  // last training
  std::optional<Date> confidentiality_signed;
  bool suspended = false;
  std::optional<Timestamp> suspended_at;
  bool has_password = false;
  Timestamp created_at;
};

// Opened on request (console profile, CLI `staff show`); never logged.
struct MemberDetails {
  std::string display_name;
  std::string email;  // normalised: trimmed, lower case
};

struct Service {
  std::string id;                     // "svc_..."
  std::string name;                   // e.g. "emailing-platform" (not personal data)
  std::vector<std::string> purposes;  // policy purpose ids it may invoke
  bool suspended = false;
  Timestamp created_at;
};

struct TokenInfo {
  std::string id;  // "tok_...", for listing and revocation
  std::string service_id;
  Timestamp created_at;
  Timestamp expires_at;
  std::optional<Timestamp> revoked_at;
};

// A new API token: `token` is shown once and never stored (only its SHA-256 is).
struct IssuedToken {
  std::string token;
  TokenInfo info;
};

// Who is calling: a staff member (console login) or a service (API token). Same fields as
// access::Actor (the caller copies them; see docs/STAFF.md).
struct Identity {
  enum class Kind { kStaff, kService };
  Kind kind = Kind::kStaff;
  std::string id;
  std::vector<std::string> roles;              // staff
  std::optional<Date> trained_on;              // staff
  std::optional<Date> confidentiality_signed;  // staff
  bool suspended = false;                      // staff suspended / service suspended
  std::vector<std::string> purposes;           // service
};

}  // namespace charter::staff
