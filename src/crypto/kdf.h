// Key derivation: subkeys of a root key (libsodium crypto_kdf, BLAKE2b based).
//
// derive_subkey(root, context, id) returns the subkey number `id` in the 8-character `context`;
// different (context, id) pairs give independent keys, and no subkey reveals the root or a
// sibling. The contexts below are the ones Charter uses: a single random "system root" key
// (wrapped by the key ring like a data key, AD system_key_ad("system-root", version)) yields
// the blind-index root, the pseudonym key, the token MAC key and the audit signing seed.
// Errors: kInvalidArgument unless context is exactly 8 bytes. Thread safety: pure.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/result.h"
#include "crypto/secret_key.h"

namespace charter::crypto {

inline constexpr std::string_view kKdfContextBlindIndex = "chblind_";
inline constexpr std::string_view kKdfContextPseudonym = "chpseudo";
inline constexpr std::string_view kKdfContextToken = "chtoken_";
inline constexpr std::string_view kKdfContextAudit = "chaudit_";

Result<SecretKey> derive_subkey(const SecretKey& root, std::string_view context, std::uint64_t id);

}  // namespace charter::crypto
