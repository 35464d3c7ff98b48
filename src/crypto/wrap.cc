#include "crypto/wrap.h"

#include <sodium.h>

#include <algorithm>
#include <array>

#include "crypto/sodium.h"

namespace charter::crypto {
namespace {

constexpr std::size_t kHeaderBytes = 5;
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
static_assert(kWrappedKeyBytes ==
              kHeaderBytes + kNonceBytes + kKeyBytes + crypto_aead_xchacha20poly1305_ietf_ABYTES);

Bytes aead_ad(ByteView header, ByteView ad) {
  Bytes out(header.size() + ad.size());
  std::copy(header.begin(), header.end(), out.begin());
  std::copy(ad.begin(), ad.end(), out.begin() + static_cast<std::ptrdiff_t>(header.size()));
  return out;
}

Status check_master(const MasterKey& master) {
  if (master.empty()) return make_error(Errc::kInvalidArgument, "master key is empty");
  return ok_status();
}

}  // namespace

Result<WrappedKey> wrap(const MasterKey& master, const SecretKey& key, ByteView ad,
                        Random& random) {
  ensure_sodium();
  CHARTER_TRY_STATUS(check_master(master));
  WrappedKey out(kWrappedKeyBytes);
  const std::uint32_t v = master.version();
  out[0] = kWrappedFormatV1;
  out[1] = static_cast<std::uint8_t>(v >> 24);
  out[2] = static_cast<std::uint8_t>(v >> 16);
  out[3] = static_cast<std::uint8_t>(v >> 8);
  out[4] = static_cast<std::uint8_t>(v);
  std::uint8_t* nonce = out.data() + kHeaderBytes;
  random.fill(std::span<std::uint8_t>(nonce, kNonceBytes));
  const Bytes full_ad = aead_ad(ByteView(out.data(), kHeaderBytes), ad);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, &written, key.bytes().data(),
                                             kKeyBytes, full_ad.data(), full_ad.size(), nullptr,
                                             nonce, master.key_bytes().data());
  return out;
}

Result<std::uint32_t> wrapped_master_version(ByteView wrapped) {
  if (wrapped.size() != kWrappedKeyBytes || wrapped[0] != kWrappedFormatV1) {
    return make_error(Errc::kIntegrity, "wrapped key is malformed");
  }
  return (std::uint32_t{wrapped[1]} << 24) | (std::uint32_t{wrapped[2]} << 16) |
         (std::uint32_t{wrapped[3]} << 8) | std::uint32_t{wrapped[4]};
}

Result<SecretKey> unwrap(const MasterKey& master, ByteView wrapped, ByteView ad) {
  ensure_sodium();
  CHARTER_TRY_STATUS(check_master(master));
  CHARTER_TRY(std::uint32_t version, wrapped_master_version(wrapped));
  if (version != master.version()) {
    return make_error(Errc::kFailedPrecondition, "wrapped key needs master key version " +
                                                     std::to_string(version) + ", not version " +
                                                     std::to_string(master.version()));
  }
  const Bytes full_ad = aead_ad(wrapped.subspan(0, kHeaderBytes), ad);
  const std::uint8_t* nonce = wrapped.data() + kHeaderBytes;
  std::array<std::uint8_t, kKeyBytes> raw{};
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(raw.data(), &written, nullptr, nonce + kNonceBytes,
                                                 wrapped.size() - kHeaderBytes - kNonceBytes,
                                                 full_ad.data(), full_ad.size(), nonce,
                                                 master.key_bytes().data()) != 0) {
    return make_error(Errc::kIntegrity,
                      "wrapped key failed authentication (wrong master key, moved, or altered)");
  }
  auto key = SecretKey::from_bytes(raw);
  sodium_memzero(raw.data(), raw.size());
  return key;
}

Result<WrappedKey> rewrap(const MasterKey& from, const MasterKey& to, ByteView wrapped, ByteView ad,
                          Random& random) {
  CHARTER_TRY(SecretKey key, unwrap(from, wrapped, ad));
  return wrap(to, key, ad, random);
}

}  // namespace charter::crypto
