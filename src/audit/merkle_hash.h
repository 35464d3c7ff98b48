// RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256.
//
//   leaf hash  = SHA-256(0x00 || entry bytes)
//   node hash  = SHA-256(0x01 || left || right)
//   empty tree = SHA-256("")
//   MTH(D[n]) for n > 1 splits at k = the largest power of two smaller than n.
//
// Contract: pure functions, thread safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.h"
#include "crypto/bytes.h"
#include "crypto/hash.h"

namespace charter::audit {

using Hash = crypto::Digest;

Hash leaf_hash(crypto::ByteView entry);
Hash node_hash(const Hash& left, const Hash& right);
Hash empty_root();

// The largest power of two strictly smaller than n (n >= 2); RFC 6962's split point.
std::uint64_t split_point(std::uint64_t n);

// Parses 64 hex digits (either case). Errors: kInvalidArgument naming `what`.
Result<Hash> parse_hash_hex(std::string_view hex, std::string_view what);

}  // namespace charter::audit
