#include "crypto/hash.h"

#include <sodium.h>

#include "crypto/sodium.h"

namespace charter::crypto {

static_assert(sizeof(crypto_hash_sha256_state) <= 128, "state buffer too small");

Digest sha256(ByteView data) {
  ensure_sodium();
  Digest out;
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

Sha256::Sha256() {
  ensure_sodium();
  crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(state_));
}

Sha256& Sha256::update(ByteView data) {
  crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_), data.data(),
                            data.size());
  return *this;
}

Sha256& Sha256::update(std::uint8_t byte) { return update(ByteView(&byte, 1)); }

Digest Sha256::finish() {
  Digest out;
  crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(state_), out.data());
  return out;
}

}  // namespace charter::crypto
