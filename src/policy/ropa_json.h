// The record of processing activities as JSON (format "charter-ropa/1", documented in
// docs/RENDERING.md): every text in every language of the policy, ids as in the policy,
// durations in ISO 8601, one entry of "activities" per purpose.
//
// Contract: ropa_json(policy) is a pure function of the policy (stable key order: nlohmann
// objects are sorted). Retention summaries are given for each policy language the phrasebook
// has. Thread safe.
#pragma once

#include <nlohmann/json.hpp>

#include "policy/model.h"

namespace charter::policy {

nlohmann::json ropa_json(const Policy& policy);

}  // namespace charter::policy
