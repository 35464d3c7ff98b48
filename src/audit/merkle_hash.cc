#include "audit/merkle_hash.h"

#include <bit>
#include <cstring>

#include "crypto/encoding.h"

namespace charter::audit {

Hash leaf_hash(crypto::ByteView entry) {
  // One-shot hash over a stack copy for usual sizes: cheaper than three incremental calls.
  std::uint8_t buf[512];
  if (entry.size() < sizeof buf) {
    buf[0] = 0x00;
    if (!entry.empty()) std::memcpy(buf + 1, entry.data(), entry.size());
    return crypto::sha256(crypto::ByteView(buf, entry.size() + 1));
  }
  crypto::Sha256 h;
  h.update(std::uint8_t{0x00}).update(entry);
  return h.finish();
}

Hash node_hash(const Hash& left, const Hash& right) {
  std::uint8_t buf[65];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), 32);
  std::memcpy(buf + 33, right.data(), 32);
  return crypto::sha256(crypto::ByteView(buf, sizeof buf));
}

Hash empty_root() { return crypto::sha256(crypto::ByteView()); }

std::uint64_t split_point(std::uint64_t n) { return std::bit_floor(n - 1); }

Result<Hash> parse_hash_hex(std::string_view hex, std::string_view what) {
  Hash h{};
  if (hex.size() != 64 || !crypto::decode_hex_exact(hex, h))
    return make_error(Errc::kInvalidArgument, std::string(what) + ": expected 64 hex digits");
  return h;
}

}  // namespace charter::audit
