#include "audit/merkle_tree.h"

#include <bit>
#include <string>

namespace charter::audit {

void MerkleTree::reserve(std::uint64_t leaves) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].reserve(leaves);
}

void MerkleTree::append(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  // A completed pair at level k yields one node at level k + 1.
  for (std::size_t k = 0; levels_[k].size() % 2 == 0; ++k) {
    if (k + 1 == levels_.size()) levels_.emplace_back();
    const auto& lv = levels_[k];
    levels_[k + 1].push_back(node_hash(lv[lv.size() - 2], lv[lv.size() - 1]));
  }
}

Hash MerkleTree::subtree_hash(std::uint64_t begin, std::uint64_t end) const {
  const std::uint64_t n = end - begin;
  if (n == 0) return empty_root();
  if ((n & (n - 1)) == 0 && begin % n == 0) {
    // A stored perfect subtree.
    const unsigned k = static_cast<unsigned>(std::countr_zero(n));
    return levels_[k][begin >> k];
  }
  if (n == 1) return levels_[0][begin];
  const std::uint64_t k = split_point(n);
  return node_hash(subtree_hash(begin, begin + k), subtree_hash(begin + k, end));
}

Result<Hash> MerkleTree::root(std::uint64_t tree_size) const {
  if (tree_size > size())
    return make_error(Errc::kInvalidArgument, "tree size " + std::to_string(tree_size) +
                                                  " beyond the log (" + std::to_string(size()) +
                                                  " entries)");
  return subtree_hash(0, tree_size);
}

void MerkleTree::path(std::uint64_t m, std::uint64_t begin, std::uint64_t end,
                      std::vector<Hash>& out) const {
  const std::uint64_t n = end - begin;
  if (n <= 1) return;
  const std::uint64_t k = split_point(n);
  if (m < k) {
    path(m, begin, begin + k, out);
    out.push_back(subtree_hash(begin + k, end));
  } else {
    path(m - k, begin + k, end, out);
    out.push_back(subtree_hash(begin, begin + k));
  }
}

void MerkleTree::subproof(std::uint64_t m, std::uint64_t begin, std::uint64_t end, bool whole,
                          std::vector<Hash>& out) const {
  const std::uint64_t n = end - begin;
  if (m == n) {
    if (!whole) out.push_back(subtree_hash(begin, end));
    return;
  }
  const std::uint64_t k = split_point(n);
  if (m <= k) {
    subproof(m, begin, begin + k, whole, out);
    out.push_back(subtree_hash(begin + k, end));
  } else {
    subproof(m - k, begin + k, end, false, out);
    out.push_back(subtree_hash(begin, begin + k));
  }
}

Result<InclusionProof> MerkleTree::inclusion_proof(std::uint64_t leaf_index,
                                                   std::uint64_t tree_size) const {
  if (tree_size > size())
    return make_error(Errc::kInvalidArgument, "tree size " + std::to_string(tree_size) +
                                                  " beyond the log (" + std::to_string(size()) +
                                                  " entries)");
  if (leaf_index >= tree_size)
    return make_error(Errc::kInvalidArgument, "leaf index " + std::to_string(leaf_index) +
                                                  " not below tree size " +
                                                  std::to_string(tree_size));
  InclusionProof proof{leaf_index, tree_size, {}};
  path(leaf_index, 0, tree_size, proof.path);
  return proof;
}

Result<ConsistencyProof> MerkleTree::consistency_proof(std::uint64_t first_size,
                                                       std::uint64_t second_size) const {
  if (second_size > size())
    return make_error(Errc::kInvalidArgument, "tree size " + std::to_string(second_size) +
                                                  " beyond the log (" + std::to_string(size()) +
                                                  " entries)");
  if (first_size == 0 || first_size > second_size)
    return make_error(Errc::kInvalidArgument,
                      "consistency proof needs 0 < first size <= second size");
  ConsistencyProof proof{first_size, second_size, {}};
  if (first_size < second_size) subproof(first_size, 0, second_size, true, proof.path);
  return proof;
}

}  // namespace charter::audit
