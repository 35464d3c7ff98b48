#include "crypto/seal.h"

#include <sodium.h>

#include "crypto/sodium.h"

namespace charter::crypto {

static_assert(kSealNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kSealTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

Bytes seal(const SecretKey& key, ByteView plaintext, ByteView ad, Random& random) {
  ensure_sodium();
  Bytes out(kSealOverhead + plaintext.size());
  out[0] = kSealedFormatV1;
  std::uint8_t* nonce = out.data() + 1;
  random.fill(std::span<std::uint8_t>(nonce, kSealNonceBytes));
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + 1 + kSealNonceBytes, &written,
                                             plaintext.data(), plaintext.size(), ad.data(),
                                             ad.size(), nullptr, nonce, key.bytes().data());
  return out;
}

Result<Bytes> open(const SecretKey& key, ByteView sealed, ByteView ad) {
  ensure_sodium();
  if (sealed.size() < kSealOverhead) {
    return make_error(Errc::kIntegrity, "sealed value is truncated");
  }
  if (sealed[0] != kSealedFormatV1) {
    return make_error(Errc::kIntegrity, "sealed value has an unknown format version");
  }
  const std::uint8_t* nonce = sealed.data() + 1;
  const std::uint8_t* ciphertext = nonce + kSealNonceBytes;
  const std::size_t ciphertext_size = sealed.size() - 1 - kSealNonceBytes;
  Bytes out(ciphertext_size - kSealTagBytes);
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &written, nullptr, ciphertext,
                                                 ciphertext_size, ad.data(), ad.size(), nonce,
                                                 key.bytes().data()) != 0) {
    return make_error(Errc::kIntegrity,
                      "sealed value failed authentication (wrong key, moved, or altered)");
  }
  return out;
}

}  // namespace charter::crypto
