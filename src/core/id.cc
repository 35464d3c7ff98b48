#include "core/id.h"

#include <array>
#include <cstdint>

namespace charter {
namespace {
constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";  // Crockford, lower
constexpr std::size_t kIdChars = 26;                                        // 130 bits >= 128
}  // namespace

std::string new_id(Random& random, std::string_view prefix) {
  std::array<std::uint8_t, 16> raw{};
  random.fill(raw);
  std::string out(prefix);
  out.push_back('_');
  // Emit 5 bits at a time from the 128-bit value (last char carries 3 bits).
  unsigned acc = 0;
  int bits = 0;
  std::size_t emitted = 0;
  for (std::uint8_t b : raw) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(acc >> (bits - 5)) & 31]);
      bits -= 5;
      ++emitted;
    }
  }
  if (bits > 0) {
    out.push_back(kAlphabet[(acc << (5 - bits)) & 31]);
    ++emitted;
  }
  (void)emitted;
  return out;
}

bool is_valid_id(std::string_view id, std::string_view prefix) {
  if (id.size() != prefix.size() + 1 + kIdChars) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1))
    if (kAlphabet.find(c) == std::string_view::npos) return false;
  return true;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

}  // namespace charter
