#include "core/id.h"

#include <gtest/gtest.h>

#include <set>

namespace charter {
namespace {

TEST(Id, ShapeAndUniqueness) {
  SystemRandom rnd;
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    auto id = new_id(rnd, "sub");
    EXPECT_TRUE(is_valid_id(id, "sub")) << id;
    EXPECT_EQ(id.size(), 4u + 26u);
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(Id, SeededRandomIsReproducible) {
  SeededRandom a(42), b(42), c(43);
  EXPECT_EQ(new_id(a, "x"), new_id(b, "x"));
  EXPECT_NE(new_id(a, "x"), new_id(c, "x"));
}

TEST(Id, RejectsMalformed) {
  EXPECT_FALSE(is_valid_id("sub_", "sub"));
  EXPECT_FALSE(is_valid_id("sub-0123456789abcdefghjkmnpqrs", "sub"));
  EXPECT_FALSE(is_valid_id("stf_0123456789abcdefghjkmnpqrs", "sub"));
  EXPECT_FALSE(is_valid_id("sub_0123456789abcdefghjkmnpqrI", "sub"));  // I not in alphabet
  EXPECT_FALSE(is_valid_id("sub_0123456789abcdefghjkmnpqr", "sub"));   // too short
  EXPECT_TRUE(is_valid_id("sub_0123456789abcdefghjkmnpqrs", "sub"));
}

TEST(Id, Hex) {
  std::uint8_t b[] = {0x00, 0xab, 0xff};
  EXPECT_EQ(to_hex(b), "00abff");
}

}  // namespace
}  // namespace charter
