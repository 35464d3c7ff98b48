// Export and import of the audit log's Ed25519 public key, so anyone can check tree heads.
//
// Two text forms:
//   - hex: 64 lower-case hex digits of the raw 32-byte key;
//   - PEM: "-----BEGIN PUBLIC KEY-----" with the RFC 8410 SubjectPublicKeyInfo (DER prefix
//     302a300506032b6570032100 then the key), base64 in lines of 64; OpenSSL reads it
//     (`openssl pkey -pubin -in audit.pub -text`).
//
// Contract: pure functions, thread safe. parse_public_key accepts either form (surrounding
// whitespace ignored); errors: kInvalidArgument saying which form was expected.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "crypto/sign.h"

namespace charter::audit {

std::string public_key_hex(const crypto::PublicKey& key);
std::string public_key_pem(const crypto::PublicKey& key);
Result<crypto::PublicKey> parse_public_key(std::string_view text);

}  // namespace charter::audit
