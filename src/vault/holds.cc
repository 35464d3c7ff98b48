#include "vault/holds.h"

#include <algorithm>

namespace charter::vault {

std::vector<Hold> erasure_holds(const policy::Policy& policy, const std::string& category,
                                const policy::Facts& facts, Timestamp now) {
  std::vector<Hold> holds;
  for (const policy::Purpose& purpose : policy.purposes) {
    const policy::LegalBasis* basis = policy.find_basis(purpose.basis);
    const bool legal_obligation =
        basis != nullptr && basis->kind == policy::BasisKind::kLegalObligation;
    for (const policy::RetentionRule& rule : purpose.retention) {
      if (std::find(rule.categories.begin(), rule.categories.end(), category) ==
          rule.categories.end()) {
        continue;
      }
      const bool by_hold =
          facts.legal_hold && std::find(rule.open_while.begin(), rule.open_while.end(),
                                        policy::OpenWhile::kLegalHold) != rule.open_while.end();
      if (by_hold) {
        holds.push_back(
            {purpose.id, purpose.basis, "open_while:legal_hold", std::nullopt, rule.note});
        break;
      }
      if (!legal_obligation) continue;
      policy::Window w = policy::evaluate_rule(rule, facts, now);
      if (w.open()) {
        holds.push_back({purpose.id, purpose.basis, w.reason, w.closes_at, rule.note});
        break;
      }
    }
  }
  return holds;
}

std::set<std::string> transaction_categories(const policy::Policy& policy) {
  std::set<std::string> out;
  for (const policy::Purpose& purpose : policy.purposes) {
    for (const policy::RetentionRule& rule : purpose.retention) {
      if (std::find(rule.after.begin(), rule.after.end(), policy::Anchor::kTransactionDate) ==
          rule.after.end()) {
        continue;
      }
      for (const auto& c : rule.categories) out.insert(c);
    }
  }
  return out;
}

}  // namespace charter::vault
