// Inclusion and consistency proofs (RFC 6962 section 2.1.1 / 2.1.2, RFC 9162 section 2.1.3 /
// 2.1.4) and their verifiers, which follow RFC 9162 sections 2.1.3.2 and 2.1.4.2 step by step.
//
// Contract: the verifiers are pure and thread safe; they return ok only when the proof proves
// the claim, and otherwise kIntegrity saying which check failed. They never throw, whatever
// the proof holds (sizes, indices and path lengths are untrusted input).
#pragma once

#include <cstdint>
#include <vector>

#include "audit/merkle_hash.h"

namespace charter::audit {

// Audit path of leaf `leaf_index` in the tree of `tree_size` leaves, bottom-up.
struct InclusionProof {
  std::uint64_t leaf_index = 0;
  std::uint64_t tree_size = 0;
  std::vector<Hash> path;
  bool operator==(const InclusionProof&) const = default;
};

// Proof that the tree of `first_size` leaves is a prefix of the tree of `second_size` leaves.
struct ConsistencyProof {
  std::uint64_t first_size = 0;
  std::uint64_t second_size = 0;
  std::vector<Hash> path;
  bool operator==(const ConsistencyProof&) const = default;
};

// RFC 9162 2.1.3.2: the root that `leaf` and the proof imply (kIntegrity when the proof's
// shape cannot be right for its index and size).
Result<Hash> root_from_inclusion_proof(const Hash& leaf, const InclusionProof& proof);
Status verify_inclusion(const Hash& leaf, const InclusionProof& proof, const Hash& root);

// RFC 9162 2.1.4.2. Sizes must satisfy 0 < first <= second; first == second needs an empty
// path and equal roots.
Status verify_consistency(const ConsistencyProof& proof, const Hash& first_root,
                          const Hash& second_root);

}  // namespace charter::audit
