// Injectable randomness. Production code takes a Random& so tests can be deterministic.
//
// Contract: fill() writes n unpredictable bytes (SystemRandom: getrandom(2), thread safe) or
// reproducible bytes (SeededRandom: for tests only, not thread safe, never for keys in use).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace charter {

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<std::uint8_t> out) = 0;
  std::uint64_t next_u64();
};

class SystemRandom final : public Random {
 public:
  void fill(std::span<std::uint8_t> out) override;
};

// xoshiro256** seeded by splitmix64. Deterministic; tests and benchmarks only.
class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed);
  void fill(std::span<std::uint8_t> out) override;

 private:
  std::uint64_t next();
  std::uint64_t s_[4];
};

}  // namespace charter
