#include "crypto/encoding.h"

#include <sodium.h>

#include "crypto/sodium.h"

namespace charter::crypto {

Result<Bytes> from_hex(std::string_view hex) {
  ensure_sodium();
  if (hex.size() % 2 != 0) {
    return make_error(Errc::kInvalidArgument, "hex: odd number of characters");
  }
  Bytes out(hex.size() / 2);
  if (!decode_hex_exact(hex, out)) {
    return make_error(Errc::kInvalidArgument, "hex: invalid character");
  }
  return out;
}

bool decode_hex_exact(std::string_view hex, std::span<std::uint8_t> out) {
  ensure_sodium();
  if (out.empty()) return hex.empty();  // libsodium must not be handed a null buffer
  std::size_t written = 0;
  const char* end = nullptr;
  if (hex.size() != out.size() * 2 ||
      sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &written, &end) !=
          0 ||
      written != out.size() || end != hex.data() + hex.size()) {
    sodium_memzero(out.data(), out.size());
    return false;
  }
  return true;
}

namespace {

// One libsodium base64 variant each way; `what` names the encoding in the error.
std::string encode64(ByteView bytes, int variant) {
  ensure_sodium();
  std::string out(sodium_base64_encoded_len(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
  out.resize(out.size() - 1);  // the encoded length counts the terminating NUL
  return out;
}

Result<Bytes> decode64(std::string_view text, int variant, const char* what) {
  ensure_sodium();
  Bytes out(text.size() * 3 / 4 + 1);
  std::size_t written = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &written, &end,
                        variant) != 0 ||
      end != text.data() + text.size()) {
    return make_error(Errc::kInvalidArgument, std::string(what) + ": invalid encoding");
  }
  out.resize(written);
  return out;
}

}  // namespace

std::string to_base64url(ByteView bytes) {
  return encode64(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

Result<Bytes> from_base64url(std::string_view text) {
  return decode64(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING, "base64url");
}

std::string to_base64(ByteView bytes) { return encode64(bytes, sodium_base64_VARIANT_ORIGINAL); }

Result<Bytes> from_base64(std::string_view text) {
  return decode64(text,
                  text.size() % 4 == 0 ? sodium_base64_VARIANT_ORIGINAL
                                       : sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                  "base64");
}

std::string to_base32(ByteView bytes) {
  static constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

}  // namespace charter::crypto
