#include "audit/signing_key_file.h"

#include <sys/stat.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/public_key.h"
#include "core/id.h"
#include "crypto/encoding.h"
#include "crypto/secret_file.h"

namespace charter::audit {

std::string signing_key_path(const std::string& dir) { return dir + "/audit-signing.key"; }
std::string public_key_path(const std::string& dir) { return dir + "/audit.pub"; }

namespace {

Result<crypto::SigningKey> read_signing_key(const std::string& path) {
  std::array<std::uint8_t, 80> buf{};
  CHARTER_TRY(std::size_t n, crypto::read_secret_file(path, buf));
  std::string_view text(reinterpret_cast<const char*>(buf.data()), n);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::array<std::uint8_t, 32> seed{};
  if (!crypto::decode_hex_exact(text, seed)) {
    buf.fill(0);
    return make_error(Errc::kFailedPrecondition,
                      path + ": expected 64 hex digits (an Ed25519 seed) and a newline");
  }
  auto key = crypto::SigningKey::from_seed(seed);
  seed.fill(0);
  buf.fill(0);
  return key;
}

}  // namespace

Result<crypto::SigningKey> load_or_create_signing_key(const std::string& dir, Random& random) {
  std::error_code ec;
  bool have_secret = std::filesystem::exists(signing_key_path(dir), ec);
  bool have_public = std::filesystem::exists(public_key_path(dir), ec);
  if (have_secret) {
    CHARTER_TRY(crypto::SigningKey key, read_signing_key(signing_key_path(dir)));
    if (have_public) {
      CHARTER_TRY(crypto::PublicKey pub, load_public_key_file(public_key_path(dir)));
      if (pub != key.public_key()) {
        return make_error(Errc::kFailedPrecondition,
                          public_key_path(dir) + " does not match " + signing_key_path(dir));
      }
    }
    return key;
  }
  if (have_public) {
    return make_error(Errc::kFailedPrecondition,
                      public_key_path(dir) + " exists without " + signing_key_path(dir) +
                          ": the audit signing key is missing; restore it from backup");
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(Errc::kUnavailable, "cannot create key folder " + dir);
  ::chmod(dir.c_str(), 0700);
  crypto::SigningKey key = crypto::SigningKey::generate(random);
  crypto::Bytes seed = key.seed();
  std::string hex = to_hex(seed) + "\n";
  std::fill(seed.begin(), seed.end(), 0);
  Status written = crypto::write_secret_file(signing_key_path(dir), crypto::as_bytes(hex));
  std::fill(hex.begin(), hex.end(), '\0');
  CHARTER_TRY_STATUS(written);
  std::ofstream pub(public_key_path(dir));
  pub << public_key_pem(key.public_key());
  if (!pub) return make_error(Errc::kUnavailable, "cannot write " + public_key_path(dir));
  return key;
}

Result<crypto::PublicKey> load_public_key_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(Errc::kNotFound, "cannot read public key file " + path);
  std::stringstream s;
  s << in.rdbuf();
  return parse_public_key(s.str());
}

}  // namespace charter::audit
