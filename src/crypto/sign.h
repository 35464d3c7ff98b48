// Ed25519 signatures (libsodium crypto_sign_detached).
//
// Contract: SigningKey holds a 64-byte secret key (seed + public key) and wipes it on
// destruction; generate() uses the injected Random for the seed. verify() returns false on any
// mismatch and never throws. from_seed/parse errors: kInvalidArgument naming the expected size.
#pragma once

#include <array>

#include "core/random.h"
#include "core/result.h"
#include "crypto/bytes.h"

namespace charter::crypto {

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

class SigningKey {
 public:
  static SigningKey generate(Random& random);
  static Result<SigningKey> from_seed(ByteView seed32);
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  SigningKey(SigningKey&& other) noexcept;
  SigningKey& operator=(SigningKey&& other) noexcept;
  ~SigningKey();

  const PublicKey& public_key() const { return public_; }
  Signature sign(ByteView message) const;
  // The 32-byte seed, for storing the key (sealed) and reloading it with from_seed.
  Bytes seed() const;

 private:
  SigningKey() = default;
  std::array<std::uint8_t, 64> secret_{};
  PublicKey public_{};
};

bool verify(const PublicKey& key, ByteView message, const Signature& signature);

}  // namespace charter::crypto
