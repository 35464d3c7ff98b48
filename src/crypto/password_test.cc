#include "crypto/password.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace charter::crypto {
namespace {

TEST(Password, HashAndVerify) {
  SeededRandom rnd(21);
  auto hash = hash_password("s3cret staff pass", Argon2Limits::minimum(), rnd);
  ASSERT_TRUE(hash.ok()) << hash.error().to_string();
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=8,t=1,p=1$", 0), 0u) << *hash;
  EXPECT_EQ(hash->find("s3cret"), std::string::npos);
  EXPECT_TRUE(verify_password(*hash, "s3cret staff pass"));
  EXPECT_FALSE(verify_password(*hash, "s3cret staff pasS"));
  EXPECT_FALSE(verify_password(*hash, ""));
  EXPECT_FALSE(verify_password("not a hash", "s3cret staff pass"));
  EXPECT_FALSE(verify_password("", "s3cret staff pass"));
}

TEST(Password, SameSaltGivesSameHashAndFreshSaltsDiffer) {
  SeededRandom a(22), b(22);
  EXPECT_EQ(hash_password("pw", Argon2Limits::minimum(), a).value(),
            hash_password("pw", Argon2Limits::minimum(), b).value());
  EXPECT_NE(hash_password("pw", Argon2Limits::minimum(), a).value(),
            hash_password("pw", Argon2Limits::minimum(), a).value());
}

TEST(Password, CompatibleWithLibsodiumStrings) {
  // Our strings verify with libsodium's own verifier, and libsodium's strings with ours.
  SeededRandom rnd(23);
  const std::string ours = hash_password("pw", Argon2Limits::minimum(), rnd).value();
  ASSERT_EQ(sodium_init() >= 0, true);
  EXPECT_EQ(crypto_pwhash_argon2id_str_verify(ours.c_str(), "pw", 2), 0);
  char theirs[crypto_pwhash_STRBYTES];
  ASSERT_EQ(crypto_pwhash_argon2id_str(theirs, "pw", 2, crypto_pwhash_argon2id_OPSLIMIT_MIN,
                                       crypto_pwhash_argon2id_MEMLIMIT_MIN),
            0);
  EXPECT_TRUE(verify_password(theirs, "pw"));
  EXPECT_FALSE(password_needs_rehash(theirs, Argon2Limits::minimum()));
}

TEST(Password, NeedsRehashWhenLimitsChange) {
  SeededRandom rnd(24);
  const std::string hash = hash_password("pw", Argon2Limits::minimum(), rnd).value();
  EXPECT_FALSE(password_needs_rehash(hash, Argon2Limits::minimum()));
  EXPECT_TRUE(password_needs_rehash(hash, Argon2Limits{2, 8192}));
  EXPECT_TRUE(password_needs_rehash(hash, Argon2Limits::interactive()));
  EXPECT_TRUE(password_needs_rehash("garbage", Argon2Limits::minimum()));
}

TEST(Password, RefusesBadInput) {
  SeededRandom rnd(25);
  EXPECT_EQ(hash_password("", Argon2Limits::minimum(), rnd).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(hash_password(std::string(kMaxPasswordBytes + 1, 'x'), Argon2Limits::minimum(), rnd)
                .error()
                .code,
            Errc::kInvalidArgument);
  EXPECT_EQ(hash_password("pw", Argon2Limits{0, 8192}, rnd).error().code, Errc::kInvalidArgument);
  EXPECT_FALSE(verify_password("$argon2id$v=19$m=8,t=1,p=1$AAAA$AAAA",
                               std::string(kMaxPasswordBytes + 1, 'x')));
}

}  // namespace
}  // namespace charter::crypto
