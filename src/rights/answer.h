// The texts sent to requesters through the outbox (docs/RIGHTS.md "Answers"), in French or
// English: the one-time code, the extension notice and the answer. Every extension notice and
// answer names the DPO (the policy's DPO address) and the right to complain to the CNIL (the
// policy's supervisory authority complaint URL, https://www.cnil.fr/fr/plaintes/ by default).
// Pure; thread safe.
#pragma once

#include <string>
#include <string_view>

#include "notify/outbox.h"
#include "policy/model.h"
#include "rights/request.h"

namespace charter::rights {

// `lang`: "fr" or "en" (anything else is treated as "en").
notify::Email code_email(const policy::Policy& policy, const Request& r, std::string_view code,
                         int ttl_minutes);
notify::Email extension_email(const policy::Policy& policy, const Request& r,
                              std::string_view reason);
// `body`: what was done (already in the request's language).
notify::Email answer_email(const policy::Policy& policy, const Request& r, std::string_view body);

// The closing paragraph: the DPO and the right to complain to the CNIL.
std::string dpo_and_cnil(const policy::Policy& policy, std::string_view lang);
// The label of a right in `lang` ("Droit d'accès (GDPR art. 15)").
std::string right_label(const policy::Policy& policy, RightType t, std::string_view lang);

inline constexpr std::string_view kCnilComplaints = "https://www.cnil.fr/fr/plaintes/";

}  // namespace charter::rights
