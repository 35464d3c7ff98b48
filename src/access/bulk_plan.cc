#include "access/bulk_plan.h"

#include <algorithm>

#include "access/decision_index.h"
#include "policy/window.h"
#include "vault/types.h"

namespace charter::access {
namespace {

bool actor_or_request_reason(const std::string& code) {
  static const char* const kCodes[] = {
      reason::kUnknownPurpose,         reason::kUnknownCategory, reason::kActorSuspended,
      reason::kRoleNotRecipient,       reason::kTrainingMissing, reason::kTrainingExpired,
      reason::kConfidentialityMissing, reason::kServiceNotBound, reason::kCategoryNotInPurpose};
  for (const char* c : kCodes)
    if (code == c) return true;
  return false;
}

const char* intern(const std::string& code) {
  static const char* const kAll[] = {reason::kAllowed,          reason::kUnknownPurpose,
                                     reason::kUnknownCategory,  reason::kActorSuspended,
                                     reason::kRoleNotRecipient, reason::kTrainingMissing,
                                     reason::kTrainingExpired,  reason::kConfidentialityMissing,
                                     reason::kServiceNotBound,  reason::kCategoryNotInPurpose,
                                     reason::kSubjectErased,    reason::kSubjectRestricted,
                                     reason::kSubjectDeceased,  reason::kConsentMissing,
                                     reason::kConsentWithdrawn, reason::kConsentExpired,
                                     reason::kObjection,        reason::kRetentionClosed};
  for (const char* c : kAll)
    if (code == c) return c;
  return nullptr;
}

Timestamp ts(std::int64_t us) { return from_unix_micros(us); }

}  // namespace

BulkPlan BulkPlan::make(const DecisionIndex& index, const Actor& actor,
                        const AccessRequest& request, Timestamp now) {
  const policy::Policy& policy = index.policy();
  BulkPlan plan;
  plan.purpose_id_ = request.purpose;
  // The actor, purpose and category checks come first in decide() and do not depend on the
  // subject: decide() on an empty snapshot gives them.
  Decision d = decide(policy, actor, SubjectSnapshot{}, request, now);
  if (!d.reasons.empty() && actor_or_request_reason(d.reasons[0])) {
    plan.prefix_ = intern(d.reasons[0]);
    return plan;
  }
  const policy::Purpose* purpose = policy.find_purpose(request.purpose);
  if (!purpose) {  // decide() said unknown_purpose already; kept for safety
    plan.prefix_ = reason::kUnknownPurpose;
    return plan;
  }
  plan.restriction_ok_ = allowed_under_restriction(policy, *purpose);
  const policy::LegalBasis* basis = policy.find_basis(purpose->basis);
  plan.consent_basis_ = basis && basis->kind == policy::BasisKind::kConsent;
  plan.objection_ = purpose->objection;
  plan.consent_column_ = index.consent_column(purpose->id);
  plan.objection_column_ = index.objection_column(purpose->id);
  std::vector<std::string> categories = request.categories;
  if (categories.empty()) categories = purpose->categories;
  for (const auto& c : categories) {
    if (std::find(purpose->categories.begin(), purpose->categories.end(), c) ==
        purpose->categories.end()) {
      continue;
    }
    Category cat;
    for (const policy::RetentionRule& r : purpose->retention) {
      if (std::find(r.categories.begin(), r.categories.end(), c) == r.categories.end()) continue;
      Rule rule;
      rule.duration = r.duration;
      rule.after = r.after;
      for (auto s : r.open_while) {
        rule.while_contract |= s == policy::OpenWhile::kContractRunning;
        rule.while_hold |= s == policy::OpenWhile::kLegalHold;
        rule.while_request |= s == policy::OpenWhile::kRequestOpen;
      }
      for (auto e : r.stops_on) {
        rule.stop_withdrawal |= e == policy::StopOn::kConsentWithdrawal;
        rule.stop_objection |= e == policy::StopOn::kObjection;
      }
      cat.rules.push_back(std::move(rule));
    }
    plan.categories_.push_back(std::move(cat));
  }
  return plan;
}

// Mirrors policy::evaluate_rule's open/closed answer (window.cc) on the facts a subject-level
// snapshot has: no legal hold, no open request, no item event time, no request closure.
bool BulkPlan::rule_open(const Rule& rule, const IndexRow& row, std::int64_t withdrawal,
                         bool objected, bool contract_running, Timestamp now) const {
  const std::int64_t now_us = to_unix_micros(now);
  if (rule.stop_withdrawal && withdrawal != kUnset && withdrawal <= now_us) return false;
  if (rule.stop_objection && objected) return false;
  if (rule.while_contract && contract_running) return true;
  std::int64_t latest = kUnset;
  for (policy::Anchor a : rule.after) {
    std::int64_t t = kUnset;
    switch (a) {
      case policy::Anchor::kCollection:
        t = row.collected;
        break;
      case policy::Anchor::kLastContact:
        t = row.last_contact;
        break;
      case policy::Anchor::kContractEnd:
        t = row.contract_end;
        break;
      case policy::Anchor::kConsentWithdrawal:
        t = withdrawal;
        break;
      case policy::Anchor::kTransactionDate:
        t = row.transaction;
        break;
      case policy::Anchor::kEventTime:
      case policy::Anchor::kRequestClosed:
        break;
    }
    if (t != kUnset && t <= now_us && (latest == kUnset || t > latest)) latest = t;
  }
  if (latest == kUnset) return false;
  return now < policy::add_duration(ts(latest), rule.duration);
}

const char* BulkPlan::evaluate(const IndexRow& row, Timestamp now) const {
  if (prefix_) return prefix_;
  // 3. Status.
  switch (static_cast<vault::SubjectStatus>(row.vault_status)) {
    case vault::SubjectStatus::kErased:
      return reason::kSubjectErased;
    case vault::SubjectStatus::kDeceased:
      if (!restriction_ok_) return reason::kSubjectDeceased;
      break;
    case vault::SubjectStatus::kRestricted:
      if (!restriction_ok_) return reason::kSubjectRestricted;
      break;
    case vault::SubjectStatus::kActive:
      if (row.restricted && !restriction_ok_) return reason::kSubjectRestricted;
      break;
  }
  const std::int64_t now_us = to_unix_micros(now);
  // 4. Legal basis.
  std::int64_t withdrawal = kUnset;
  if (consent_basis_) {
    auto status = static_cast<ConsentStatus>(row.consent_status);
    if (status == ConsentStatus::kWithdrawn) {
      withdrawal = row.consent_at != kUnset ? row.consent_at : now_us;
    }
    if (status == ConsentStatus::kGiven && row.consent_expires != kUnset &&
        row.consent_expires <= now_us) {
      status = ConsentStatus::kExpired;
    }
    switch (status) {
      case ConsentStatus::kGiven:
        break;
      case ConsentStatus::kNone:
        return reason::kConsentMissing;
      case ConsentStatus::kWithdrawn:
        return reason::kConsentWithdrawn;
      case ConsentStatus::kExpired:
        return reason::kConsentExpired;
    }
  }
  const bool objected =
      row.objected && !(row.overridden && objection_ == policy::Objection::kOverridable);
  if (objected && objection_ != policy::Objection::kNone) return reason::kObjection;
  // 5. Retention.
  const bool contract_running =
      row.relationship == static_cast<std::uint8_t>(vault::Relationship::kCustomer) &&
      (row.contract_end == kUnset || row.contract_end > now_us);
  for (const Category& c : categories_) {
    bool open = false;
    for (const Rule& r : c.rules) {
      if (rule_open(r, row, withdrawal, objected, contract_running, now)) {
        open = true;
        break;
      }
    }
    if (!open) return reason::kRetentionClosed;
  }
  return reason::kAllowed;
}

}  // namespace charter::access
