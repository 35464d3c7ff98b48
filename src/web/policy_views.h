// Page views computed from the policy alone (the privacy center's pages and the console's
// register), as JSON for the templates. Every text comes from the policy file or the charter
// phrasebook (templates/phrases.json): nothing here invents a fact.
//
//   home_view      per purpose: label, description (why), legal basis and its article,
//                  categories with their fields, retention rules in words, recipients, consent
//                  and objection; the controller and the DPO.
//   notice_view    the collection notice of one purpose (`purpose_id`, else the first purpose
//                  that collects provided fields): purposes[] for the selector (`selected`), and
//                  fields[] {id, label, input_type, mandatory, requirement, if_missing,
//                  category} for the fields the subject provides for that purpose;
//                  kNotFound naming the parameter for an unknown purpose id.
//   register_view  the record of processing activities (GDPR art. 30): one row per purpose.
// Contract: `lang` must be a language of the policy (Phrases must exist). Pure; thread safe.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "core/result.h"
#include "policy/model.h"

namespace charter::web {

Result<nlohmann::json> home_view(const policy::Policy& policy, const std::string& lang);
Result<nlohmann::json> notice_view(const policy::Policy& policy, const std::string& lang,
                                   const std::optional<std::string>& purpose_id);
Result<nlohmann::json> register_view(const policy::Policy& policy, const std::string& lang);

// The purposes of the policy as {id, label, selected} for a <select>.
nlohmann::json purpose_options(const policy::Policy& policy, const std::string& lang,
                               const std::string& selected);

}  // namespace charter::web
