#include "crypto/secret_key.h"

#include <sodium.h>

#include "crypto/sodium.h"

namespace charter::crypto {

SecretKey SecretKey::generate(Random& random) {
  SecretKey key;
  random.fill(key.key_);
  return key;
}

Result<SecretKey> SecretKey::from_bytes(ByteView bytes) {
  if (bytes.size() != kKeyBytes) {
    return make_error(Errc::kInvalidArgument,
                      "secret key: expected 32 bytes, got " + std::to_string(bytes.size()));
  }
  SecretKey key;
  std::copy(bytes.begin(), bytes.end(), key.key_.begin());
  return key;
}

SecretKey::SecretKey(SecretKey&& other) noexcept : key_(other.key_) {
  sodium_memzero(other.key_.data(), other.key_.size());
}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    key_ = other.key_;
    sodium_memzero(other.key_.data(), other.key_.size());
  }
  return *this;
}

SecretKey::~SecretKey() { sodium_memzero(key_.data(), key_.size()); }

SecretKey SecretKey::clone() const {
  SecretKey copy;
  copy.key_ = key_;
  return copy;
}

bool SecretKey::equals(const SecretKey& other) const {
  ensure_sodium();
  return sodium_memcmp(key_.data(), other.key_.data(), key_.size()) == 0;
}

}  // namespace charter::crypto
