// The right edge ("frontier", compact range) of an RFC 6962 Merkle tree: the roots of the
// perfect subtrees that make up D[0:n], one per set bit of n, largest first. Enough to append
// in O(log n) and to compute the root of the whole tree, in O(log n) memory.
//
// Contract: append() never fails. append_subtree(level, h) appends 2^level leaves at once given
// their perfect subtree hash; calling it when size() is not a multiple of 2^level is a bug
// (std::logic_error). Value type: copy it to keep a snapshot (e.g. to roll back a failed
// batch). Not thread safe.
#pragma once

#include <cstdint>
#include <vector>

#include "audit/merkle_hash.h"

namespace charter::audit {

class CompactRange {
 public:
  std::uint64_t size() const { return size_; }
  void append(const Hash& leaf_hash) { append_subtree(0, leaf_hash); }
  void append_subtree(unsigned level, const Hash& subtree_hash);
  // MTH(D[0:size]); SHA-256("") when empty.
  Hash root() const;
  // The perfect subtree roots, largest (leftmost) first.
  const std::vector<Hash>& nodes() const { return nodes_; }

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash> nodes_;
};

}  // namespace charter::audit
