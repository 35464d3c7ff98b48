#include "access/decision.h"

#include <algorithm>

#include "policy/window.h"

namespace charter::access {
namespace {

using policy::BasisKind;

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::string sentence_for(const std::string& code, const std::string& purpose,
                         const std::string& detail) {
  if (code == reason::kAllowed) return "Allowed for purpose " + purpose + ".";
  if (code == reason::kUnknownPurpose) return "The policy declares no purpose " + purpose + ".";
  if (code == reason::kUnknownCategory) return "The policy declares no category " + detail + ".";
  if (code == reason::kActorSuspended) return "The actor is suspended or revoked.";
  if (code == reason::kRoleNotRecipient)
    return "None of the actor's roles is a recipient of purpose " + purpose + ".";
  if (code == reason::kTrainingMissing) return "The staff member has no recorded training.";
  if (code == reason::kTrainingExpired) return "The staff member's training has expired.";
  if (code == reason::kConfidentialityMissing)
    return "The staff member has not signed the confidentiality commitment.";
  if (code == reason::kServiceNotBound)
    return "The service is not bound to purpose " + purpose + ".";
  if (code == reason::kCategoryNotInPurpose)
    return "Purpose " + purpose + " does not use category " + detail + ".";
  if (code == reason::kSubjectErased) return "The subject has been erased.";
  if (code == reason::kSubjectRestricted)
    return "Processing is restricted for this subject (GDPR art. 18).";
  if (code == reason::kSubjectDeceased)
    return "The subject is deceased; only their directives, heirs and legal duties apply.";
  if (code == reason::kConsentMissing) return "No consent was given for purpose " + purpose + ".";
  if (code == reason::kConsentWithdrawn)
    return "Consent for purpose " + purpose + " was withdrawn.";
  if (code == reason::kConsentExpired) return "Consent for purpose " + purpose + " has expired.";
  if (code == reason::kObjection)
    return "The subject objected to purpose " + purpose + " (GDPR art. 21).";
  if (code == reason::kRetentionClosed)
    return "The retention window of category " + detail + " for purpose " + purpose + " is closed.";
  return code;
}

}  // namespace

bool allowed_under_restriction(const policy::Policy& policy, const policy::Purpose& purpose) {
  const policy::LegalBasis* basis = policy.find_basis(purpose.basis);
  if (basis && basis->kind == BasisKind::kLegalObligation) return true;
  // Legal claims (a purpose a legal hold keeps open: disputes) and the subject's own requests
  // (a purpose an open request keeps open: rights management).
  for (auto& rule : purpose.retention) {
    for (auto s : rule.open_while)
      if (s == policy::OpenWhile::kLegalHold || s == policy::OpenWhile::kRequestOpen) return true;
  }
  return false;
}

Decision decide(const policy::Policy& policy, const Actor& actor, const SubjectSnapshot& subject,
                const AccessRequest& request, Timestamp now) {
  Decision d;
  std::string detail;
  auto deny = [&](const char* code, std::string what = "") {
    if (d.reasons.empty()) detail = what;
    d.reasons.push_back(code);
  };

  const policy::Purpose* purpose = policy.find_purpose(request.purpose);
  if (!purpose) {
    deny(reason::kUnknownPurpose);
    d.sentence = sentence_for(d.reasons[0], request.purpose, detail);
    return d;
  }

  // 1. The actor.
  if (actor.suspended) deny(reason::kActorSuspended);
  if (actor.kind == Actor::Kind::kService) {
    if (!contains(actor.purposes, purpose->id)) deny(reason::kServiceNotBound);
  } else {
    bool role_ok = false;
    for (auto& r : actor.roles) role_ok = role_ok || contains(purpose->recipients, r);
    if (!role_ok) deny(reason::kRoleNotRecipient);
    Date today = date_of(now);
    if (!actor.trained_on) {
      deny(reason::kTrainingMissing);
    } else {
      Timestamp valid_until =
          policy::add_duration(start_of(*actor.trained_on), policy.staff.training_validity);
      if (start_of(today) >= valid_until) deny(reason::kTrainingExpired);
    }
    if (policy.staff.confidentiality_required &&
        (!actor.confidentiality_signed || *actor.confidentiality_signed > today)) {
      deny(reason::kConfidentialityMissing);
    }
  }

  // 2. The categories.
  std::vector<std::string> categories = request.categories;
  if (categories.empty()) categories = purpose->categories;
  for (auto& c : categories) {
    if (!policy.find_category(c)) {
      deny(reason::kUnknownCategory, c);
    } else if (!contains(purpose->categories, c)) {
      deny(reason::kCategoryNotInPurpose, c);
    }
  }

  // 3. The subject's status.
  switch (subject.status) {
    case SubjectStatus::kActive:
      break;
    case SubjectStatus::kErased:
      deny(reason::kSubjectErased);
      break;
    case SubjectStatus::kRestricted:
      if (!allowed_under_restriction(policy, *purpose)) deny(reason::kSubjectRestricted);
      break;
    case SubjectStatus::kDeceased:
      if (!allowed_under_restriction(policy, *purpose)) deny(reason::kSubjectDeceased);
      break;
  }

  // 4. The legal basis.
  policy::Facts facts = subject.facts;
  const policy::LegalBasis* basis = policy.find_basis(purpose->basis);
  if (basis && basis->kind == BasisKind::kConsent) {
    auto it = subject.consents.find(purpose->id);
    ConsentState c = it == subject.consents.end() ? ConsentState{} : it->second;
    facts.consent_withdrawal.reset();
    if (c.status == ConsentStatus::kWithdrawn) facts.consent_withdrawal = c.at.value_or(now);
    if (c.status == ConsentStatus::kGiven && c.expires_at && *c.expires_at <= now) {
      c.status = ConsentStatus::kExpired;
    }
    switch (c.status) {
      case ConsentStatus::kGiven:
        break;
      case ConsentStatus::kNone:
        deny(reason::kConsentMissing);
        break;
      case ConsentStatus::kWithdrawn:
        deny(reason::kConsentWithdrawn);
        break;
      case ConsentStatus::kExpired:
        deny(reason::kConsentExpired);
        break;
    }
  }
  bool objected = false;
  if (auto it = subject.objections.find(purpose->id); it != subject.objections.end()) {
    const ObjectionState& o = it->second;
    objected =
        o.objected && !(o.overridden && purpose->objection == policy::Objection::kOverridable);
    if (o.objected && purpose->objection != policy::Objection::kNone && objected) {
      deny(reason::kObjection);
    }
  }

  // 5. Retention windows.
  facts.objected = objected;
  std::optional<Timestamp> valid_until;
  bool held_open = true;
  for (auto& c : categories) {
    if (!contains(purpose->categories, c)) continue;
    policy::Window w = policy::evaluate_purpose(*purpose, c, facts, now);
    if (!w.open()) {
      // A stop already reported as its own reason (withdrawal, objection) is not repeated.
      if (w.reason.rfind("stopped:", 0) != 0 || d.reasons.empty())
        deny(reason::kRetentionClosed, c);
      continue;
    }
    if (w.closes_at) {
      held_open = false;
      if (!valid_until || *w.closes_at < *valid_until) valid_until = w.closes_at;
    }
  }

  if (d.reasons.empty()) {
    d.allowed = true;
    d.reasons.push_back(reason::kAllowed);
    if (!held_open || valid_until) d.valid_until = valid_until;
  }
  d.sentence = sentence_for(d.reasons[0], purpose->id, detail);
  return d;
}

}  // namespace charter::access
