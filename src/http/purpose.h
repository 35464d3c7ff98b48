// The `purpose` query parameter: every read or use of personal data names the purpose it
// serves (DESIGN.md section 4), e.g. GET /v1/subjects/{id}?purpose=customer_relationship.
//
// Contract: required_purpose() returns the policy's Purpose named by exactly one `purpose`
// query parameter. Errors: kInvalidArgument when it is missing, repeated, or names no purpose
// of the policy (the message lists the policy's purpose ids, never the value sent). Whether
// the caller may use that purpose is the access layer's decision, not this helper's. Pure.
#pragma once

#include "core/result.h"
#include "http/request.h"
#include "policy/model.h"

namespace charter::http {

inline constexpr std::string_view kPurposeParam = "purpose";

Result<const policy::Purpose*> required_purpose(const Request& request,
                                                const policy::Policy& policy);

}  // namespace charter::http
