#include "audit/prover.h"

#include <mutex>

namespace charter::audit {

Status Prover::refresh() {
  std::unique_lock lock(mu_);
  for (;;) {
    CHARTER_TRY(std::vector<StoredEntry> rows, store_.read(tree_.size(), 65536));
    if (rows.empty()) return ok_status();
    for (const StoredEntry& r : rows) {
      if (r.sequence != tree_.size())
        return make_error(Errc::kIntegrity, "audit log: entry " + std::to_string(tree_.size()) +
                                                " missing (run `charter audit verify`)");
      tree_.append(r.leaf_hash);
    }
  }
}

std::uint64_t Prover::size() const {
  std::shared_lock lock(mu_);
  return tree_.size();
}

Result<Hash> Prover::root(std::uint64_t tree_size) const {
  std::shared_lock lock(mu_);
  return tree_.root(tree_size);
}

Result<InclusionProof> Prover::inclusion_proof(std::uint64_t leaf_index,
                                               std::uint64_t tree_size) const {
  std::shared_lock lock(mu_);
  return tree_.inclusion_proof(leaf_index, tree_size);
}

Result<ConsistencyProof> Prover::consistency_proof(std::uint64_t first_size,
                                                   std::uint64_t second_size) const {
  std::shared_lock lock(mu_);
  return tree_.consistency_proof(first_size, second_size);
}

Result<Hash> Prover::leaf_hash(std::uint64_t index) const {
  std::shared_lock lock(mu_);
  if (index >= tree_.size())
    return make_error(Errc::kInvalidArgument, "entry " + std::to_string(index) + " not in the log");
  return tree_.leaf(index);
}

}  // namespace charter::audit
