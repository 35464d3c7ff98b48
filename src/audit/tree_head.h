// Signed tree heads: the log's Ed25519 signature over (size, root, time).
//
// The signed message is canonical and documented in docs/AUDIT.md:
//   "charter-audit-tree-head-v1" || 0x00 || u64 tree size || i64 time (µs since Unix epoch,
//   UTC) || 32-byte root hash            (integers big-endian; 75 bytes in all)
//
// Contract: sign_tree_head() never fails. verify_tree_head() returns ok or kIntegrity (bad
// signature). JSON: tree_head_to_json / parse_tree_head_json (errors: kInvalidArgument naming
// the member). Pure functions, thread safe (the SigningKey is only read).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "audit/merkle_hash.h"
#include "core/clock.h"
#include "crypto/sign.h"

namespace charter::audit {

struct TreeHead {
  std::uint64_t tree_size = 0;
  Hash root{};
  Timestamp time{};
  bool operator==(const TreeHead&) const = default;
};

struct SignedTreeHead {
  TreeHead head;
  crypto::Signature signature{};
  bool operator==(const SignedTreeHead&) const = default;
};

// The exact bytes that are signed.
crypto::Bytes tree_head_message(const TreeHead& head);

SignedTreeHead sign_tree_head(const TreeHead& head, const crypto::SigningKey& key);
Status verify_tree_head(const SignedTreeHead& sth, const crypto::PublicKey& key);

// {"tree_size": n, "timestamp": "RFC 3339 UTC with microseconds", "root_hash": "<64 hex>",
//  "signature": "<128 hex>"}
std::string tree_head_to_json(const SignedTreeHead& sth);
Result<SignedTreeHead> parse_tree_head_json(std::string_view text);

}  // namespace charter::audit
