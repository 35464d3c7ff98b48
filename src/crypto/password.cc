#include "crypto/password.h"

#include <sodium.h>

#include <array>

#include "crypto/sodium.h"

namespace charter::crypto {
namespace {

constexpr std::size_t kHashBytes = 32;
constexpr int kArgon2Version = 0x13;  // Argon2 version 1.3, "v=19"

std::string base64_no_padding(const std::uint8_t* data, std::size_t size) {
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
  std::string out(sodium_base64_encoded_len(size, kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, kVariant);
  out.resize(out.size() - 1);
  return out;
}

}  // namespace

Result<std::string> hash_password(std::string_view password, const Argon2Limits& limits,
                                  Random& random) {
  ensure_sodium();
  if (password.empty()) return make_error(Errc::kInvalidArgument, "password is empty");
  if (password.size() > kMaxPasswordBytes) {
    return make_error(Errc::kInvalidArgument, "password is longer than 4096 bytes");
  }
  CHARTER_TRY_STATUS(limits.check());
  std::array<std::uint8_t, crypto_pwhash_argon2id_SALTBYTES> salt{};
  random.fill(salt);
  std::array<std::uint8_t, kHashBytes> hash{};
  if (crypto_pwhash(hash.data(), hash.size(), password.data(), password.size(), salt.data(),
                    limits.opslimit, limits.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(Errc::kUnavailable, "Argon2id could not allocate " +
                                              std::to_string(limits.memlimit >> 20) + " MiB");
  }
  std::string out =
      std::string(crypto_pwhash_argon2id_STRPREFIX) + "v=" + std::to_string(kArgon2Version) +
      "$m=" + std::to_string(limits.memlimit / 1024) + ",t=" + std::to_string(limits.opslimit) +
      ",p=1$" + base64_no_padding(salt.data(), salt.size()) + "$" +
      base64_no_padding(hash.data(), hash.size());
  sodium_memzero(hash.data(), hash.size());
  return out;
}

bool verify_password(std::string_view encoded_hash, std::string_view password) {
  ensure_sodium();
  if (encoded_hash.size() >= crypto_pwhash_STRBYTES || password.size() > kMaxPasswordBytes) {
    return false;
  }
  const std::string hash(encoded_hash);  // NUL-terminated
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool password_needs_rehash(std::string_view encoded_hash, const Argon2Limits& limits) {
  ensure_sodium();
  if (encoded_hash.size() >= crypto_pwhash_STRBYTES) return true;
  const std::string hash(encoded_hash);
  return crypto_pwhash_argon2id_str_needs_rehash(hash.c_str(), limits.opslimit, limits.memlimit) !=
         0;
}

}  // namespace charter::crypto
