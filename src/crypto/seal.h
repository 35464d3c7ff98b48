// Sealing values: XChaCha20-Poly1305-IETF authenticated encryption under a data key.
//
// Sealed form: version byte (0x01) || 24-byte random nonce || ciphertext || 16-byte tag, i.e.
// plaintext size + 41 bytes. The nonce comes from the injected Random (SystemRandom in
// production: 192-bit random nonces never repeat in practice). The AD is not stored: the caller
// rebuilds it (crypto/ad.h value_ad: subject id, field, key version, item id) when opening, so a
// sealed value opened anywhere else than where it was sealed fails.
// Errors (open): kIntegrity for every failure (unknown version, truncated input, wrong key, wrong
// AD, any changed bit). The message never contains plaintext, ciphertext or key.
// Thread safety: as the Random passed to seal; open is pure.
#pragma once

#include <cstddef>

#include "core/random.h"
#include "core/result.h"
#include "crypto/bytes.h"
#include "crypto/secret_key.h"

namespace charter::crypto {

inline constexpr std::uint8_t kSealedFormatV1 = 0x01;
inline constexpr std::size_t kSealNonceBytes = 24;
inline constexpr std::size_t kSealTagBytes = 16;
inline constexpr std::size_t kSealOverhead = 1 + kSealNonceBytes + kSealTagBytes;

Bytes seal(const SecretKey& key, ByteView plaintext, ByteView ad, Random& random);
Result<Bytes> open(const SecretKey& key, ByteView sealed, ByteView ad);

}  // namespace charter::crypto
