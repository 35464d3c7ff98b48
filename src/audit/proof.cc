#include "audit/proof.h"

namespace charter::audit {
namespace {

Error bad(std::string what) {
  return make_error(Errc::kIntegrity, "proof rejected: " + std::move(what));
}

}  // namespace

Result<Hash> root_from_inclusion_proof(const Hash& leaf, const InclusionProof& proof) {
  // 1. leaf_index must be inside the tree.
  if (proof.leaf_index >= proof.tree_size) return bad("leaf index not below tree size");
  // 2.-3.
  std::uint64_t fn = proof.leaf_index;
  std::uint64_t sn = proof.tree_size - 1;
  Hash r = leaf;
  // 4.
  for (const Hash& p : proof.path) {
    if (sn == 0) return bad("inclusion path longer than the tree is deep");  // 4a
    if ((fn & 1) || fn == sn) {                                              // 4b
      r = node_hash(p, r);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;  // 4c
    sn >>= 1;
  }
  // 5.
  if (sn != 0) return bad("inclusion path shorter than the tree is deep");
  return r;
}

Status verify_inclusion(const Hash& leaf, const InclusionProof& proof, const Hash& root) {
  CHARTER_TRY(Hash computed, root_from_inclusion_proof(leaf, proof));
  if (computed != root) return bad("inclusion path does not lead to the root");
  return ok_status();
}

Status verify_consistency(const ConsistencyProof& proof, const Hash& first_root,
                          const Hash& second_root) {
  const std::uint64_t first = proof.first_size, second = proof.second_size;
  if (first == 0) return bad("consistency from an empty tree is not proved by a path");
  if (first > second) return bad("first tree larger than second");
  if (first == second) {
    if (!proof.path.empty()) return bad("path must be empty between equal sizes");
    if (first_root != second_root) return bad("equal sizes with different roots");
    return ok_status();
  }
  // 1.
  if (proof.path.empty()) return bad("empty consistency path");
  // 2. A power-of-two first tree is itself a node of the second: its root starts the path.
  std::vector<Hash> path;
  path.reserve(proof.path.size() + 1);
  if ((first & (first - 1)) == 0) path.push_back(first_root);
  path.insert(path.end(), proof.path.begin(), proof.path.end());
  // 3.-4.
  std::uint64_t fn = first - 1;
  std::uint64_t sn = second - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  // 5.
  Hash fr = path[0];
  Hash sr = path[0];
  // 6.
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return bad("consistency path longer than the tree is deep");  // 6a
    if ((fn & 1) || fn == sn) {                                                // 6b
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;  // 6c
    sn >>= 1;
  }
  // 7.
  if (sn != 0) return bad("consistency path shorter than the tree is deep");
  if (fr != first_root) return bad("consistency path does not lead to the first root");
  if (sr != second_root) return bad("consistency path does not lead to the second root");
  return ok_status();
}

}  // namespace charter::audit
