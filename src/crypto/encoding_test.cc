#include "crypto/encoding.h"

#include <gtest/gtest.h>

namespace charter::crypto {
namespace {
TEST(Encoding, EmptyHexIsEmptyBytes) {
  auto empty = from_hex("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}
}  // namespace
}  // namespace charter::crypto
