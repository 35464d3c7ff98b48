// What keeps a retention class (a policy category) of a subject from being erased: the legal
// exceptions of GDPR art. 17(3) as the policy states them. Pure; the vault's erasure and the
// retention engine use it. Thread safe.
//
// A class is held when, for the subject's facts at `now` (policy/window.h):
//   - a purpose whose legal basis is a legal obligation (art. 17(3)(b)) has an open window for
//     that category (e.g. accounting: transactions and contact for 10 years after the last
//     transaction; connection logs 1 year after each connection; requests' evidence), or
//   - a legal hold is in force and a purpose whose rule is held open by `legal_hold`
//     (art. 17(3)(e): legal claims, e.g. disputes) covers the category.
// Other purposes (contract, consent, legitimate interest) never hold data against an erasure.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "policy/model.h"
#include "policy/window.h"

namespace charter::vault {

struct Hold {
  std::string purpose;  // policy purpose id
  std::string basis;    // legal basis id
  std::string reason;   // the window's reason, e.g. "until:transaction_date+P10Y", "legal_hold"
  std::optional<Timestamp> until;  // when the hold ends unless facts change; unset: while a state
                                   // (legal hold, open request) lasts
  policy::Text note;               // the policy's retention note (fr, en) for the answer
};

// The holds on `category` (empty: the class may be erased now).
std::vector<Hold> erasure_holds(const policy::Policy& policy, const std::string& category,
                                const policy::Facts& facts, Timestamp now);

// Categories whose retention is anchored on the transaction date by some rule: the latest event
// of the subject in one of them is the subject's transaction date.
std::set<std::string> transaction_categories(const policy::Policy& policy);

}  // namespace charter::vault
