// SHA-256 (OpenSSL libcrypto, using the CPU's SHA instructions): one-shot and incremental.
//
// Contract: pure functions; Sha256 objects are not shared between threads.
#pragma once

#include <array>

#include "crypto/bytes.h"

namespace charter::crypto {

using Digest = std::array<std::uint8_t, 32>;

Digest sha256(ByteView data);

class Sha256 {
 public:
  Sha256();
  Sha256& update(ByteView data);
  Sha256& update(std::uint8_t byte);
  Digest finish();

 private:
  alignas(64) unsigned char state_[128];
};

}  // namespace charter::crypto
