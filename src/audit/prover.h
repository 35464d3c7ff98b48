// Proofs over a stored log, for `charter audit prove` and the server: keeps a MerkleTree of the
// recorded leaf hashes, extended from the store on refresh().
//
// The prover trusts the recorded leaf hashes (it does not re-hash entries); a proof built from
// a tampered store does not verify against the signed heads, which is what a verifier checks.
// Memory: about 64 bytes per entry.
//
// Contract: refresh() reads the entries appended since the last refresh (kUnavailable from the
// store; kIntegrity when sequence numbers are not dense). Queries answer kInvalidArgument for
// sizes or indices out of range (see MerkleTree). Thread safe (a shared mutex: queries run in
// parallel, refresh excludes them).
#pragma once

#include <shared_mutex>

#include "audit/log_store.h"
#include "audit/merkle_tree.h"

namespace charter::audit {

class Prover {
 public:
  explicit Prover(LogStore& store) : store_(store) {}

  Status refresh();
  std::uint64_t size() const;
  Result<Hash> root(std::uint64_t tree_size) const;
  Result<InclusionProof> inclusion_proof(std::uint64_t leaf_index, std::uint64_t tree_size) const;
  Result<ConsistencyProof> consistency_proof(std::uint64_t first_size,
                                             std::uint64_t second_size) const;
  // The recorded leaf hash of an entry (index < size()).
  Result<Hash> leaf_hash(std::uint64_t index) const;

 private:
  LogStore& store_;
  mutable std::shared_mutex mu_;
  MerkleTree tree_;
};

}  // namespace charter::audit
