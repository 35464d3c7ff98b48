#include "access/subject_facts.h"

#include "core/id.h"
#include "vault/holds.h"

namespace charter::access {

ConsentState to_access(const consent::ConsentState& s) {
  ConsentState out;
  switch (s.status) {
    case consent::ConsentStatus::kNone:
      out.status = ConsentStatus::kNone;
      break;
    case consent::ConsentStatus::kGiven:
      out.status = ConsentStatus::kGiven;
      break;
    case consent::ConsentStatus::kWithdrawn:
      out.status = ConsentStatus::kWithdrawn;
      break;
    case consent::ConsentStatus::kExpired:
      out.status = ConsentStatus::kExpired;
      break;
  }
  out.at = s.at;
  out.expires_at = s.expires_at;
  return out;
}

ObjectionState to_access(const consent::ObjectionState& s) {
  return ObjectionState{s.objected, s.overridden};
}

SubjectSnapshot to_snapshot(const SubjectFacts& f, Timestamp now) {
  SubjectSnapshot s;
  switch (f.vault_status) {
    case vault::SubjectStatus::kErased:
      s.status = SubjectStatus::kErased;
      break;
    case vault::SubjectStatus::kDeceased:
      s.status = SubjectStatus::kDeceased;
      break;
    case vault::SubjectStatus::kRestricted:
      s.status = SubjectStatus::kRestricted;
      break;
    case vault::SubjectStatus::kActive:
      s.status = f.restricted ? SubjectStatus::kRestricted : SubjectStatus::kActive;
      break;
  }
  s.facts.collection = f.collected_at;
  s.facts.last_contact = f.last_contact_at;
  s.facts.contract_end = f.contract_end;
  s.facts.transaction_date = f.transaction_date;
  s.facts.contract_running = f.relationship == vault::Relationship::kCustomer &&
                             (!f.contract_end || *f.contract_end > now);
  s.consents = f.consents;
  s.objections = f.objections;
  return s;
}

FactSource::FactSource(vault::Vault& vault, consent::ConsentLedger& ledger)
    : vault_(vault),
      ledger_(ledger),
      objections_(ledger),
      restrictions_(ledger),
      transaction_classes_(vault::transaction_categories(vault.policy())) {
  for (const policy::Field& f : vault.policy().fields) {
    if (f.blind_index && f.type == policy::FieldType::kEmail) {
      email_field_ = f.id;
      break;
    }
  }
  if (!transaction_classes_.empty()) {
    transaction_sql_ =
        "SELECT MAX(occurred_at) FROM vault_events WHERE subject_id = ? AND class IN (";
    bool first = true;
    for (const auto& c : transaction_classes_) {
      // Category ids are policy identifiers ([a-z0-9_]), safe to inline.
      transaction_sql_ += (first ? "'" : ", '") + c + "'";
      first = false;
    }
    transaction_sql_ += ")";
  }
}

Result<const crypto::BlindIndexKey*> FactSource::email_key() {
  if (email_field_.empty()) {
    return make_error(Errc::kFailedPrecondition,
                      "the policy declares no blind-indexed e-mail field: subjects cannot be "
                      "looked up by e-mail address");
  }
  return vault_.keys().blind_index_key(email_field_);
}

Result<SubjectFacts> FactSource::load(std::string_view subject_id) {
  if (!is_valid_id(subject_id, "sub")) {
    return make_error(Errc::kInvalidArgument,
                      "subject_id: expected \"sub_\" followed by 26 base32 characters");
  }
  auto info = vault_.subject(subject_id);
  if (!info.ok()) {
    if (info.error().code == Errc::kNotFound) {
      return make_error(Errc::kNotFound, "no such subject");
    }
    return info.error();
  }
  SubjectFacts f;
  f.id = std::string(subject_id);
  f.vault_status = info->status;
  f.relationship = info->relationship;
  f.collected_at = info->collected_at;
  f.last_contact_at = info->last_contact_at;
  f.contract_end = info->contract_end;
  {
    CHARTER_TRY(auto tx, vault_.store().read());
    if (!transaction_sql_.empty()) {
      CHARTER_TRY(auto row, tx.query_one(transaction_sql_, {subject_id}));
      if (row && !(*row)[0].is_null()) {
        CHARTER_TRY(auto us, (*row)[0].as_int());
        f.transaction_date = from_unix_micros(us);
      }
    }
    if (!email_field_.empty()) {
      CHARTER_TRY(auto row, tx.query_one("SELECT digest FROM vault_blind_indexes WHERE "
                                         "subject_id = ? AND field = ?",
                                         {subject_id, email_field_}));
      if (row) {
        CHARTER_TRY(auto blob, (*row)[0].as_blob());
        if (blob.size() == crypto::kBlindIndexBytes) {
          crypto::BlindIndex d;
          std::copy(blob.begin(), blob.end(), d.begin());
          f.email = d;
        }
      }
    }
  }
  CHARTER_TRY(auto consents, ledger_.states(subject_id));
  for (const auto& [purpose, state] : consents) f.consents[purpose] = to_access(state);
  CHARTER_TRY(auto objections, objections_.states(subject_id));
  for (const auto& [purpose, state] : objections) f.objections[purpose] = to_access(state);
  CHARTER_TRY(auto restriction, restrictions_.state(subject_id));
  f.restricted = restriction.restricted;
  return f;
}

}  // namespace charter::access
