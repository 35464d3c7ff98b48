#include "core/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace charter {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return make_error(Errc::kInvalidArgument, "value: must be > 0");
  return v;
}

Result<int> doubled(int v) {
  CHARTER_TRY(int x, parse_positive(v));
  return x * 2;
}

Status check(int v) {
  CHARTER_TRY_STATUS(parse_positive(v));
  return ok_status();
}

TEST(Result, HoldsValueOrError) {
  auto good = parse_positive(3);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 3);
  auto bad = parse_positive(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(bad.error().message, "value: must be > 0");
  EXPECT_EQ(bad.value_or(7), 7);
}

TEST(Result, TryPropagates) {
  EXPECT_EQ(*doubled(4), 8);
  EXPECT_EQ(doubled(0).error().code, Errc::kInvalidArgument);
  EXPECT_TRUE(check(1).ok());
  EXPECT_FALSE(check(-5).ok());
}

TEST(Result, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(5);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 5);
}

TEST(Result, StringConvertible) {
  Result<std::string> r = "abc";
  EXPECT_EQ(*r, "abc");
}

TEST(ResultDeath, ValueOnErrorAborts) {
  auto bad = parse_positive(-1);
  EXPECT_DEATH((void)bad.value(), "Result misuse");
}

TEST(ErrorTable, MapsEveryCode) {
  EXPECT_EQ(http_status(Errc::kInvalidArgument), 400);
  EXPECT_EQ(exit_code(Errc::kInvalidArgument), 2);
  EXPECT_EQ(exit_code(Errc::kInvalidPolicy), 2);
  EXPECT_EQ(http_status(Errc::kNotFound), 404);
  EXPECT_EQ(exit_code(Errc::kNotFound), 1);
  EXPECT_EQ(http_status(Errc::kUnauthenticated), 401);
  EXPECT_EQ(http_status(Errc::kPermissionDenied), 403);
  EXPECT_EQ(http_status(Errc::kPayloadTooLarge), 413);
  EXPECT_EQ(http_status(Errc::kRateLimited), 429);
  EXPECT_EQ(http_status(Errc::kTimeout), 408);
  EXPECT_EQ(http_status(Errc::kUnavailable), 503);
  EXPECT_EQ(error_slug(Errc::kInternal), "internal");
  EXPECT_EQ((Error{Errc::kNotFound, "subject"}.to_string()), "not-found: subject");
}

}  // namespace
}  // namespace charter
