#include "crypto/key_source.h"

#include <sodium.h>

#include <array>
#include <cstdlib>

#include "crypto/encoding.h"
#include "crypto/secret_file.h"
#include "crypto/sodium.h"

namespace charter::crypto {
namespace {

constexpr std::size_t kHexChars = 2 * kKeyBytes;
constexpr std::string_view kFormat = "64 hexadecimal characters and an optional newline";

// A stack buffer wiped on scope exit.
template <std::size_t N>
struct WipedBuffer {
  std::array<std::uint8_t, N> data{};
  ~WipedBuffer() { sodium_memzero(data.data(), data.size()); }
};

}  // namespace

Result<MasterKey> parse_key_text(std::string_view text, std::uint32_t version,
                                 std::string_view what) {
  if (text.size() == kHexChars + 1 && text.back() == '\n') text.remove_suffix(1);
  std::array<std::uint8_t, kKeyBytes> raw{};
  if (text.size() != kHexChars || !decode_hex_exact(text, raw)) {
    return make_error(Errc::kInvalidArgument, std::string(what) + ": not a master key (expected " +
                                                  std::string(kFormat) + ")");
  }
  auto key = MasterKey::from_bytes(version, raw);
  sodium_memzero(raw.data(), raw.size());
  return key;
}

Result<MasterKey> load_key_file(const std::string& path, std::uint32_t version) {
  const std::string what = "master key file " + path;
  WipedBuffer<kHexChars + 1> buf;
  auto size = read_secret_file(path, buf.data);
  if (!size.ok()) {
    Error e = std::move(size).error();
    if (e.code == Errc::kInvalidArgument) {
      e.message = what + " is too long: expected " + std::string(kFormat);
    } else {
      e.message = "master key file " + e.message;
    }
    return e;
  }
  return parse_key_text(as_chars(ByteView(buf.data.data(), *size)), version, what);
}

Result<MasterKey> create_key_file(const std::string& path, std::uint32_t version, Random& random) {
  CHARTER_TRY(MasterKey key, MasterKey::generate(version, random));
  ensure_sodium();
  WipedBuffer<kHexChars + 1> text;  // sodium_bin2hex writes a terminating NUL, replaced by '\n'
  sodium_bin2hex(reinterpret_cast<char*>(text.data.data()), text.data.size(),
                 key.key_bytes().data(), kKeyBytes);
  text.data[kHexChars] = '\n';
  Status written = write_secret_file(path, text.data);
  if (!written.ok()) {
    Error e = std::move(written).error();
    e.message = "master key file " + e.message;
    return e;
  }
  return key;
}

Result<MasterKey> load_key_env(const std::string& name, std::uint32_t version) {
  const std::string what = "environment variable " + name;
  if (name.empty()) return make_error(Errc::kInvalidArgument, "no environment variable named");
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return make_error(Errc::kNotFound, what + " is not set");
  return parse_key_text(value, version, what);
}

}  // namespace charter::crypto
