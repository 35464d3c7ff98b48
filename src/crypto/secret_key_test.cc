#include "crypto/secret_key.h"

#include <gtest/gtest.h>

#include "core/id.h"
#include "crypto/encoding.h"
#include "crypto/kdf.h"
#include "crypto/test_util.h"

namespace charter::crypto {
namespace {

using testing::counting_bytes;

TEST(SecretKey, GenerateIsDeterministicWithSeededRandom) {
  SeededRandom a(7), b(7), c(8);
  EXPECT_TRUE(SecretKey::generate(a).equals(SecretKey::generate(b)));
  SeededRandom d(7);
  EXPECT_FALSE(SecretKey::generate(d).equals(SecretKey::generate(c)));
}

TEST(SecretKey, FromBytesChecksSize) {
  EXPECT_TRUE(SecretKey::from_bytes(counting_bytes(32)).ok());
  auto short_key = SecretKey::from_bytes(counting_bytes(31));
  ASSERT_FALSE(short_key.ok());
  EXPECT_EQ(short_key.error().code, Errc::kInvalidArgument);
  EXPECT_FALSE(SecretKey::from_bytes(counting_bytes(33)).ok());
  EXPECT_FALSE(SecretKey::from_bytes(ByteView()).ok());
}

TEST(SecretKey, MoveWipesTheSource) {
  auto key = SecretKey::from_bytes(counting_bytes(32, 1)).value();
  SecretKey moved = std::move(key);
  EXPECT_EQ(Bytes(moved.bytes().begin(), moved.bytes().end()), counting_bytes(32, 1));
  for (auto b : key.bytes())
    EXPECT_EQ(b, 0);  // NOLINT(bugprone-use-after-move): checked on purpose
  auto other = SecretKey::from_bytes(counting_bytes(32, 9)).value();
  other = std::move(moved);
  EXPECT_EQ(Bytes(other.bytes().begin(), other.bytes().end()), counting_bytes(32, 1));
  for (auto b : moved.bytes()) EXPECT_EQ(b, 0);  // NOLINT(bugprone-use-after-move)
}

TEST(SecretKey, CloneIsEqualAndIndependent) {
  SeededRandom rnd(1);
  auto key = SecretKey::generate(rnd);
  auto copy = key.clone();
  EXPECT_TRUE(copy.equals(key));
}

TEST(Kdf, MatchesBlake2bConstruction) {
  // Reference computed independently (Python hashlib): BLAKE2b(key=root, outlen=32,
  // salt=LE64(id)||0^8, personal=context||0^8) over the empty message.
  auto root = SecretKey::from_bytes(counting_bytes(32)).value();
  auto sub = derive_subkey(root, kKdfContextToken, 7);
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(to_hex(sub->bytes()),
            "7d836ea7bd29cc13b0e1a8a02245babd254d6c2fa16691ca473571f2207e25a9");
}

TEST(Kdf, ContextsAndIdsSeparateKeys) {
  auto root = SecretKey::from_bytes(counting_bytes(32)).value();
  auto a = derive_subkey(root, kKdfContextBlindIndex, 1).value();
  auto b = derive_subkey(root, kKdfContextBlindIndex, 2).value();
  auto c = derive_subkey(root, kKdfContextPseudonym, 1).value();
  auto a2 = derive_subkey(root, kKdfContextBlindIndex, 1).value();
  EXPECT_TRUE(a.equals(a2));
  EXPECT_FALSE(a.equals(b));
  EXPECT_FALSE(a.equals(c));
  EXPECT_FALSE(a.equals(root));
}

TEST(Kdf, ContextMustBeEightCharacters) {
  auto root = SecretKey::from_bytes(counting_bytes(32)).value();
  EXPECT_EQ(derive_subkey(root, "short", 1).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(derive_subkey(root, "ninechars", 1).error().code, Errc::kInvalidArgument);
}

TEST(Encoding, HexRoundTripAndStrictness) {
  auto bytes = from_hex("00ff10Ab");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, (Bytes{0x00, 0xff, 0x10, 0xab}));
  EXPECT_FALSE(from_hex("abc").ok());
  EXPECT_FALSE(from_hex("zz").ok());
  EXPECT_FALSE(from_hex("ab cd").ok());
  std::array<std::uint8_t, 2> out{};
  EXPECT_TRUE(decode_hex_exact("beef", out));
  EXPECT_FALSE(decode_hex_exact("beefbe", out));
  EXPECT_FALSE(decode_hex_exact("be:f", out));
  EXPECT_EQ(out[0], 0);  // zeroed on failure
}

TEST(Encoding, Base64UrlRoundTrip) {
  for (std::size_t n = 0; n < 40; ++n) {
    Bytes in = counting_bytes(n, 250);
    auto back = from_base64url(to_base64url(in));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, in);
  }
  EXPECT_EQ(to_base64url(as_bytes("\xfb\xff")), "-_8");
  EXPECT_FALSE(from_base64url("a+b/").ok());
  EXPECT_FALSE(from_base64url("YQ==").ok());
  EXPECT_FALSE(from_base64url("Y").ok());
}

TEST(Encoding, Base32Crockford) {
  EXPECT_EQ(to_base32(ByteView()), "");
  EXPECT_EQ(to_base32(Bytes{0x00}), "00");
  EXPECT_EQ(to_base32(Bytes{0xff}), "zw");
  EXPECT_EQ(to_base32(Bytes{0xff, 0xff, 0xff, 0xff, 0xff}), "zzzzzzzz");
  EXPECT_EQ(to_base32(Bytes(10, 0)).size(), 16u);
}

}  // namespace
}  // namespace charter::crypto
