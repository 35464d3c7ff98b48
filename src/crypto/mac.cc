#include "crypto/mac.h"

#include <sodium.h>

#include "crypto/sodium.h"

namespace charter::crypto {

static_assert(crypto_auth_hmacsha256_BYTES == 32);
static_assert(crypto_auth_hmacsha256_KEYBYTES == kKeyBytes);

MacTag mac(const SecretKey& key, ByteView message) {
  ensure_sodium();
  MacTag tag;
  crypto_auth_hmacsha256(tag.data(), message.data(), message.size(), key.bytes().data());
  return tag;
}

bool mac_verify(const SecretKey& key, ByteView message, ByteView tag) {
  ensure_sodium();
  if (tag.size() != crypto_auth_hmacsha256_BYTES) return false;
  return crypto_auth_hmacsha256_verify(tag.data(), message.data(), message.size(),
                                       key.bytes().data()) == 0;
}

}  // namespace charter::crypto
