// Helpers shared by src/crypto sources only; other modules must not include this header.
#pragma once

#include <cstdint>
#include <span>

namespace charter::crypto::detail {

// crypto_kdf_derive_from_key into `out` (16..64 bytes) from a raw 32-byte root key.
void kdf_raw(std::span<std::uint8_t> out, std::uint64_t id, const char context[8],
             const std::uint8_t* root);

}  // namespace charter::crypto::detail
