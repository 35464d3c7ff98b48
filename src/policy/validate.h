// Semantic checks of a policy read from YAML: references, uniqueness and the charter's own
// rules (C7-C11, C14, C15). Each problem goes to the IssueLog at the place of the key at fault.
//
// Contract: validate_policy never throws; it may be given a partially read policy (after
// structural errors) and then reports only what it can still judge.
#pragma once

#include "policy/issues.h"
#include "policy/model.h"

namespace charter::policy {

void validate_policy(const Policy& policy, IssueLog& log);

}  // namespace charter::policy
