// A Data Rights Protocol signed body (DRP 3.07.1, docs/DRP.md): the base64 (standard alphabet,
// padded or not) of a 64-byte Ed25519 signature immediately followed by the signed JSON document
// ("combined mode" of libsodium's crypto_sign), sent as text/plain.
//
// Contract: decode_signed_body() trims ASCII whitespace at both ends (a final newline is common),
// then decodes; errors (kInvalidArgument) say "not base64" or "too short" without echoing the
// input. verify_signed_body() checks the signature over the message bytes exactly as received.
// parse_claims() parses the message as one JSON object, at most kMaxClaimsDepth levels deep;
// errors name what is wrong, never the content. Pure functions, thread safe; fuzzed by
// fuzz/drp_body_fuzz.cc.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

#include "core/result.h"
#include "crypto/sign.h"

namespace charter::drp {

inline constexpr std::size_t kMaxSignedBody = 64 * 1024;  // characters of base64
inline constexpr int kMaxClaimsDepth = 16;

struct SignedBody {
  crypto::Signature signature{};
  std::string message;  // the signed bytes (a JSON document, not yet parsed)
};

Result<SignedBody> decode_signed_body(std::string_view text);
bool verify_signed_body(const SignedBody& body, const crypto::PublicKey& key);
Result<nlohmann::json> parse_claims(std::string_view message);

// The signed body of `message` under `key` (test clients, fuzz seeds): base64 of
// signature || message.
std::string encode_signed_body(const crypto::SigningKey& key, std::string_view message);

}  // namespace charter::drp
