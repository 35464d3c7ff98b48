#include "crypto/sign.h"

#include <gtest/gtest.h>

namespace charter::crypto {
namespace {

TEST(Ed25519, SignVerifyAndTamper) {
  SeededRandom rnd(1);
  auto key = SigningKey::generate(rnd);
  auto sig = key.sign(as_bytes("tree head 42"));
  EXPECT_TRUE(verify(key.public_key(), as_bytes("tree head 42"), sig));
  EXPECT_FALSE(verify(key.public_key(), as_bytes("tree head 43"), sig));
  auto bad = sig;
  bad[10] ^= 1;
  EXPECT_FALSE(verify(key.public_key(), as_bytes("tree head 42"), bad));
}

TEST(Ed25519, SeedRoundTrip) {
  SeededRandom rnd(2);
  auto key = SigningKey::generate(rnd);
  auto again = SigningKey::from_seed(key.seed());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key(), key.public_key());
  EXPECT_FALSE(SigningKey::from_seed(Bytes(31)).ok());
}

// RFC 8032 test 1: empty message.
TEST(Ed25519, Rfc8032Vector) {
  Bytes seed = {0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60, 0xba, 0x84, 0x4a,
                0xf4, 0x92, 0xec, 0x2c, 0xc4, 0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32,
                0x69, 0x19, 0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60};
  auto key = SigningKey::from_seed(seed);
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->public_key()[0], 0xd7);
  EXPECT_EQ(key->public_key()[31], 0x1a);
  auto sig = key->sign(ByteView());
  EXPECT_EQ(sig[0], 0xe5);
  EXPECT_EQ(sig[63], 0x0b);
}

}  // namespace
}  // namespace charter::crypto
