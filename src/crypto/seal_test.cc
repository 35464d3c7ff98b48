#include "crypto/seal.h"

#include <gtest/gtest.h>

#include "core/id.h"
#include "crypto/ad.h"
#include "crypto/test_util.h"

namespace charter::crypto {
namespace {

using testing::bytes_of_hex;
using testing::counting_bytes;
using testing::FixedRandom;

SecretKey test_key(std::uint8_t start = 0) {
  return SecretKey::from_bytes(counting_bytes(32, start)).value();
}

TEST(Seal, RoundTrip) {
  SeededRandom rnd(1);
  auto key = test_key();
  const Bytes ad = value_ad("sub_1", "email", 1);
  for (std::size_t n : {0, 1, 15, 16, 64, 1000}) {
    Bytes plain = counting_bytes(n, 3);
    Bytes sealed = seal(key, plain, ad, rnd);
    EXPECT_EQ(sealed.size(), n + kSealOverhead);
    EXPECT_EQ(sealed[0], kSealedFormatV1);
    auto opened = open(key, sealed, ad);
    ASSERT_TRUE(opened.ok()) << opened.error().to_string();
    EXPECT_EQ(*opened, plain);
  }
}

TEST(Seal, FreshNonceEachTime) {
  SeededRandom rnd(2);
  auto key = test_key();
  const Bytes ad = value_ad("sub_1", "email", 1);
  EXPECT_NE(seal(key, as_bytes("same"), ad, rnd), seal(key, as_bytes("same"), ad, rnd));
}

// draft-irtf-cfrg-xchacha-03, appendix A.3.1 (AEAD_XChaCha20_Poly1305).
TEST(Seal, XChaCha20Poly1305KnownAnswer) {
  const std::string plaintext =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
      "future, sunscreen would be it.";
  const Bytes ad = bytes_of_hex("50515253c0c1c2c3c4c5c6c7");
  auto key = test_key(0x80);
  FixedRandom nonce(counting_bytes(24, 0x40));
  Bytes sealed = seal(key, as_bytes(plaintext), ad, nonce);
  const std::string expected_ct =
      "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f"
      "4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f"
      "76b2383565d3fff921f9664c97637da9768812f615c68b13b52e";
  const std::string expected_tag = "c0875924c1c7987947deafd8780acf49";
  EXPECT_EQ(to_hex(sealed), "01" + to_hex(counting_bytes(24, 0x40)) + expected_ct + expected_tag);
  auto opened = open(key, sealed, ad);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(as_chars(*opened), plaintext);
}

class SealBinding : public ::testing::Test {
 protected:
  SeededRandom rnd_{3};
  SecretKey key_ = test_key();
  const std::string secret_ = "alice@example.com";
  Bytes sealed_ = seal(key_, as_bytes(secret_), value_ad("sub_1", "email", 1, "row_1"), rnd_);

  void expect_integrity_failure(const SecretKey& key, ByteView sealed, ByteView ad) {
    auto r = open(key, sealed, ad);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kIntegrity);
    EXPECT_EQ(r.error().message.find(secret_), std::string::npos);
    if (!sealed.empty()) {
      EXPECT_EQ(r.error().message.find(to_hex(sealed)), std::string::npos);
    }
  }
};

TEST_F(SealBinding, OpensOnlyWhereItWasSealed) {
  EXPECT_TRUE(open(key_, sealed_, value_ad("sub_1", "email", 1, "row_1")).ok());
  expect_integrity_failure(key_, sealed_, value_ad("sub_2", "email", 1, "row_1"));  // subject
  expect_integrity_failure(key_, sealed_, value_ad("sub_1", "phone", 1, "row_1"));  // field
  expect_integrity_failure(key_, sealed_, value_ad("sub_1", "email", 1, "row_2"));  // row
  expect_integrity_failure(key_, sealed_, value_ad("sub_1", "email", 2, "row_1"));  // version
  expect_integrity_failure(key_, sealed_, value_ad("sub_1", "email", 1));           // no row
  expect_integrity_failure(test_key(1), sealed_, value_ad("sub_1", "email", 1, "row_1"));
}

TEST_F(SealBinding, EverySingleBitFlipFails) {
  const Bytes ad = value_ad("sub_1", "email", 1, "row_1");
  for (std::size_t i = 0; i < sealed_.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes tampered = sealed_;
      tampered[i] ^= static_cast<std::uint8_t>(1u << bit);
      auto r = open(key_, tampered, ad);
      ASSERT_FALSE(r.ok()) << "byte " << i << " bit " << bit;
      EXPECT_EQ(r.error().code, Errc::kIntegrity);
    }
  }
}

TEST_F(SealBinding, TruncatedOrExtendedInputFailsCleanly) {
  const Bytes ad = value_ad("sub_1", "email", 1, "row_1");
  for (std::size_t n = 0; n < sealed_.size(); ++n) {
    expect_integrity_failure(key_, ByteView(sealed_.data(), n), ad);
  }
  Bytes longer = sealed_;
  longer.push_back(0);
  expect_integrity_failure(key_, longer, ad);
}

}  // namespace
}  // namespace charter::crypto
