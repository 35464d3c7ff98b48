// Consent receipts in the Kantara Consent Receipt v1.1 shape (reference/kantara/), for any
// consent event (given, withdrawn, expired).
//
// make_receipt() fills, from the policy and the event: version "KI-CR-v1.1.0"; jurisdiction (the
// controller's country, FR); consentTimestamp (event time, Unix seconds); collectionMethod (the
// channel's label); consentReceiptID (the event id); language; piiPrincipalId (the opaque subject
// id: no name, no e-mail); piiControllers (C1: name, DPO contact, postal address, e-mail, URL;
// phone "" as the charter publishes none); policyUrl; one service per purpose with its DPV
// purpose category, consentType EXPLICIT, DPV personal-data categories, termination (how it ends:
// withdrawal channels, expiry, retention) and thirdPartyDisclosure false (C9); sensitive false,
// spiCat []. What v1.1 has no field for goes under the extension object "charter": event kind,
// DPV consent status (dpv:ConsentGiven / ConsentWithdrawn / ConsentExpired), channel id, policy
// version in force, SHA-256 of the notice shown, expiry, GPC flag.
// Texts are from the current policy in the event's language (or options.language).
// check_receipt() verifies the fields and types the v1.1 schema requires (the node test in
// tests/kantara validates against the schema itself). Pure; thread safe.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "consent/types.h"
#include "core/result.h"
#include "policy/model.h"

namespace charter::consent {

struct ReceiptOptions {
  // URL of the published charter; empty: <controller website>/charter.
  std::string policy_url;
  // Language of the texts; empty: the event's.
  std::string language;
};

// Errors: kInvalidArgument when the event's purpose is not in the policy or not consent based,
// or the language is not a policy language.
Result<nlohmann::json> make_receipt(const policy::Policy& policy, const ConsentEvent& event,
                                    const ReceiptOptions& options = {});

// kInvalidArgument listing every missing or mistyped required field ("services[0].purposes[0]:
// thirdPartyDisclosure missing").
Status check_receipt(const nlohmann::json& receipt);

}  // namespace charter::consent
