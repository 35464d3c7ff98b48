// An in-memory RFC 6962 Merkle tree over leaf hashes that keeps every perfect-subtree node, so
// the root at any earlier size, inclusion proofs and consistency proofs cost O(log² n) node
// hashes at most. Memory: about 64 bytes per leaf (leaf hashes plus inner nodes).
//
// Contract: append() is amortised O(1) (worst O(log n)). Queries take untrusted sizes and
// indices and answer kInvalidArgument when they are out of range (index >= size, size >
// size(), first size 0 or above the second). Not thread safe: guard with a mutex if shared.
#pragma once

#include <cstdint>
#include <vector>

#include "audit/merkle_hash.h"
#include "audit/proof.h"

namespace charter::audit {

class MerkleTree {
 public:
  std::uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  void append(const Hash& leaf_hash);
  void reserve(std::uint64_t leaves);

  // The leaf hash at `index` (index < size()).
  const Hash& leaf(std::uint64_t index) const { return levels_[0][index]; }

  // MTH(D[0:tree_size]) for tree_size <= size().
  Result<Hash> root(std::uint64_t tree_size) const;
  Hash root() const { return subtree_hash(0, size()); }

  // RFC 6962 2.1.1 PATH(leaf_index, D[0:tree_size]).
  Result<InclusionProof> inclusion_proof(std::uint64_t leaf_index, std::uint64_t tree_size) const;
  // RFC 6962 2.1.2 PROOF(first_size, D[0:second_size]); 0 < first_size <= second_size.
  Result<ConsistencyProof> consistency_proof(std::uint64_t first_size,
                                             std::uint64_t second_size) const;

  // MTH(D[begin:end]) (end <= size()); SHA-256("") when begin == end.
  Hash subtree_hash(std::uint64_t begin, std::uint64_t end) const;

 private:
  void path(std::uint64_t m, std::uint64_t begin, std::uint64_t end, std::vector<Hash>& out) const;
  void subproof(std::uint64_t m, std::uint64_t begin, std::uint64_t end, bool whole,
                std::vector<Hash>& out) const;

  // levels_[k][i] = MTH of leaves [i * 2^k, (i + 1) * 2^k).
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace charter::audit
