// Purpose-bound access decisions (DESIGN.md section 4): may this actor use these categories of
// this subject's data for this purpose, now?
//
// decide() is pure: it takes a snapshot of the actor and the subject (built by the caller from
// the staff registry, the vault and the consent ledger) and the policy, and answers allow or
// deny with every reason code that applies (the first one is the decisive one) and a sentence.
// The checks, in order: the purpose exists; the actor may invoke it (role, training valid,
// confidentiality signed, not suspended; or a service bound to it); the purpose uses the
// categories; the subject's status allows it (erased, restricted, deceased); its legal basis
// holds (consent given, not withdrawn, not expired; no objection in force); the retention window
// of every category is open. Thread safe; no I/O.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "policy/model.h"
#include "policy/window.h"

namespace charter::access {

struct Actor {
  enum class Kind { kStaff, kService };
  Kind kind = Kind::kStaff;
  std::string id;
  std::vector<std::string> roles;              // staff: policy recipient ids
  std::optional<Date> trained_on;              // staff: last training
  std::optional<Date> confidentiality_signed;  // staff: commitment signed
  bool suspended = false;                      // staff suspended / service revoked
  std::vector<std::string> purposes;           // service: purposes it is bound to
};

enum class SubjectStatus { kActive, kRestricted, kDeceased, kErased };
enum class ConsentStatus { kNone, kGiven, kWithdrawn, kExpired };

struct ConsentState {
  ConsentStatus status = ConsentStatus::kNone;
  std::optional<Timestamp> at;          // time of the event that set the status
  std::optional<Timestamp> expires_at;  // for given consents with an expiry
};

struct ObjectionState {
  bool objected = false;
  bool overridden = false;  // the DPO recorded compelling legitimate grounds (art. 21(1))
};

// What is known about one subject when deciding.
struct SubjectSnapshot {
  SubjectStatus status = SubjectStatus::kActive;
  // Anchors and states for retention windows. `objected` and, for consent purposes,
  // `consent_withdrawal` are derived per purpose from `objections` and `consents`.
  policy::Facts facts;
  std::map<std::string, ConsentState> consents;      // by purpose id
  std::map<std::string, ObjectionState> objections;  // by purpose id
};

struct AccessRequest {
  std::string purpose;
  std::vector<std::string> categories;  // empty: every category of the purpose
};

// Stable reason codes (API, audit, tests).
namespace reason {
inline constexpr const char* kAllowed = "allowed";
inline constexpr const char* kUnknownPurpose = "unknown_purpose";
inline constexpr const char* kUnknownCategory = "unknown_category";
inline constexpr const char* kActorSuspended = "actor_suspended";
inline constexpr const char* kRoleNotRecipient = "role_not_recipient";
inline constexpr const char* kTrainingMissing = "training_missing";
inline constexpr const char* kTrainingExpired = "training_expired";
inline constexpr const char* kConfidentialityMissing = "confidentiality_missing";
inline constexpr const char* kServiceNotBound = "service_not_bound";
inline constexpr const char* kCategoryNotInPurpose = "category_not_in_purpose";
inline constexpr const char* kSubjectErased = "subject_erased";
inline constexpr const char* kSubjectRestricted = "subject_restricted";
inline constexpr const char* kSubjectDeceased = "subject_deceased";
inline constexpr const char* kConsentMissing = "consent_missing";
inline constexpr const char* kConsentWithdrawn = "consent_withdrawn";
inline constexpr const char* kConsentExpired = "consent_expired";
inline constexpr const char* kObjection = "objection";
inline constexpr const char* kRetentionClosed = "retention_closed";
}  // namespace reason

struct Decision {
  bool allowed = false;
  std::vector<std::string> reasons;  // reasons[0] decides; "allowed" when allowed
  std::string sentence;              // English, no personal data
  // When allowed: the earliest instant one of the windows closes (unset: held open by a state).
  std::optional<Timestamp> valid_until;
};

Decision decide(const policy::Policy& policy, const Actor& actor, const SubjectSnapshot& subject,
                const AccessRequest& request, Timestamp now);

// Purposes a restricted or deceased subject's data may still serve (art. 18(2): legal claims,
// legal obligations; and the subject's, or heirs', own requests).
bool allowed_under_restriction(const policy::Policy& policy, const policy::Purpose& purpose);

}  // namespace charter::access
