#include "crypto/encoding.h"

#include <gtest/gtest.h>

namespace charter::crypto {
namespace {
TEST(Encoding, EmptyHexIsEmptyBytes) {
  auto empty = from_hex("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(Encoding, StandardBase64WithAndWithoutPadding) {
  const Bytes data{0xfb, 0xff, 0x00, 0x41};
  EXPECT_EQ(to_base64(data), "+/8AQQ==");
  ASSERT_TRUE(from_base64("+/8AQQ==").ok());
  EXPECT_EQ(*from_base64("+/8AQQ=="), data);
  ASSERT_TRUE(from_base64("+/8AQQ").ok());
  EXPECT_EQ(*from_base64("+/8AQQ"), data);
  EXPECT_FALSE(from_base64("-_8AQQ==").ok());  // the URL-safe alphabet is another encoding
  EXPECT_FALSE(from_base64("+/8AQQ==\n").ok());
  EXPECT_FALSE(from_base64("+/8A Q").ok());
}

TEST(Encoding, StandardBase64RoundTripsAndRejectsBadText) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    const std::string enc = to_base64(as_bytes(s));
    auto dec = from_base64(enc);
    ASSERT_TRUE(dec.ok()) << enc;
    EXPECT_EQ(std::string(as_chars(*dec)), s);
  }
  EXPECT_EQ(to_base64(as_bytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(to_base64(as_bytes("fo")), "Zm8=");
  for (const char* bad : {"Zm=8", "Z===", "Zm9=Zm8=", "Zm9!", "Z"}) {
    auto r = from_base64(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().message.find(bad), std::string::npos);  // never echoed
    }
  }
}
}  // namespace
}  // namespace charter::crypto
