// JSON forms of proofs, for `charter audit prove`, the API and third-party verifiers. Member
// names follow RFC 9162; hashes are lower-case hex.
//
//   inclusion:   {"leaf_index": i, "tree_size": n, "inclusion_path": ["<hex>", ...]}
//   consistency: {"first_size": m, "second_size": n, "consistency_path": ["<hex>", ...]}
//
// Contract: parsing is strict (errors: kInvalidArgument naming the member); it checks shape
// only, not truth: pass the result to verify_inclusion / verify_consistency. Thread safe.
#pragma once

#include <string>
#include <string_view>

#include "audit/proof.h"

namespace charter::audit {

std::string inclusion_proof_to_json(const InclusionProof& proof);
Result<InclusionProof> parse_inclusion_proof_json(std::string_view text);
std::string consistency_proof_to_json(const ConsistencyProof& proof);
Result<ConsistencyProof> parse_consistency_proof_json(std::string_view text);

}  // namespace charter::audit
