// Argon2id (libsodium crypto_pwhash, algorithm ARGON2ID13) limits and passphrase parameters.
//
// Argon2Limits are the cost parameters: opslimit (passes) and memlimit (bytes). moderate() is the
// default for a master-key passphrase (3 passes, 256 MiB, about a second), interactive() for
// staff passwords (2 passes, 64 MiB), minimum() (1 pass, 8 KiB) only for tests.
// PassphraseParams are the public metadata stored beside a passphrase-derived master key: the
// 16-byte salt and the limits. Text form (encode/parse): "argon2id:t=<ops>:m=<bytes>:s=<32 hex>".
// Contract: pure; errors are kInvalidArgument naming the bad parameter (never the passphrase).
// Thread safety: all functions are thread safe (Random as passed).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/result.h"
#include "crypto/secret_key.h"

namespace charter::crypto {

struct Argon2Limits {
  std::uint64_t opslimit = 3;
  std::size_t memlimit = std::size_t{256} << 20;

  static Argon2Limits moderate();
  static Argon2Limits interactive();
  static Argon2Limits minimum();
  // kInvalidArgument unless libsodium's Argon2id accepts both limits.
  Status check() const;
  bool operator==(const Argon2Limits&) const = default;
};

struct PassphraseParams {
  std::array<std::uint8_t, 16> salt{};
  Argon2Limits limits;

  // A fresh random salt with the given limits.
  static PassphraseParams generate(Random& random, Argon2Limits limits = Argon2Limits::moderate());
  std::string encode() const;
  static Result<PassphraseParams> parse(std::string_view text);
  bool operator==(const PassphraseParams&) const = default;
};

// Stretches a passphrase into a 32-byte key. Deterministic for the same passphrase and params.
// Errors: kInvalidArgument (empty passphrase, limits out of range), kUnavailable (Argon2id could
// not allocate memlimit bytes).
Result<SecretKey> stretch_passphrase(std::string_view passphrase, const PassphraseParams& params);

}  // namespace charter::crypto
