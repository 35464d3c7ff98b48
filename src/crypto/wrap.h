// Wrapping data keys (and system keys) under a master key, and rewrapping them for rotation.
//
// Wrapped form (77 bytes): format byte 0x01 || master key version (4 bytes big-endian) ||
// 24-byte random nonce || XChaCha20-Poly1305 ciphertext of the 32-byte key || 16-byte tag.
// The AEAD's associated data is the first 5 bytes followed by the caller's AD (crypto/ad.h
// wrap_ad: subject id, retention class, data key version), so neither the recorded master
// version nor the owner of the key can be changed. The master version in clear lets a reader
// pick the right master (crypto/key_ring.h) and lets rotation find what still needs rewrapping.
// Errors: kIntegrity (malformed, altered, wrong AD, wrong master key), kFailedPrecondition (the
// master given is not the version recorded in the wrapped key; message names both versions),
// kInvalidArgument (empty master key). Messages never contain key bytes.
// Thread safety: as the Random passed; otherwise pure.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/random.h"
#include "core/result.h"
#include "crypto/bytes.h"
#include "crypto/master_key.h"
#include "crypto/secret_key.h"

namespace charter::crypto {

inline constexpr std::uint8_t kWrappedFormatV1 = 0x01;
inline constexpr std::size_t kWrappedKeyBytes = 1 + 4 + 24 + kKeyBytes + 16;

using WrappedKey = Bytes;

Result<WrappedKey> wrap(const MasterKey& master, const SecretKey& key, ByteView ad, Random& random);
Result<SecretKey> unwrap(const MasterKey& master, ByteView wrapped, ByteView ad);
// The master key version recorded in a wrapped key. Errors: kIntegrity if malformed.
Result<std::uint32_t> wrapped_master_version(ByteView wrapped);
// unwrap under `from`, wrap again under `to` with a fresh nonce and the same AD.
Result<WrappedKey> rewrap(const MasterKey& from, const MasterKey& to, ByteView wrapped, ByteView ad,
                          Random& random);

}  // namespace charter::crypto
