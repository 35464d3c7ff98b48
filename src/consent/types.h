// Values of the consent component: ledger events and derived states for consent (art. 7),
// objection (art. 21), restriction (art. 18) and the GPC signal (docs/CONSENT.md).
//
// Contract: plain values, no I/O. Subjects are opaque ids ("sub_..."), staff are "stf_..." ids;
// nothing here holds personal data in clear: IP address and user agent, objection grounds and
// restriction notes stay sealed (the `sealed_*` members) until the ledger opens them.
// The names given by to_string() are the stable names stored in the database and used in
// receipts, CLI output and the API. Thread safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace charter::consent {

using Bytes = std::vector<std::uint8_t>;

// ---- Consent ----

enum class EventKind { kGiven, kWithdrawn, kExpired };
// kNone: no event for this purpose. kExpired: the latest event is an expiry, or a given consent
// whose expiry has passed (derived with the clock; no event needs to have been written).
enum class ConsentStatus { kNone, kGiven, kWithdrawn, kExpired };

// What the caller knows about the act of giving or withdrawing consent.
struct Evidence {
  std::string channel;                    // a policy channel id (e.g. "privacy_center")
  std::string language;                   // language of the notice shown; empty: the first one
  std::optional<std::string> ip;          // sealed at rest
  std::optional<std::string> user_agent;  // sealed at rest
  bool gpc = false;                       // the request carried `Sec-GPC: 1`
};

// One ledger event, as stored. Events are never updated; only erasure of the subject deletes
// them.
struct ConsentEvent {
  std::string event_id;  // "cev_..."
  std::string subject_id;
  std::string purpose;
  EventKind kind = EventKind::kGiven;
  Timestamp at;
  std::int64_t seq = 0;  // order of events (see docs/CONSENT.md, "Ordering")
  std::string channel;   // policy channel id; "expiry" for expiry events
  std::string language;
  std::optional<std::vector<std::uint8_t>> notice_sha256;  // given events: SHA-256 of the notice
  std::string policy_version;
  std::optional<Timestamp> expires_at;  // given events whose purpose sets `consent.expiry`
  bool gpc = false;  // given: asked with Sec-GPC: 1; withdrawn: caused by the GPC signal
  std::uint32_t key_version = 0;
  // IP address and user agent, sealed together (nullopt when neither was given).
  std::optional<Bytes> sealed_evidence;
};

// The opened evidence of an event.
struct EvidenceDetails {
  std::optional<std::string> ip;
  std::optional<std::string> user_agent;
};

struct ConsentState {
  ConsentStatus status = ConsentStatus::kNone;
  std::optional<Timestamp> at;          // time of the event that set the status (expiry time)
  std::optional<Timestamp> expires_at;  // given consents with an expiry
  std::string event_id;                 // the latest event ("" for kNone)
  bool gpc = false;                     // the latest event's gpc flag
};

// The state given the latest event of a (subject, purpose), or none, at `now`.
ConsentState derive_consent_state(const ConsentEvent* latest, Timestamp now);

// ---- Objection (art. 21) ----

enum class ObjectionKind { kObjected, kOverridden, kLifted };

struct ObjectionEvent {
  std::string event_id;  // "obj_..."
  std::string subject_id;
  std::string purpose;
  ObjectionKind kind = ObjectionKind::kObjected;
  Timestamp at;
  std::int64_t seq = 0;
  std::string channel;  // policy channel id (objected, lifted); "dpo" for grounds
  std::string actor;    // kOverridden: the DPO's staff id ("stf_..."); else empty
  std::string policy_version;
  std::uint32_t key_version = 0;
  std::optional<Bytes> sealed_reason;  // kOverridden: the compelling legitimate grounds
};

struct ObjectionState {
  bool objected = false;
  // The DPO recorded compelling legitimate grounds after the objection (art. 21(1)); never
  // true for an `absolute` purpose.
  bool overridden = false;
  std::optional<Timestamp> since;          // the objection in force
  std::optional<Timestamp> overridden_at;  // the grounds
  std::string overridden_by;               // staff id
};

// ---- Restriction (art. 18) ----

// Art. 18(1)(a)-(d).
enum class RestrictionGround {
  kAccuracyContested,   // (a) while the controller verifies accuracy
  kUnlawfulProcessing,  // (b) the subject opposes erasure and asks restriction instead
  kLegalClaims,         // (c) no longer needed, but the subject needs it for legal claims
  kObjectionPending,    // (d) pending verification of overriding grounds after an objection
};

enum class RestrictionKind { kPlaced, kLifted };

struct RestrictionEvent {
  std::string event_id;  // "rst_..."
  std::string subject_id;
  RestrictionKind kind = RestrictionKind::kPlaced;
  std::optional<RestrictionGround> ground;  // kPlaced
  Timestamp at;
  std::int64_t seq = 0;
  std::string channel;  // policy channel id
  std::string actor;    // staff id of who recorded it, if a staff member did
  std::uint32_t key_version = 0;
  std::optional<Bytes> sealed_note;  // free-text reason
};

struct RestrictionState {
  bool restricted = false;
  std::optional<Timestamp> since;
  std::optional<RestrictionGround> ground;
};

// ---- GPC ----

struct GpcOutcome {
  bool signal_recorded = false;            // a new `gpc` signal event was written
  std::vector<std::string> withdrawn;      // consent purposes withdrawn by this signal
  std::vector<std::string> objected;       // non-consent direct-marketing purposes objected to
  std::vector<std::string> kept_specific;  // consents given with Sec-GPC: 1 (specific opt-in)
};

// ---- Changes (observer) ----

// What changed for a subject, delivered after commit to LedgerOptions::on_change.
struct Change {
  enum class Kind { kConsent, kObjection, kRestriction, kErased };
  Kind kind = Kind::kConsent;
  std::string subject_id;
  std::string purpose;  // kConsent, kObjection
  // True when this change itself withdrew the consent (not an expiry), placed an objection (not
  // an override or a lift) or placed a restriction: what a webhook announces. Observers must
  // decide from this, not from a state read later (a later change may already have landed).
  bool raised = false;
};

// ---- Names ----

const char* to_string(EventKind v);          // given, withdrawn, expired
const char* to_string(ConsentStatus v);      // none, given, withdrawn, expired
const char* to_string(ObjectionKind v);      // objected, overridden, lifted
const char* to_string(RestrictionGround v);  // accuracy_contested, unlawful_processing, ...
const char* to_string(RestrictionKind v);    // placed, lifted
std::optional<EventKind> parse_event_kind(std::string_view s);
std::optional<ObjectionKind> parse_objection_kind(std::string_view s);
std::optional<RestrictionGround> parse_restriction_ground(std::string_view s);
std::optional<RestrictionKind> parse_restriction_kind(std::string_view s);

}  // namespace charter::consent
