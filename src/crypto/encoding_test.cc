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
}  // namespace
}  // namespace charter::crypto
