#include "crypto/sign.h"

#include <sodium.h>

#include <utility>

#include "crypto/sodium.h"

namespace charter::crypto {

SigningKey SigningKey::generate(Random& random) {
  std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed{};
  random.fill(seed);
  auto key = from_seed(seed);
  sodium_memzero(seed.data(), seed.size());
  return std::move(key).value();
}

Result<SigningKey> SigningKey::from_seed(ByteView seed32) {
  ensure_sodium();
  if (seed32.size() != crypto_sign_SEEDBYTES) {
    return make_error(Errc::kInvalidArgument, "Ed25519 seed: expected 32 bytes");
  }
  SigningKey key;
  crypto_sign_seed_keypair(key.public_.data(), key.secret_.data(), seed32.data());
  return key;
}

SigningKey::SigningKey(SigningKey&& other) noexcept
    : secret_(other.secret_), public_(other.public_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
  if (this != &other) {
    secret_ = other.secret_;
    public_ = other.public_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

Signature SigningKey::sign(ByteView message) const {
  Signature sig{};
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), secret_.data());
  return sig;
}

Bytes SigningKey::seed() const {
  Bytes out(crypto_sign_SEEDBYTES);
  crypto_sign_ed25519_sk_to_seed(out.data(), secret_.data());
  return out;
}

bool verify(const PublicKey& key, ByteView message, const Signature& signature) {
  ensure_sodium();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     key.data()) == 0;
}

}  // namespace charter::crypto
