#include "audit/compact_range.h"

#include <stdexcept>

namespace charter::audit {

void CompactRange::append_subtree(unsigned level, const Hash& subtree_hash) {
  if (level >= 64 || (size_ & ((std::uint64_t{1} << level) - 1)) != 0)
    throw std::logic_error("CompactRange::append_subtree: unaligned subtree");
  Hash h = subtree_hash;
  // Merge with equal-sized left neighbours: each set bit of size_ at or above `level`, from the
  // bottom, is a perfect subtree of that size sitting immediately to our left.
  unsigned l = level;
  while (l < 64 && (size_ >> l & 1)) {
    h = node_hash(nodes_.back(), h);
    nodes_.pop_back();
    ++l;
  }
  nodes_.push_back(h);
  size_ += std::uint64_t{1} << level;
}

Hash CompactRange::root() const {
  if (nodes_.empty()) return empty_root();
  // MTH splits at the largest power of two: fold the subtrees from the right.
  Hash r = nodes_.back();
  for (std::size_t i = nodes_.size() - 1; i-- > 0;) r = node_hash(nodes_[i], r);
  return r;
}

}  // namespace charter::audit
