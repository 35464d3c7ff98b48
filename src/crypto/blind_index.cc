#include "crypto/blind_index.h"

#include <sodium.h>

#include "crypto/kdf.h"
#include "crypto/sodium.h"

namespace charter::crypto {

static_assert(kBlindIndexBytes >= crypto_generichash_BYTES_MIN);

namespace {
std::uint64_t field_subkey_id(std::string_view field) {
  std::uint8_t digest[16];
  crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(field.data()),
                     field.size(), nullptr, 0);
  std::uint64_t id = 0;
  for (int i = 7; i >= 0; --i) id = (id << 8) | digest[i];
  return id;
}
}  // namespace

Result<BlindIndexKey> BlindIndexKey::derive(const SecretKey& root, std::string_view field) {
  ensure_sodium();
  if (field.empty()) return make_error(Errc::kInvalidArgument, "blind index: empty field name");
  CHARTER_TRY(SecretKey key, derive_subkey(root, kKdfContextBlindIndex, field_subkey_id(field)));
  return BlindIndexKey(std::move(key), std::string(field));
}

BlindIndex BlindIndexKey::compute(std::string_view normalized_value) const {
  BlindIndex out;
  crypto_generichash(out.data(), out.size(),
                     reinterpret_cast<const unsigned char*>(normalized_value.data()),
                     normalized_value.size(), key_.bytes().data(), kKeyBytes);
  return out;
}

}  // namespace charter::crypto
