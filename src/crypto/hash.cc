#include "crypto/hash.h"

// SHA-256 comes from OpenSSL's libcrypto (already in the stack for TLS): it uses the CPU's SHA
// instructions where present, 3-4x faster than libsodium's portable code on this project's
// machines (docs/BENCHMARKS.md, "Audit log"), which is what bounds audit verification. The
// low-level SHA256_* calls avoid EVP's per-call fetch and allocation for 64-byte inputs.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <new>

namespace charter::crypto {

static_assert(sizeof(SHA256_CTX) <= 128, "state buffer too small");

Digest sha256(ByteView data) {
  // Not the one-shot SHA256(): in OpenSSL 3 it fetches the digest from the provider on every
  // call (0.555 us for 64 bytes here, against 0.173 us without the fetch; docs/BENCHMARKS.md).
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  Digest out;
  SHA256_Final(out.data(), &ctx);
  return out;
}

Sha256::Sha256() { SHA256_Init(new (state_) SHA256_CTX); }

Sha256& Sha256::update(ByteView data) {
  SHA256_Update(reinterpret_cast<SHA256_CTX*>(state_), data.data(), data.size());
  return *this;
}

Sha256& Sha256::update(std::uint8_t byte) { return update(ByteView(&byte, 1)); }

Digest Sha256::finish() {
  Digest out;
  SHA256_Final(out.data(), reinterpret_cast<SHA256_CTX*>(state_));
  return out;
}

}  // namespace charter::crypto
