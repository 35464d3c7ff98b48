// Internal helpers for reading the audit's JSON documents strictly (tree heads, proofs).
//
// Contract: each getter returns kInvalidArgument naming the member when it is missing or has
// the wrong type or shape. parse_json_object never throws. Thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/merkle_hash.h"
#include "core/result.h"

namespace charter::audit::json_fields {

Result<nlohmann::json> parse_object(std::string_view text, std::string_view what);
Result<std::uint64_t> get_u64(const nlohmann::json& obj, const char* name);
Result<std::string> get_string(const nlohmann::json& obj, const char* name);
Result<Hash> get_hash(const nlohmann::json& obj, const char* name);
Result<std::vector<Hash>> get_hash_list(const nlohmann::json& obj, const char* name);

}  // namespace charter::audit::json_fields
