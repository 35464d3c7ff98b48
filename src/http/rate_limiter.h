// Token-bucket rate limits per key ("cred:<principal id>" or "ip:<address>").
//
// Contract: take() spends one token of `key`'s bucket (capacity `burst`, refilled at
// `per_second` by the injected Clock) and says whether the request may proceed and, if not,
// how long until a token is back (for Retry-After). A new key starts with a full bucket.
// Memory is bounded: at most `max_keys` buckets; when full, the least recently used bucket is
// dropped (it is then as if that key had been idle). Thread safe (sharded locks).
#pragma once

#include <array>
#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"

namespace charter::http {

struct RateLimit {
  double per_second = 20;
  double burst = 40;
};

struct RateDecision {
  bool allowed = true;
  Micros retry_after{0};
  // Whole seconds for Retry-After, at least 1.
  int retry_after_seconds() const;
};

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, std::size_t max_keys);

  RateDecision take(std::string_view key, const RateLimit& limit);
  std::size_t size() const;

 private:
  struct Bucket {
    std::string key;
    double tokens;
    Timestamp updated;
  };
  struct Shard {
    mutable std::mutex mu;
    std::list<Bucket> lru;  // most recent first
    std::unordered_map<std::string_view, std::list<Bucket>::iterator> index;
  };
  static constexpr std::size_t kShards = 16;

  const Clock& clock_;
  std::size_t per_shard_;
  std::array<Shard, kShards> shards_;
};

// The rate-limit key of an anonymous caller: "ip:<v4 address>", or for IPv6 "ip6:<first 64
// bits>" (one customer network usually holds a whole /64).
std::string anonymous_rate_key(std::string_view remote_ip);

}  // namespace charter::http
