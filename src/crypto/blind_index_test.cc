#include "crypto/blind_index.h"

#include <gtest/gtest.h>

#include <set>

#include "core/id.h"
#include "crypto/kdf.h"
#include "crypto/pseudonym.h"
#include "crypto/test_util.h"

namespace charter::crypto {
namespace {

using testing::counting_bytes;

SecretKey root_key(std::uint8_t start = 0) {
  return SecretKey::from_bytes(counting_bytes(32, start)).value();
}

TEST(BlindIndex, KnownAnswer) {
  // Reference computed independently (Python hashlib) from the documented construction.
  auto root = root_key();
  auto email = BlindIndexKey::derive(root, "email").value();
  auto phone = BlindIndexKey::derive(root, "phone").value();
  EXPECT_EQ(to_hex(email.compute("alice@example.com")), "a05d865b6f85601bc5bc4bb415a9fde0");
  EXPECT_EQ(to_hex(phone.compute("alice@example.com")), "575c09057048fc34f822ab991c5e7141");
  EXPECT_EQ(email.field(), "email");
}

TEST(BlindIndex, StableAndFieldSeparated) {
  auto root = root_key();
  auto email = BlindIndexKey::derive(root, "email").value();
  auto again = BlindIndexKey::derive(root, "email").value();
  auto phone = BlindIndexKey::derive(root, "phone").value();
  EXPECT_EQ(email.compute("+33612345678"), again.compute("+33612345678"));
  EXPECT_EQ(email.compute("+33612345678"), email.compute("+33612345678"));
  EXPECT_NE(email.compute("+33612345678"), phone.compute("+33612345678"));
  EXPECT_NE(email.compute("a@example.com"), email.compute("b@example.com"));
  // Another root key gives unrelated indexes.
  auto other = BlindIndexKey::derive(root_key(1), "email").value();
  EXPECT_NE(email.compute("a@example.com"), other.compute("a@example.com"));
  // Normalisation is the caller's: different spellings differ.
  EXPECT_NE(email.compute("a@example.com"), email.compute("A@example.com"));
}

TEST(BlindIndex, MovedKeyStillComputesAndEmptyFieldRefused) {
  auto root = root_key();
  auto email = BlindIndexKey::derive(root, "email").value();
  const BlindIndex before = email.compute("x");
  BlindIndexKey moved = std::move(email);
  EXPECT_EQ(moved.compute("x"), before);
  EXPECT_EQ(BlindIndexKey::derive(root, "").error().code, Errc::kInvalidArgument);
}

TEST(BlindIndex, NoCollisionsAmongManyValues) {
  auto key = BlindIndexKey::derive(root_key(), "email").value();
  std::set<BlindIndex> seen;
  for (int i = 0; i < 20000; ++i) {
    seen.insert(key.compute("user" + std::to_string(i) + "@example.com"));
  }
  EXPECT_EQ(seen.size(), 20000u);
}

TEST(Pseudonym, KnownAnswerStableAndKeyed) {
  auto key = root_key();
  // Reference: Crockford base32 of BLAKE2b-128(key, personal "charter-pseudo-1")[0..10).
  EXPECT_EQ(pseudonym(key, "sub_0123456789abcdefghjkmnpq"), "amhdcnw2sfj44672");
  EXPECT_EQ(pseudonym(key, "sub_1"), pseudonym(key, "sub_1"));
  EXPECT_NE(pseudonym(key, "sub_1"), pseudonym(key, "sub_2"));
  EXPECT_NE(pseudonym(key, "sub_1"), pseudonym(root_key(1), "sub_1"));
  EXPECT_EQ(pseudonym(key, "sub_1").size(), kPseudonymChars);
  EXPECT_EQ(pseudonym(key, "sub_1").find("sub_1"), std::string::npos);
}

}  // namespace
}  // namespace charter::crypto
