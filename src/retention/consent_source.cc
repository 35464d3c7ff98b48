#include "retention/consent_source.h"

#include "consent/objection.h"

namespace charter::retention {

Result<ConsentFacts> LedgerConsentSource::facts(std::string_view subject_id) {
  ConsentFacts out;
  CHARTER_TRY(auto states, ledger_.states(subject_id));
  for (const auto& [purpose, st] : states) {
    if (st.status == consent::ConsentStatus::kWithdrawn && st.at) out.withdrawn[purpose] = *st.at;
  }
  consent::Objections objections(ledger_);
  CHARTER_TRY(auto obj, objections.states(subject_id));
  for (const auto& [purpose, st] : obj) {
    if (st.objected && !st.overridden) out.objected.insert(purpose);
  }
  return out;
}

}  // namespace charter::retention
