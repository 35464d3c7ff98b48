#include "policy/csv.h"

#include <gtest/gtest.h>

#include "policy/csv_test_util.h"

namespace charter::policy {
namespace {

TEST(Csv, QuotesOnlyWhenNeeded) {
  EXPECT_EQ(to_csv({{"a", "b c", "é"}, {"1", "", "x"}}), "a,b c,é\r\n1,,x\r\n");
  EXPECT_EQ(to_csv({{"a,b", "say \"hi\"", "two\nlines", "cr\r"}}),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\"\r\n");
}

TEST(Csv, FormulasAreNeutralised) {
  EXPECT_EQ(to_csv({{"=1+1", "+33", "-x", "@SUM(A1)", "a=b"}}), "'=1+1,'+33,'-x,'@SUM(A1),a=b\r\n");
}

TEST(Csv, RoundTripsThroughAReader) {
  std::vector<std::vector<std::string>> rows = {{"h1", "h2"}, {"a, \"b\"\nc", "d"}, {"", "é"}};
  bool ok = false;
  EXPECT_EQ(testing::parse_csv(to_csv(rows), &ok), rows);
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace charter::policy
