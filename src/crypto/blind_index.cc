#include "crypto/blind_index.h"

#include <sodium.h>

#include <cstring>

#include "crypto/kdf.h"
#include "crypto/sodium.h"

namespace charter::crypto {

static_assert(sizeof(crypto_generichash_state) <= 384, "state buffer too small");
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
  BlindIndexKey out;
  out.field_ = std::string(field);
  crypto_generichash_init(reinterpret_cast<crypto_generichash_state*>(out.state_),
                          key.bytes().data(), kKeyBytes, kBlindIndexBytes);
  return out;
}

BlindIndexKey::BlindIndexKey(BlindIndexKey&& other) noexcept : field_(std::move(other.field_)) {
  std::memcpy(state_, other.state_, sizeof state_);
  sodium_memzero(other.state_, sizeof other.state_);
}

BlindIndexKey& BlindIndexKey::operator=(BlindIndexKey&& other) noexcept {
  if (this != &other) {
    field_ = std::move(other.field_);
    std::memcpy(state_, other.state_, sizeof state_);
    sodium_memzero(other.state_, sizeof other.state_);
  }
  return *this;
}

BlindIndexKey::~BlindIndexKey() { sodium_memzero(state_, sizeof state_); }

BlindIndex BlindIndexKey::compute(std::string_view normalized_value) const {
  alignas(64) crypto_generichash_state state;
  std::memcpy(&state, state_, sizeof state);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(normalized_value.data()),
                            normalized_value.size());
  BlindIndex out;
  // final wipes the chaining value and the buffer; what is left of the copy (counters, flags)
  // is not secret.
  crypto_generichash_final(&state, out.data(), out.size());
  return out;
}

}  // namespace charter::crypto
