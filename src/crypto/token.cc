#include "crypto/token.h"

#include <charconv>
#include <chrono>

#include "crypto/ad.h"
#include "crypto/encoding.h"
#include "crypto/mac.h"

namespace charter::crypto {
namespace {

constexpr std::size_t kMaxTokenChars = 4096;

Bytes token_message(std::string_view purpose, std::string_view payload, std::string_view expiry) {
  return canonical_ad({"charter/token/v1", purpose, payload, expiry});
}

std::int64_t unix_seconds(Timestamp t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string make_token(const SecretKey& key, std::string_view purpose, std::string_view payload,
                       Timestamp expires) {
  const std::string expiry = std::to_string(unix_seconds(expires));
  const MacTag tag = mac(key, token_message(purpose, payload, expiry));
  return to_base64url(as_bytes(payload)) + "." + expiry + "." + to_base64url(tag);
}

Result<std::string> check_token(const SecretKey& key, std::string_view purpose,
                                std::string_view token, Timestamp now) {
  const Error invalid = make_error(Errc::kUnauthenticated, "invalid token");
  if (token.size() > kMaxTokenChars) return invalid;
  const auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return invalid;
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return invalid;
  const std::string_view payload_text = token.substr(0, dot1);
  const std::string_view expiry = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view tag_text = token.substr(dot2 + 1);
  std::int64_t expiry_seconds = 0;
  auto [end, ec] = std::from_chars(expiry.data(), expiry.data() + expiry.size(), expiry_seconds);
  if (expiry.empty() || ec != std::errc() || end != expiry.data() + expiry.size()) return invalid;
  auto payload = from_base64url(payload_text);
  auto tag = from_base64url(tag_text);
  if (!payload.ok() || !tag.ok()) return invalid;
  const std::string_view payload_chars = as_chars(*payload);
  if (!mac_verify(key, token_message(purpose, payload_chars, expiry), *tag)) {
    return invalid;
  }
  if (unix_seconds(now) >= expiry_seconds) {
    return make_error(Errc::kUnauthenticated, "token expired");
  }
  return std::string(payload_chars);
}

}  // namespace charter::crypto
