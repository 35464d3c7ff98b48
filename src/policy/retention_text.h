// Retention rules in words, built from the rule's structure and the phrasebook (phrases.h).
//
// Contract: describe_retention() turns one RetentionRule into text in the Phrases' language:
//   kSentence  a full sentence for the charter, e.g. "Conservées tant que le contrat est en
//              cours, et jusqu'à 3 ans après ..., puis supprimées. Leur utilisation ... cesse dès
//              le retrait de votre consentement ou votre opposition." (the rule's note is not
//              included);
//   kShort     a phrase for tables and the register, e.g. "3 ans après la date de la
//              transaction" (what happens at expiry is not included: see expiry_noun()).
// The rule's categories are not named. Pure; thread safe.
#pragma once

#include <string>

#include "policy/model.h"
#include "policy/phrases.h"

namespace charter::policy {

enum class RetentionStyle { kSentence, kShort };

std::string describe_retention(const RetentionRule& rule, const Phrases& phrases,
                               RetentionStyle style);

// "suppression" / "anonymisation" (what happens when the window closes).
std::string expiry_noun(OnExpiry on_expiry, const Phrases& phrases);

}  // namespace charter::policy
