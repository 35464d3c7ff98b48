// Password hashing for staff console logins: Argon2id in the PHC string format.
//
// hash_password returns "$argon2id$v=19$m=<KiB>,t=<ops>,p=1$<salt>$<hash>" (standard base64
// without padding, 16-byte salt from the injected Random, 32-byte hash): exactly the format of
// libsodium's crypto_pwhash_str, which verify_password checks (constant time). Limits are
// parameters: Argon2Limits::interactive() in production, minimum() in tests.
// password_needs_rehash is true when the stored hash used other limits (or is not parsable).
// Errors (hash_password): kInvalidArgument (empty password, longer than 4096 bytes, limits out
// of range), kUnavailable (Argon2id could not allocate its memory). Never echoes the password.
// Thread safety: as the Random passed; verify and needs_rehash are pure.
#pragma once

#include <string>
#include <string_view>

#include "core/random.h"
#include "core/result.h"
#include "crypto/argon2.h"

namespace charter::crypto {

inline constexpr std::size_t kMaxPasswordBytes = 4096;

Result<std::string> hash_password(std::string_view password, const Argon2Limits& limits,
                                  Random& random);
bool verify_password(std::string_view encoded_hash, std::string_view password);
bool password_needs_rehash(std::string_view encoded_hash, const Argon2Limits& limits);

}  // namespace charter::crypto
