// The record of processing activities (GDPR art. 30) as a table in one language: the columns
// of the CNIL register model, one row per purpose.
//
// Contract: ropa_columns() gives the header (12 labels from the phrasebook, "ropa/columns");
// ropa_rows() gives one row per purpose of the policy, in policy order, each with as many cells
// as there are columns:
//   id, purpose, description, legal basis (label and GDPR article), data subjects, data
//   categories (each with its fields), recipients, transfers outside the EU, retention per
//   category (one line per category and rule), security measures, controller, DPO e-mail.
// Lists within a cell are separated by ", " (labels) or "; " (categories with their fields);
// retention entries by a line break. Pure; thread safe.
#pragma once

#include <string>
#include <vector>

#include "policy/model.h"
#include "policy/phrases.h"

namespace charter::policy {

std::vector<std::string> ropa_columns(const Phrases& phrases);
std::vector<std::vector<std::string>> ropa_rows(const Policy& policy, const Phrases& phrases);

// "Aucun : hébergement et destinataires dans l'Union européenne (France)", or the non-EU
// countries (never for a valid policy: the loader refuses them).
std::string transfers_outside_eu(const Policy& policy, const Phrases& phrases);

// "<category>: <retention> (<expiry>)" for each category of the purpose and each rule naming it.
std::vector<std::string> retention_entries(const Policy& policy, const Purpose& purpose,
                                           const Phrases& phrases);

}  // namespace charter::policy
