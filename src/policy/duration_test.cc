#include "policy/duration.h"

#include <gtest/gtest.h>

namespace charter::policy {
namespace {

TEST(Duration, Parses) {
  EXPECT_EQ(parse_duration("P3Y")->years, 3);
  EXPECT_EQ(parse_duration("P13M")->months, 13);
  EXPECT_EQ(parse_duration("P1Y6M")->iso(), "P1Y6M");
  EXPECT_EQ(parse_duration("P30D")->days, 30);
  EXPECT_TRUE(parse_duration("P0D")->is_zero());
}

TEST(Duration, Refuses) {
  for (const char* bad :
       {"", "P", "3Y", "P3", "PY", "P3W", "PT3H", "P1M1Y", "P1Y1Y", "P-1Y", "P99999Y", "P3Y "}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace charter::policy
