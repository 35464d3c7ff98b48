#include "crypto/mac.h"

#include <gtest/gtest.h>

#include "core/id.h"
#include "crypto/test_util.h"
#include "crypto/token.h"

namespace charter::crypto {
namespace {

using testing::counting_bytes;

// HMAC pads keys shorter than the 64-byte block with zeros, so an RFC 4231 key of up to 32
// bytes followed by zeros is the same HMAC key.
SecretKey padded_key(Bytes short_key) {
  short_key.resize(32, 0);
  return SecretKey::from_bytes(short_key).value();
}

TEST(HmacSha256, Rfc4231Vectors) {
  auto tc1 = padded_key(Bytes(20, 0x0b));
  EXPECT_EQ(to_hex(mac(tc1, as_bytes("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  auto tc2 = padded_key(Bytes{'J', 'e', 'f', 'e'});
  EXPECT_EQ(to_hex(mac(tc2, as_bytes("what do ya want for nothing?"))),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, VerifyRejectsAnyChange) {
  auto key = SecretKey::from_bytes(counting_bytes(32)).value();
  const MacTag tag = mac(key, as_bytes("message"));
  EXPECT_TRUE(mac_verify(key, as_bytes("message"), tag));
  EXPECT_FALSE(mac_verify(key, as_bytes("messagE"), tag));
  EXPECT_FALSE(
      mac_verify(SecretKey::from_bytes(counting_bytes(32, 1)).value(), as_bytes("message"), tag));
  for (std::size_t i = 0; i < tag.size(); ++i) {
    MacTag t = tag;
    t[i] ^= 0x80;
    EXPECT_FALSE(mac_verify(key, as_bytes("message"), t));
  }
  EXPECT_FALSE(mac_verify(key, as_bytes("message"), ByteView(tag.data(), 16)));
  EXPECT_FALSE(mac_verify(key, as_bytes("message"), ByteView()));
}

class Token : public ::testing::Test {
 protected:
  SecretKey key_ = SecretKey::from_bytes(counting_bytes(32)).value();
  Timestamp t0_ = from_unix_micros(1'800'000'000'000'000);
  Timestamp expires_ = t0_ + std::chrono::hours(24 * 30);
};

TEST_F(Token, RoundTripUntilExpiry) {
  const std::string token = make_token(key_, "unsubscribe", "sub_1|prospecting", expires_);
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
      std::string::npos);
  auto payload = check_token(key_, "unsubscribe", token, t0_);
  ASSERT_TRUE(payload.ok()) << payload.error().to_string();
  EXPECT_EQ(*payload, "sub_1|prospecting");
  EXPECT_TRUE(check_token(key_, "unsubscribe", token, expires_ - std::chrono::seconds(1)).ok());
  auto expired = check_token(key_, "unsubscribe", token, expires_);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().code, Errc::kUnauthenticated);
  EXPECT_EQ(expired.error().message, "token expired");
}

TEST_F(Token, RefusesOtherPurposeKeyOrAnyChange) {
  const std::string token = make_token(key_, "unsubscribe", "sub_1", expires_);
  EXPECT_EQ(check_token(key_, "verify-email", token, t0_).error().message, "invalid token");
  EXPECT_FALSE(
      check_token(SecretKey::from_bytes(counting_bytes(32, 1)).value(), "unsubscribe", token, t0_)
          .ok());
  for (std::size_t i = 0; i < token.size(); ++i) {
    std::string t = token;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    auto r = check_token(key_, "unsubscribe", t, t0_);
    EXPECT_FALSE(r.ok()) << i;
    if (!r.ok()) {
      EXPECT_EQ(r.error().message.find(t), std::string::npos);
    }
  }
  // A later expiry cannot be forged, even on an expired token.
  const std::string later = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(expires_.time_since_epoch()).count() + 1);
  auto dot1 = token.find('.'), dot2 = token.rfind('.');
  std::string forged = token.substr(0, dot1 + 1) + later + token.substr(dot2);
  EXPECT_EQ(check_token(key_, "unsubscribe", forged, t0_).error().message, "invalid token");
  for (const std::string& bad : std::vector<std::string>{
           std::string(), std::string("."), "..", "a.b", "a.1.b.c", "YQ.x.AA", token + "."}) {
    EXPECT_FALSE(check_token(key_, "unsubscribe", bad, t0_).ok()) << bad;
  }
}

}  // namespace
}  // namespace charter::crypto
