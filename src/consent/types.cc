#include "consent/types.h"

namespace charter::consent {

ConsentState derive_consent_state(const ConsentEvent* latest, Timestamp now) {
  ConsentState s;
  if (!latest) return s;
  s.event_id = latest->event_id;
  s.gpc = latest->gpc;
  switch (latest->kind) {
    case EventKind::kGiven:
      s.expires_at = latest->expires_at;
      if (latest->expires_at && *latest->expires_at <= now) {
        s.status = ConsentStatus::kExpired;
        s.at = latest->expires_at;
      } else {
        s.status = ConsentStatus::kGiven;
        s.at = latest->at;
      }
      break;
    case EventKind::kWithdrawn:
      s.status = ConsentStatus::kWithdrawn;
      s.at = latest->at;
      break;
    case EventKind::kExpired:
      s.status = ConsentStatus::kExpired;
      // An expiry event is written at or after the expiry; the expiry instant is what counts.
      s.at = latest->expires_at ? latest->expires_at : std::optional<Timestamp>(latest->at);
      s.expires_at = latest->expires_at;
      break;
  }
  return s;
}

const char* to_string(EventKind v) {
  switch (v) {
    case EventKind::kGiven:
      return "given";
    case EventKind::kWithdrawn:
      return "withdrawn";
    case EventKind::kExpired:
      return "expired";
  }
  return "?";
}

const char* to_string(ConsentStatus v) {
  switch (v) {
    case ConsentStatus::kNone:
      return "none";
    case ConsentStatus::kGiven:
      return "given";
    case ConsentStatus::kWithdrawn:
      return "withdrawn";
    case ConsentStatus::kExpired:
      return "expired";
  }
  return "?";
}

const char* to_string(ObjectionKind v) {
  switch (v) {
    case ObjectionKind::kObjected:
      return "objected";
    case ObjectionKind::kOverridden:
      return "overridden";
    case ObjectionKind::kLifted:
      return "lifted";
  }
  return "?";
}

const char* to_string(RestrictionGround v) {
  switch (v) {
    case RestrictionGround::kAccuracyContested:
      return "accuracy_contested";
    case RestrictionGround::kUnlawfulProcessing:
      return "unlawful_processing";
    case RestrictionGround::kLegalClaims:
      return "legal_claims";
    case RestrictionGround::kObjectionPending:
      return "objection_pending";
  }
  return "?";
}

const char* to_string(RestrictionKind v) {
  return v == RestrictionKind::kPlaced ? "placed" : "lifted";
}

std::optional<EventKind> parse_event_kind(std::string_view s) {
  for (auto k : {EventKind::kGiven, EventKind::kWithdrawn, EventKind::kExpired})
    if (s == to_string(k)) return k;
  return std::nullopt;
}

std::optional<ObjectionKind> parse_objection_kind(std::string_view s) {
  for (auto k : {ObjectionKind::kObjected, ObjectionKind::kOverridden, ObjectionKind::kLifted})
    if (s == to_string(k)) return k;
  return std::nullopt;
}

std::optional<RestrictionGround> parse_restriction_ground(std::string_view s) {
  for (auto k : {RestrictionGround::kAccuracyContested, RestrictionGround::kUnlawfulProcessing,
                 RestrictionGround::kLegalClaims, RestrictionGround::kObjectionPending})
    if (s == to_string(k)) return k;
  return std::nullopt;
}

std::optional<RestrictionKind> parse_restriction_kind(std::string_view s) {
  for (auto k : {RestrictionKind::kPlaced, RestrictionKind::kLifted})
    if (s == to_string(k)) return k;
  return std::nullopt;
}

}  // namespace charter::consent
