// Audit entries: what one line of the tamper-evident log says, and the rules its fields obey.
//
// An AuditEvent is what a caller submits (who did what, for which purpose, about which subject,
// with which outcome). The log turns it into an AuditEntry by adding the sequence number (its
// leaf index in the Merkle tree) and the time it was logged.
//
// No personal data in clear: every text field is a short ASCII token from a fixed alphabet
// without spaces or '@', so e-mail addresses, names, phone numbers in usual notation and free
// text are refused. The subject is a keyed pseudonym computed by the caller (e.g. the vault's
// keyed hash of the subject id, encoded base64url/hex/base32): 16..128 characters of
// [A-Za-z0-9_-]. When the actor is the subject, actor_id holds that same pseudonym. Values of
// personal data never appear in an entry, only the names of what was done (action, purpose,
// reason code). docs/AUDIT.md states the rule for every field.
//
// Contract: validate_event() returns kInvalidArgument naming the first bad field; it never
// echoes the offending value (it may be personal data). Pure functions, thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace charter::audit {

enum class ActorKind : std::uint8_t { kStaff = 1, kService = 2, kSubject = 3, kSystem = 4 };
enum class Decision : std::uint8_t { kNone = 0, kAllow = 1, kDeny = 2 };

std::string_view actor_kind_name(ActorKind kind);   // "staff", "service", "subject", "system"
std::string_view decision_name(Decision decision);  // "none", "allow", "deny"
std::optional<ActorKind> parse_actor_kind(std::string_view name);
std::optional<Decision> parse_decision(std::string_view name);

struct Actor {
  ActorKind kind = ActorKind::kSystem;
  std::string id;    // staff id, service id, subject pseudonym, or system component name
  std::string role;  // staff: the role acting (required); others: optional ("" if none)
  bool operator==(const Actor&) const = default;
};

struct AuditEvent {
  Actor actor;
  std::string action;   // what was done, e.g. "field.read", "consent.withdraw"
  std::string purpose;  // the policy purpose id, "" when none applies
  std::string subject;  // keyed pseudonym of the data subject, "" when none
  Decision decision = Decision::kNone;
  std::string reason;      // reason code of the decision or change, "" when none
  std::string request_id;  // correlating request id, "" when none
  bool operator==(const AuditEvent&) const = default;
};

struct AuditEntry {
  std::uint64_t sequence = 0;  // leaf index, 0-based, dense
  Timestamp time{};            // when the log accepted it (UTC, microseconds)
  AuditEvent event;
  bool operator==(const AuditEntry&) const = default;
};

// Field limits (characters).
inline constexpr std::size_t kMaxTokenLength = 64;
inline constexpr std::size_t kMinPseudonymLength = 16;
inline constexpr std::size_t kMaxPseudonymLength = 128;

// An event's fields as views (no ownership), for checking without allocating.
struct EventView {
  ActorKind actor_kind = ActorKind::kSystem;
  Decision decision = Decision::kNone;
  std::string_view actor_id, actor_role, action, purpose, subject, reason, request_id;
};
EventView view_of(const AuditEvent& event);

// Checks every field against the rules above. Errors: kInvalidArgument naming the field.
Status validate_event(const AuditEvent& event);
// The same check; returns the rule broken ("" when valid). Never allocates.
std::string_view check_event(const EventView& event);

// True when `s` is a well-formed pseudonym (16..128 of [A-Za-z0-9_-]).
bool is_pseudonym(std::string_view s);

}  // namespace charter::audit
