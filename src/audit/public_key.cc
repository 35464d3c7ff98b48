#include "audit/public_key.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "core/id.h"
#include "crypto/encoding.h"

namespace charter::audit {
namespace {

// RFC 8410 section 4: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (32 bytes) }.
constexpr std::array<std::uint8_t, 12> kSpkiPrefix = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                                      0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
constexpr std::string_view kBegin = "-----BEGIN PUBLIC KEY-----";
constexpr std::string_view kEnd = "-----END PUBLIC KEY-----";

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string public_key_hex(const crypto::PublicKey& key) { return to_hex(key); }

std::string public_key_pem(const crypto::PublicKey& key) {
  crypto::Bytes der(kSpkiPrefix.begin(), kSpkiPrefix.end());
  der.insert(der.end(), key.begin(), key.end());
  std::string b64 = crypto::to_base64(der);
  std::string out(kBegin);
  out += '\n';
  for (std::size_t i = 0; i < b64.size(); i += 64) {
    out += b64.substr(i, 64);
    out += '\n';
  }
  out += kEnd;
  out += '\n';
  return out;
}

Result<crypto::PublicKey> parse_public_key(std::string_view text) {
  text = trim(text);
  crypto::PublicKey key{};
  if (text.size() == 64) {
    if (crypto::decode_hex_exact(text, key)) return key;
    return make_error(Errc::kInvalidArgument, "public key: expected 64 hex digits");
  }
  if (text.starts_with(kBegin) && text.ends_with(kEnd)) {
    std::string_view body = text.substr(kBegin.size(), text.size() - kBegin.size() - kEnd.size());
    std::string b64;
    for (char c : body)
      if (!std::isspace(static_cast<unsigned char>(c))) b64.push_back(c);
    auto der = crypto::from_base64(b64);
    if (der.ok() && der->size() == kSpkiPrefix.size() + key.size() &&
        std::equal(kSpkiPrefix.begin(), kSpkiPrefix.end(), der->begin())) {
      std::memcpy(key.data(), der->data() + kSpkiPrefix.size(), key.size());
      return key;
    }
    return make_error(Errc::kInvalidArgument,
                      "public key: expected an Ed25519 SubjectPublicKeyInfo (RFC 8410) in PEM");
  }
  return make_error(Errc::kInvalidArgument,
                    "public key: expected 64 hex digits or a PEM \"PUBLIC KEY\" block");
}

}  // namespace charter::audit
