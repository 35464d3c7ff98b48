// SubjectFacts: what the store says about one subject that access decisions need, independent
// of the time of the decision; and FactSource, which reads them (vault row, transaction date,
// e-mail blind index; consent states, objections and restriction from the consent ledger).
//
// The single decision (AccessService) and the in-memory decision index (DecisionIndex) both
// read through FactSource and turn facts into a SubjectSnapshot with to_snapshot(), so that a
// bulk answer and a single decision about the same subject at the same instant agree.
//
// Facts the store does not hold yet are left unset: legal holds and open data-subject requests
// (retention and rights modules), and the per-item event time (a subject-level decision has no
// item). docs/ACCESS.md lists them.
// Thread safety: FactSource is thread safe (it borrows a thread-safe Vault and ledger).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "access/decision.h"
#include "consent/ledger.h"
#include "consent/objection.h"
#include "consent/restriction.h"
#include "crypto/blind_index.h"
#include "vault/vault.h"

namespace charter::access {

struct SubjectFacts {
  std::string id;
  vault::SubjectStatus vault_status = vault::SubjectStatus::kActive;
  vault::Relationship relationship = vault::Relationship::kProspect;
  bool restricted = false;  // a restriction (art. 18) is in force in the consent ledger
  std::optional<Timestamp> collected_at;
  std::optional<Timestamp> last_contact_at;
  std::optional<Timestamp> contract_end;
  std::optional<Timestamp> transaction_date;     // latest event in a transaction-anchored category
  std::map<std::string, ConsentState> consents;  // by purpose
  std::map<std::string, ObjectionState> objections;  // by purpose
  std::optional<crypto::BlindIndex> email;           // the e-mail field's blind index, if any
};

ConsentState to_access(const consent::ConsentState& s);
ObjectionState to_access(const consent::ObjectionState& s);

// The snapshot decide() takes, at `now`: status (erased > deceased > restricted, from the vault
// status or a restriction in force), contract running (a customer whose contract has not ended),
// the anchors, consents and objections.
SubjectSnapshot to_snapshot(const SubjectFacts& facts, Timestamp now);

class FactSource {
 public:
  // The vault's policy decides the e-mail field (the first blind-indexed field of type email)
  // and the transaction-anchored categories.
  FactSource(vault::Vault& vault, consent::ConsentLedger& ledger);

  // Errors: kNotFound ("no such subject"), kInvalidArgument (not a subject id), store errors.
  Result<SubjectFacts> load(std::string_view subject_id);

  // The e-mail field id ("" when the policy blind-indexes no e-mail field) and its key.
  const std::string& email_field() const { return email_field_; }
  Result<const crypto::BlindIndexKey*> email_key();
  const std::set<std::string>& transaction_classes() const { return transaction_classes_; }

  vault::Vault& vault() { return vault_; }
  consent::ConsentLedger& ledger() { return ledger_; }

 private:
  vault::Vault& vault_;
  consent::ConsentLedger& ledger_;
  consent::Objections objections_;
  consent::Restrictions restrictions_;
  std::string email_field_;
  std::set<std::string> transaction_classes_;
  std::string transaction_sql_;  // MAX(occurred_at) of the subject's transaction events
};

}  // namespace charter::access
