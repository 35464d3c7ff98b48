#include "policy/model.h"

#include <algorithm>
#include <stdexcept>

namespace charter::policy {

const std::string& Text::in(const std::string& lang) const {
  auto it = by_lang.find(lang);
  if (it == by_lang.end()) {
    // A validated policy has every language: reaching here is a bug, not an input error.
    throw std::logic_error("policy text missing language " + lang);
  }
  return it->second;
}

std::string Duration::iso() const {
  if (is_zero()) return "P0D";
  std::string out = "P";
  if (years) out += std::to_string(years) + "Y";
  if (months) out += std::to_string(months) + "M";
  if (days) out += std::to_string(days) + "D";
  return out;
}

namespace {
template <typename T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
  return it == items.end() ? nullptr : &*it;
}
}  // namespace

const Category* Policy::find_category(const std::string& id) const {
  return find_by_id(categories, id);
}
const Field* Policy::find_field(const std::string& id) const { return find_by_id(fields, id); }
const LegalBasis* Policy::find_basis(const std::string& id) const {
  return find_by_id(legal_bases, id);
}
const Recipient* Policy::find_recipient(const std::string& id) const {
  return find_by_id(recipients, id);
}
const Channel* Policy::find_channel(const std::string& id) const {
  return find_by_id(channels, id);
}
const Purpose* Policy::find_purpose(const std::string& id) const {
  return find_by_id(purposes, id);
}
const Right* Policy::find_right(const std::string& id) const { return find_by_id(rights.list, id); }
const DataSubjectType* Policy::find_subject_type(const std::string& id) const {
  return find_by_id(data_subjects, id);
}

const char* to_string(FieldType v) {
  switch (v) {
    case FieldType::kText:
      return "text";
    case FieldType::kEmail:
      return "email";
    case FieldType::kPhone:
      return "phone";
    case FieldType::kPostalAddress:
      return "postal_address";
    case FieldType::kDate:
      return "date";
    case FieldType::kIpAddress:
      return "ip_address";
    case FieldType::kIdentifier:
      return "identifier";
    case FieldType::kRecord:
      return "record";
  }
  return "?";
}
const char* to_string(FieldKind v) { return v == FieldKind::kValue ? "value" : "event"; }
const char* to_string(Source v) { return v == Source::kProvided ? "provided" : "observed"; }
const char* to_string(BasisKind v) {
  switch (v) {
    case BasisKind::kConsent:
      return "consent";
    case BasisKind::kContract:
      return "contract";
    case BasisKind::kLegalObligation:
      return "legal_obligation";
    case BasisKind::kVitalInterest:
      return "vital_interest";
    case BasisKind::kPublicTask:
      return "public_task";
    case BasisKind::kLegitimateInterest:
      return "legitimate_interest";
  }
  return "?";
}
const char* to_string(Anchor v) {
  switch (v) {
    case Anchor::kCollection:
      return "collection";
    case Anchor::kLastContact:
      return "last_contact";
    case Anchor::kContractEnd:
      return "contract_end";
    case Anchor::kConsentWithdrawal:
      return "consent_withdrawal";
    case Anchor::kTransactionDate:
      return "transaction_date";
    case Anchor::kEventTime:
      return "event_time";
    case Anchor::kRequestClosed:
      return "request_closed";
  }
  return "?";
}
const char* to_string(OpenWhile v) {
  switch (v) {
    case OpenWhile::kContractRunning:
      return "contract_running";
    case OpenWhile::kLegalHold:
      return "legal_hold";
    case OpenWhile::kRequestOpen:
      return "request_open";
  }
  return "?";
}
const char* to_string(StopOn v) {
  return v == StopOn::kConsentWithdrawal ? "consent_withdrawal" : "objection";
}
const char* to_string(OnExpiry v) { return v == OnExpiry::kDelete ? "delete" : "anonymise"; }
const char* to_string(Objection v) {
  switch (v) {
    case Objection::kNone:
      return "none";
    case Objection::kOverridable:
      return "overridable";
    case Objection::kAbsolute:
      return "absolute";
  }
  return "?";
}

}  // namespace charter::policy
