#include "drp/signed_body.h"

#include <algorithm>
#include <cstring>

#include "crypto/encoding.h"

namespace charter::drp {
namespace {

bool space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The deepest nesting of arrays and objects outside strings (stops counting past `limit`).
int nesting(std::string_view text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) return deepest;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

}  // namespace

Result<SignedBody> decode_signed_body(std::string_view text) {
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  if (text.empty()) {
    return make_error(Errc::kInvalidArgument,
                      "body: empty; a signed message (base64 of signature and JSON) is required");
  }
  if (text.size() > kMaxSignedBody) {
    return make_error(Errc::kInvalidArgument, "body: longer than 65536 characters");
  }
  auto bytes = crypto::from_base64(text);
  if (!bytes) {
    return make_error(Errc::kInvalidArgument,
                      "body: not base64 (standard alphabet) of a signed message");
  }
  constexpr std::size_t kSig = std::tuple_size_v<crypto::Signature>;
  if (bytes->size() < kSig + 2) {
    return make_error(
        Errc::kInvalidArgument,
        "body: too short for a 64-byte Ed25519 signature followed by a JSON document");
  }
  SignedBody out;
  std::memcpy(out.signature.data(), bytes->data(), kSig);
  out.message.assign(reinterpret_cast<const char*>(bytes->data()) + kSig, bytes->size() - kSig);
  return out;
}

bool verify_signed_body(const SignedBody& body, const crypto::PublicKey& key) {
  return crypto::verify(key, crypto::as_bytes(body.message), body.signature);
}

Result<nlohmann::json> parse_claims(std::string_view message) {
  if (nesting(message, kMaxClaimsDepth) > kMaxClaimsDepth) {
    return make_error(Errc::kInvalidArgument, "signed message: JSON nested deeper than 16 levels");
  }
  auto j = nlohmann::json::parse(message.begin(), message.end(), nullptr, false);
  if (j.is_discarded()) {
    return make_error(Errc::kInvalidArgument, "signed message: not valid JSON");
  }
  if (!j.is_object()) {
    return make_error(Errc::kInvalidArgument, "signed message: a JSON object is required");
  }
  return j;
}

std::string encode_signed_body(const crypto::SigningKey& key, std::string_view message) {
  const crypto::Signature sig = key.sign(crypto::as_bytes(message));
  std::string combined(reinterpret_cast<const char*>(sig.data()), sig.size());
  combined.append(message);
  return crypto::to_base64(crypto::as_bytes(combined));
}

}  // namespace charter::drp
