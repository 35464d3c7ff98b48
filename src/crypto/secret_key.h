// SecretKey: 32 bytes of symmetric key material (data keys, root keys, MAC and pseudonym keys).
//
// Contract: the bytes live inline in the object and are wiped (sodium_memzero) on destruction and
// when moved from; a moved-from key is all zeros and must not be used. Not copyable; clone() makes
// an explicit copy. Data keys are numerous (one per subject and retention class), so they are not
// in sodium_malloc'd memory: a guarded allocation costs ~20 us and 3-4 pages each (measured, see
// docs/CRYPTO.md); the long-lived master key is (crypto/master_key.h). bytes() exposes the raw
// key for the crypto primitives and must not be logged, stored in clear or compared with ==.
// Thread safety: const methods may be called concurrently.
#pragma once

#include <array>
#include <cstddef>

#include "core/random.h"
#include "core/result.h"
#include "crypto/bytes.h"

namespace charter::crypto {

inline constexpr std::size_t kKeyBytes = 32;

class SecretKey {
 public:
  // A fresh uniformly random key from `random`.
  static SecretKey generate(Random& random);
  // Errors: kInvalidArgument unless exactly 32 bytes. The message never contains the bytes.
  static Result<SecretKey> from_bytes(ByteView bytes);

  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  ~SecretKey();

  SecretKey clone() const;
  ByteView bytes() const { return key_; }
  // Constant-time equality (for tests and key checks).
  bool equals(const SecretKey& other) const;

 private:
  SecretKey() = default;
  std::array<std::uint8_t, kKeyBytes> key_{};
};

// Per-subject, per-retention-class data key: the same object, named for readability.
using DataKey = SecretKey;

}  // namespace charter::crypto
