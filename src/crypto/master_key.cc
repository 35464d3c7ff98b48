#include "crypto/master_key.h"

#include <sodium.h>

#include <array>
#include <new>
#include <utility>

#include "core/id.h"
#include "crypto/internal.h"
#include "crypto/sodium.h"

namespace charter::crypto {

Result<MasterKey> MasterKey::from_bytes(std::uint32_t version, ByteView key32) {
  ensure_sodium();
  if (version == 0) return make_error(Errc::kInvalidArgument, "master key version must be >= 1");
  if (key32.size() != kKeyBytes) {
    return make_error(Errc::kInvalidArgument,
                      "master key: expected 32 bytes, got " + std::to_string(key32.size()));
  }
  MasterKey key;
  key.key_ = static_cast<std::uint8_t*>(sodium_malloc(kKeyBytes));
  if (key.key_ == nullptr) throw std::bad_alloc();
  std::copy(key32.begin(), key32.end(), key.key_);
  sodium_mprotect_readonly(key.key_);
  key.version_ = version;
  std::array<std::uint8_t, 16> fingerprint{};
  detail::kdf_raw(fingerprint, 1, "chkeyid_", key.key_);
  key.id_ = to_hex(std::span<const std::uint8_t>(fingerprint.data(), 8));
  return key;
}

Result<MasterKey> MasterKey::generate(std::uint32_t version, Random& random) {
  std::array<std::uint8_t, kKeyBytes> raw{};
  random.fill(raw);
  auto key = from_bytes(version, raw);
  sodium_memzero(raw.data(), raw.size());
  return key;
}

Result<MasterKey> MasterKey::from_passphrase(std::uint32_t version, std::string_view passphrase,
                                             const PassphraseParams& params) {
  if (version == 0) return make_error(Errc::kInvalidArgument, "master key version must be >= 1");
  CHARTER_TRY(SecretKey stretched, stretch_passphrase(passphrase, params));
  return from_bytes(version, stretched.bytes());
}

MasterKey::MasterKey(MasterKey&& other) noexcept
    : key_(std::exchange(other.key_, nullptr)),
      version_(std::exchange(other.version_, 0)),
      id_(std::move(other.id_)) {
  other.id_.clear();
}

MasterKey& MasterKey::operator=(MasterKey&& other) noexcept {
  if (this != &other) {
    reset();
    key_ = std::exchange(other.key_, nullptr);
    version_ = std::exchange(other.version_, 0);
    id_ = std::move(other.id_);
    other.id_.clear();
  }
  return *this;
}

MasterKey::~MasterKey() { reset(); }

void MasterKey::reset() {
  if (key_ != nullptr) sodium_free(key_);  // sodium_free wipes the bytes before unmapping
  key_ = nullptr;
  version_ = 0;
  id_.clear();
}

ByteView MasterKey::key_bytes() const {
  return key_ == nullptr ? ByteView() : ByteView(key_, kKeyBytes);
}

}  // namespace charter::crypto
