#include "crypto/kdf.h"

#include <sodium.h>

#include <array>

#include "crypto/internal.h"
#include "crypto/sodium.h"

namespace charter::crypto {

static_assert(crypto_kdf_CONTEXTBYTES == 8);
static_assert(crypto_kdf_KEYBYTES == kKeyBytes);

namespace detail {

void kdf_raw(std::span<std::uint8_t> out, std::uint64_t id, const char context[8],
             const std::uint8_t* root) {
  ensure_sodium();
  crypto_kdf_derive_from_key(out.data(), out.size(), id, context, root);
}

}  // namespace detail

Result<SecretKey> derive_subkey(const SecretKey& root, std::string_view context, std::uint64_t id) {
  if (context.size() != crypto_kdf_CONTEXTBYTES) {
    return make_error(Errc::kInvalidArgument, "key derivation context must be 8 characters");
  }
  std::array<std::uint8_t, kKeyBytes> raw{};
  detail::kdf_raw(raw, id, context.data(), root.bytes().data());
  auto key = SecretKey::from_bytes(raw);
  sodium_memzero(raw.data(), raw.size());
  return key;
}

}  // namespace charter::crypto
