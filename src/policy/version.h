// The policy version: SHA-256 (hex) of the policy's canonical form.
//
// Contract: canonical_json() is a JSON text with sorted keys and no insignificant white space,
// built from the typed model, so the version does not change with key order, comments, quoting
// or layout of the YAML file, and changes with any meaningful change. The source path is not
// part of it. Pure; thread safe.
#pragma once

#include <string>

#include "policy/model.h"

namespace charter::policy {

std::string canonical_json(const Policy& policy);
std::string policy_version(const Policy& policy);
// First 12 hex digits, for display.
std::string short_version(const std::string& version);

}  // namespace charter::policy
