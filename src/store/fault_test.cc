#include "store/fault.h"

#include <gtest/gtest.h>

namespace charter::store {
namespace {

TEST(FaultInjector, FiresAfterSkipForTimes) {
  FaultInjector f;
  EXPECT_FALSE(f.check(FaultPoint::kCommit));
  f.fail(FaultPoint::kCommit, Errc::kUnavailable, /*times=*/2, /*skip=*/1);
  EXPECT_FALSE(f.check(FaultPoint::kStatement));
  EXPECT_FALSE(f.check(FaultPoint::kCommit));
  auto e = f.check(FaultPoint::kCommit);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->code, Errc::kUnavailable);
  EXPECT_EQ(e->message, "injected fault at commit");
  EXPECT_TRUE(f.check(FaultPoint::kCommit));
  EXPECT_FALSE(f.check(FaultPoint::kCommit));
  EXPECT_EQ(f.fired(FaultPoint::kCommit), 2);
}

TEST(FaultInjector, ClearDisarms) {
  FaultInjector f;
  f.fail(FaultPoint::kBeginWrite, Errc::kInternal, 5);
  f.clear();
  EXPECT_FALSE(f.check(FaultPoint::kBeginWrite));
}

}  // namespace
}  // namespace charter::store
