#include "crypto/pseudonym.h"

#include <sodium.h>

#include <array>

#include "crypto/encoding.h"
#include "crypto/sodium.h"

namespace charter::crypto {

static_assert(crypto_generichash_blake2b_PERSONALBYTES == 16);

std::string pseudonym(const SecretKey& key, std::string_view subject_id) {
  ensure_sodium();
  static constexpr unsigned char kPersonal[16] = {'c', 'h', 'a', 'r', 't', 'e', 'r', '-',
                                                  'p', 's', 'e', 'u', 'd', 'o', '-', '1'};
  std::array<std::uint8_t, 16> digest{};
  crypto_generichash_blake2b_salt_personal(
      digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(subject_id.data()),
      subject_id.size(), key.bytes().data(), kKeyBytes, nullptr, kPersonal);
  return to_base32(ByteView(digest.data(), 10));
}

}  // namespace charter::crypto
