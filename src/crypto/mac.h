// Message authentication: HMAC-SHA-256 (libsodium crypto_auth_hmacsha256) with a 32-byte key.
//
// mac(key, message) returns the 32-byte tag; mac_verify compares in constant time and returns
// false for a tag of the wrong size. For signed, expiring URL tokens use crypto/token.h.
// Contract: pure, thread safe, never fails.
#pragma once

#include <array>

#include "crypto/bytes.h"
#include "crypto/secret_key.h"

namespace charter::crypto {

using MacTag = std::array<std::uint8_t, 32>;

MacTag mac(const SecretKey& key, ByteView message);
bool mac_verify(const SecretKey& key, ByteView message, ByteView tag);

}  // namespace charter::crypto
