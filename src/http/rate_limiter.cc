#include "http/rate_limiter.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace charter::http {

int RateDecision::retry_after_seconds() const {
  auto s = (retry_after.count() + 999'999) / 1'000'000;
  return static_cast<int>(std::max<int64_t>(1, s));
}

RateLimiter::RateLimiter(const Clock& clock, std::size_t max_keys)
    : clock_(clock), per_shard_(std::max<std::size_t>(1, max_keys / kShards)) {}

RateDecision RateLimiter::take(std::string_view key, const RateLimit& limit) {
  Shard& shard = shards_[std::hash<std::string_view>{}(key) % kShards];
  Timestamp now = clock_.now();
  std::lock_guard lock(shard.mu);
  auto it = shard.index.find(key);
  if (it == shard.index.end()) {
    if (shard.lru.size() >= per_shard_) {
      shard.index.erase(shard.lru.back().key);
      shard.lru.pop_back();
    }
    shard.lru.push_front(Bucket{std::string(key), limit.burst, now});
    it = shard.index.emplace(shard.lru.front().key, shard.lru.begin()).first;
  } else if (it->second != shard.lru.begin()) {
    shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
  }
  Bucket& b = *it->second;
  double elapsed = std::max<double>(0, static_cast<double>((now - b.updated).count()) / 1e6);
  b.tokens = std::min(limit.burst, b.tokens + elapsed * limit.per_second);
  b.updated = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  double wait_s = limit.per_second > 0 ? (1.0 - b.tokens) / limit.per_second : 3600.0;
  return RateDecision{false, Micros(static_cast<int64_t>(std::ceil(wait_s * 1e6)))};
}

std::size_t RateLimiter::size() const {
  std::size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.lru.size();
  }
  return n;
}

std::string anonymous_rate_key(std::string_view remote_ip) {
  std::string ip(remote_ip);
  unsigned char buf[16];
  if (ip.find(':') != std::string::npos && inet_pton(AF_INET6, ip.c_str(), buf) == 1) {
    // IPv4-mapped addresses (::ffff:a.b.c.d) are IPv4 callers.
    static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(kMapped, kMapped + 12, buf)) {
      char v4[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, buf + 12, v4, sizeof v4);
      return std::string("ip:") + v4;
    }
    static const char* kHex = "0123456789abcdef";
    std::string out = "ip6:";
    for (int i = 0; i < 8; ++i) {
      out += kHex[buf[i] >> 4];
      out += kHex[buf[i] & 15];
    }
    return out;
  }
  return "ip:" + ip;
}

}  // namespace charter::http
