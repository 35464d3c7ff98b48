// Loading a policy file: YAML -> validated, typed Policy with its version.
//
// Contract: load_policy() reads and checks the whole file in one pass and either returns a
// valid Policy (model.h) or an Error with code kInvalidPolicy whose message lists every issue,
// one per line, as "file:line:column: key: what was found, what is allowed".
// check_policy() gives the issues themselves. Pure apart from reading the file; thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "policy/issues.h"
#include "policy/model.h"

namespace charter::policy {

struct LoadOutcome {
  std::optional<Policy> policy;  // set iff issues is empty
  std::vector<Issue> issues;
};

// `name` is used as the file name in issues.
LoadOutcome check_policy_text(std::string_view yaml, const std::string& name);
LoadOutcome check_policy_file(const std::string& path);

Result<Policy> load_policy(const std::string& path);
Result<Policy> load_policy_text(std::string_view yaml, const std::string& name);

}  // namespace charter::policy
