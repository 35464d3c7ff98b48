#include "crypto/hash.h"

#include <gtest/gtest.h>

#include "core/id.h"

namespace charter::crypto {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(to_hex(sha256(as_bytes(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(to_hex(sha256(as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, IncrementalMatchesOneShot) {
  Sha256 h;
  h.update(as_bytes("a")).update(static_cast<std::uint8_t>('b')).update(as_bytes("c"));
  EXPECT_EQ(h.finish(), sha256(as_bytes("abc")));
}

}  // namespace
}  // namespace charter::crypto
