// Keyed pseudonyms of subject ids for the audit log: stable for one key, unlinkable to the
// subject id without it.
//
// pseudonym(key, subject_id) = Crockford base32 (lower case) of the first 10 bytes of BLAKE2b-128
// keyed with `key` and personalised "charter-pseudo-1" over the subject id: 16 characters,
// 80 bits. For 10M subjects the chance that two share a pseudonym is about n^2/2^81 < 5e-11.
// The key is the pseudonym key (crypto/kdf.h context "chpseudo" of the system root); changing
// it changes every pseudonym, so it is not rotated with the master key (only rewrapped).
// Contract: pure, thread safe, never fails.
#pragma once

#include <string>
#include <string_view>

#include "crypto/secret_key.h"

namespace charter::crypto {

inline constexpr std::size_t kPseudonymChars = 16;

std::string pseudonym(const SecretKey& key, std::string_view subject_id);

}  // namespace charter::crypto
