#include "http/rate_limiter.h"

#include <gtest/gtest.h>

namespace charter::http {
namespace {

Timestamp t0() { return from_unix_micros(1'700'000'000'000'000); }

TEST(RateLimiter, BurstThenRefillAtRate) {
  ManualClock clock(t0());
  RateLimiter limiter(clock, 1000);
  RateLimit limit{2, 4};  // 2/s, burst 4
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.take("ip:1", limit).allowed) << i;
  auto d = limiter.take("ip:1", limit);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, Micros(500'000));
  EXPECT_EQ(d.retry_after_seconds(), 1);
  clock.advance(Micros(499'000));
  EXPECT_FALSE(limiter.take("ip:1", limit).allowed);
  clock.advance(Micros(1'000));
  EXPECT_TRUE(limiter.take("ip:1", limit).allowed);
  EXPECT_FALSE(limiter.take("ip:1", limit).allowed);
  // Refill is capped at the burst.
  clock.advance(Micros(3'600'000'000));
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(limiter.take("ip:1", limit).allowed);
  EXPECT_FALSE(limiter.take("ip:1", limit).allowed);
}

TEST(RateLimiter, KeysAreIndependent) {
  ManualClock clock(t0());
  RateLimiter limiter(clock, 1000);
  RateLimit limit{1, 1};
  EXPECT_TRUE(limiter.take("cred:a", limit).allowed);
  EXPECT_FALSE(limiter.take("cred:a", limit).allowed);
  EXPECT_TRUE(limiter.take("cred:b", limit).allowed);
}

TEST(RateLimiter, RetryAfterRoundsUpToWholeSeconds) {
  ManualClock clock(t0());
  RateLimiter limiter(clock, 100);
  RateLimit slow{0.1, 1};  // one per 10 s
  EXPECT_TRUE(limiter.take("k", slow).allowed);
  auto d = limiter.take("k", slow);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after_seconds(), 10);
}

TEST(RateLimiter, MemoryIsBounded) {
  ManualClock clock(t0());
  RateLimiter limiter(clock, 160);  // 10 per shard
  RateLimit limit{1, 1};
  for (int i = 0; i < 10'000; ++i) (void)limiter.take("ip:" + std::to_string(i), limit);
  EXPECT_LE(limiter.size(), 160u);
}

TEST(RateLimiter, AnonymousKeys) {
  EXPECT_EQ(anonymous_rate_key("192.0.2.7"), "ip:192.0.2.7");
  EXPECT_EQ(anonymous_rate_key("::ffff:192.0.2.7"), "ip:192.0.2.7");
  // One IPv6 /64 is one caller.
  EXPECT_EQ(anonymous_rate_key("2001:db8:1:2::1"), anonymous_rate_key("2001:db8:1:2:ffff::9"));
  EXPECT_NE(anonymous_rate_key("2001:db8:1:2::1"), anonymous_rate_key("2001:db8:1:3::1"));
}

}  // namespace
}  // namespace charter::http
