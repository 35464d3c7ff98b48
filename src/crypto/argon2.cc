#include "crypto/argon2.h"

#include <sodium.h>

#include <charconv>

#include "core/id.h"
#include "crypto/encoding.h"
#include "crypto/sodium.h"

namespace charter::crypto {

static_assert(crypto_pwhash_argon2id_SALTBYTES == 16);

Argon2Limits Argon2Limits::moderate() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
}
Argon2Limits Argon2Limits::interactive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}
Argon2Limits Argon2Limits::minimum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

Status Argon2Limits::check() const {
  ensure_sodium();
  if (opslimit < crypto_pwhash_argon2id_opslimit_min() ||
      opslimit > crypto_pwhash_argon2id_opslimit_max()) {
    return make_error(Errc::kInvalidArgument,
                      "Argon2id opslimit must be between " +
                          std::to_string(crypto_pwhash_argon2id_opslimit_min()) + " and " +
                          std::to_string(crypto_pwhash_argon2id_opslimit_max()));
  }
  if (memlimit < crypto_pwhash_argon2id_memlimit_min() ||
      memlimit > crypto_pwhash_argon2id_memlimit_max()) {
    return make_error(Errc::kInvalidArgument,
                      "Argon2id memlimit must be between " +
                          std::to_string(crypto_pwhash_argon2id_memlimit_min()) + " and " +
                          std::to_string(crypto_pwhash_argon2id_memlimit_max()) + " bytes");
  }
  return ok_status();
}

PassphraseParams PassphraseParams::generate(Random& random, Argon2Limits limits) {
  PassphraseParams p;
  random.fill(p.salt);
  p.limits = limits;
  return p;
}

std::string PassphraseParams::encode() const {
  return "argon2id:t=" + std::to_string(limits.opslimit) + ":m=" + std::to_string(limits.memlimit) +
         ":s=" + to_hex(salt);
}

namespace {

template <typename T>
bool parse_number(std::string_view text, T& out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool take_field(std::string_view& rest, std::string_view key, std::string_view& value) {
  if (rest.substr(0, key.size()) != key) return false;
  rest.remove_prefix(key.size());
  auto colon = rest.find(':');
  value = rest.substr(0, colon);
  rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
  return true;
}

}  // namespace

Result<PassphraseParams> PassphraseParams::parse(std::string_view text) {
  const auto bad = [](const std::string& what) {
    return make_error(Errc::kInvalidArgument, "passphrase parameters: " + what +
                                                  " (expected argon2id:t=<ops>:m=<bytes>:s=<32 "
                                                  "hex>)");
  };
  constexpr std::string_view kPrefix = "argon2id:";
  if (text.substr(0, kPrefix.size()) != kPrefix) return bad("unknown algorithm");
  std::string_view rest = text.substr(kPrefix.size()), ops, mem, salt;
  if (!take_field(rest, "t=", ops)) return bad("missing t=");
  if (!take_field(rest, "m=", mem)) return bad("missing m=");
  if (!take_field(rest, "s=", salt)) return bad("missing s=");
  if (!rest.empty() || text.back() == ':') return bad("trailing text");
  PassphraseParams p;
  if (!parse_number(ops, p.limits.opslimit)) return bad("t is not a number");
  if (!parse_number(mem, p.limits.memlimit)) return bad("m is not a number");
  if (!decode_hex_exact(salt, p.salt)) return bad("salt must be 32 hex characters");
  CHARTER_TRY_STATUS(p.limits.check());
  return p;
}

Result<SecretKey> stretch_passphrase(std::string_view passphrase, const PassphraseParams& params) {
  ensure_sodium();
  if (passphrase.empty()) return make_error(Errc::kInvalidArgument, "passphrase is empty");
  CHARTER_TRY_STATUS(params.limits.check());
  std::array<std::uint8_t, kKeyBytes> raw{};
  if (crypto_pwhash(raw.data(), raw.size(), passphrase.data(), passphrase.size(),
                    params.salt.data(), params.limits.opslimit, params.limits.memlimit,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(
        Errc::kUnavailable,
        "Argon2id could not allocate " + std::to_string(params.limits.memlimit >> 20) + " MiB");
  }
  auto key = SecretKey::from_bytes(raw);
  sodium_memzero(raw.data(), raw.size());
  return key;
}

}  // namespace charter::crypto
