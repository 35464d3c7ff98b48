#include "crypto/master_key.h"

#include <gtest/gtest.h>

#include "core/id.h"
#include "crypto/test_util.h"

namespace charter::crypto {
namespace {

using testing::counting_bytes;

TEST(MasterKey, FromBytesHasVersionAndId) {
  auto key = MasterKey::from_bytes(3, counting_bytes(32));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->version(), 3u);
  // Reference computed independently: first 8 bytes of crypto_kdf(root, id 1, "chkeyid_").
  EXPECT_EQ(key->id(), "46a220483a3fbd69");
  EXPECT_EQ(Bytes(key->key_bytes().begin(), key->key_bytes().end()), counting_bytes(32));
}

TEST(MasterKey, RefusesVersionZeroAndWrongSize) {
  EXPECT_EQ(MasterKey::from_bytes(0, counting_bytes(32)).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(MasterKey::from_bytes(1, counting_bytes(16)).error().code, Errc::kInvalidArgument);
  SeededRandom rnd(1);
  EXPECT_FALSE(MasterKey::generate(0, rnd).ok());
}

TEST(MasterKey, GenerateGivesDistinctIds) {
  SeededRandom rnd(1);
  auto a = MasterKey::generate(1, rnd).value();
  auto b = MasterKey::generate(2, rnd).value();
  EXPECT_NE(a.id(), b.id());
  EXPECT_EQ(a.id().size(), 16u);
}

TEST(MasterKey, MoveLeavesEmpty) {
  auto a = MasterKey::from_bytes(1, counting_bytes(32)).value();
  const std::string id = a.id();
  MasterKey b = std::move(a);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): checked on purpose
  EXPECT_EQ(a.version(), 0u);
  EXPECT_TRUE(a.key_bytes().empty());
  EXPECT_EQ(b.id(), id);
  b = MasterKey::from_bytes(2, counting_bytes(32, 5)).value();
  EXPECT_EQ(b.version(), 2u);
}

TEST(Argon2id, KnownAnswer) {
  // Reference argon2 CLI: echo -n "123" | argon2 ABCDEFGHIJKLMNOP -id -v 13 -k 1024 -t 5
  PassphraseParams params;
  const std::string salt = "ABCDEFGHIJKLMNOP";
  std::copy(salt.begin(), salt.end(), params.salt.begin());
  params.limits = {5, 1024 * 1024};
  auto key = stretch_passphrase("123", params);
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  EXPECT_EQ(to_hex(key->bytes()),
            "3c5d010180ba0cf5b6b858cba23b318e42d33088983c404598599c3b029ecac6");
}

TEST(Argon2id, DeterministicForSameSaltDifferentOtherwise) {
  SeededRandom rnd(4);
  auto params = PassphraseParams::generate(rnd, Argon2Limits::minimum());
  auto other = PassphraseParams::generate(rnd, Argon2Limits::minimum());
  ASSERT_NE(params.salt, other.salt);
  auto a = MasterKey::from_passphrase(1, "correct horse battery staple", params).value();
  auto b = MasterKey::from_passphrase(1, "correct horse battery staple", params).value();
  auto c = MasterKey::from_passphrase(1, "correct horse battery staple", other).value();
  auto d = MasterKey::from_passphrase(1, "correct horse battery stapler", params).value();
  EXPECT_EQ(a.id(), b.id());
  EXPECT_NE(a.id(), c.id());
  EXPECT_NE(a.id(), d.id());
}

TEST(Argon2id, RefusesEmptyPassphraseAndBadLimits) {
  SeededRandom rnd(5);
  auto params = PassphraseParams::generate(rnd, Argon2Limits::minimum());
  EXPECT_EQ(MasterKey::from_passphrase(1, "", params).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(MasterKey::from_passphrase(0, "pass", params).error().code, Errc::kInvalidArgument);
  params.limits.opslimit = 0;
  EXPECT_EQ(MasterKey::from_passphrase(1, "pass", params).error().code, Errc::kInvalidArgument);
  params.limits = {1, 1024};
  auto r = MasterKey::from_passphrase(1, "pass", params);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(r.error().message.find("pass"), std::string::npos);
}

TEST(Argon2id, ParamsEncodeAndParse) {
  SeededRandom rnd(6);
  auto params = PassphraseParams::generate(rnd);
  EXPECT_EQ(params.limits, Argon2Limits::moderate());
  const std::string text = params.encode();
  EXPECT_EQ(text.rfind("argon2id:t=3:m=268435456:s=", 0), 0u) << text;
  auto back = PassphraseParams::parse(text);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(*back, params);
  for (std::string bad :
       {"", "argon2i:t=3:m=268435456:s=00112233445566778899aabbccddeeff",
        "argon2id:t=3:m=268435456", "argon2id:t=x:m=268435456:s=00112233445566778899aabbccddeeff",
        "argon2id:t=3:m=268435456:s=00112233445566778899aabbccddee",
        "argon2id:t=3:m=268435456:s=00112233445566778899aabbccddeeff:",
        "argon2id:t=3:m=100:s=00112233445566778899aabbccddeeff",
        "argon2id:m=268435456:t=3:s=00112233445566778899aabbccddeeff"}) {
    EXPECT_FALSE(PassphraseParams::parse(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace charter::crypto
