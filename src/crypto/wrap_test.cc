#include "crypto/wrap.h"

#include <gtest/gtest.h>

#include "core/id.h"
#include "crypto/ad.h"
#include "crypto/key_ring.h"
#include "crypto/seal.h"
#include "crypto/test_util.h"

namespace charter::crypto {
namespace {

using testing::counting_bytes;

MasterKey master(std::uint32_t version, std::uint8_t start) {
  return MasterKey::from_bytes(version, counting_bytes(32, start)).value();
}

class Wrap : public ::testing::Test {
 protected:
  SeededRandom rnd_{11};
  MasterKey m1_ = master(1, 0);
  MasterKey m2_ = master(2, 100);
  DataKey data_key_ = DataKey::generate(rnd_);
  Bytes ad_ = wrap_ad("sub_1", "contact", 1);
};

TEST_F(Wrap, RoundTripRecordsMasterVersion) {
  auto wrapped = wrap(m1_, data_key_, ad_, rnd_);
  ASSERT_TRUE(wrapped.ok());
  EXPECT_EQ(wrapped->size(), kWrappedKeyBytes);
  EXPECT_EQ(wrapped_master_version(*wrapped).value(), 1u);
  auto back = unwrap(m1_, *wrapped, ad_);
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_TRUE(back->equals(data_key_));
  // The key bytes do not appear in the wrapped form.
  const std::string hex = to_hex(*wrapped);
  EXPECT_EQ(hex.find(to_hex(data_key_.bytes()).substr(0, 16)), std::string::npos);
}

TEST_F(Wrap, WrongAdOrMasterFails) {
  const Bytes wrapped = wrap(m1_, data_key_, ad_, rnd_).value();
  for (const Bytes& other : {wrap_ad("sub_2", "contact", 1), wrap_ad("sub_1", "accounting", 1),
                             wrap_ad("sub_1", "contact", 2), value_ad("sub_1", "contact", 1)}) {
    auto r = unwrap(m1_, wrapped, other);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kIntegrity);
  }
  // Another key claiming the same version fails authentication.
  auto impostor = master(1, 50);
  EXPECT_EQ(unwrap(impostor, wrapped, ad_).error().code, Errc::kIntegrity);
  // A master of another version is refused before decryption, naming both versions.
  auto r = unwrap(m2_, wrapped, ad_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kFailedPrecondition);
  EXPECT_NE(r.error().message.find("version 1"), std::string::npos);
}

TEST_F(Wrap, TamperingFails) {
  const Bytes wrapped = wrap(m1_, data_key_, ad_, rnd_).value();
  for (std::size_t i = 0; i < wrapped.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes t = wrapped;
      t[i] ^= static_cast<std::uint8_t>(1u << bit);
      EXPECT_FALSE(unwrap(m1_, t, ad_).ok()) << "byte " << i << " bit " << bit;
    }
  }
  for (std::size_t n = 0; n < wrapped.size(); ++n) {
    auto r = unwrap(m1_, ByteView(wrapped.data(), n), ad_);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::kIntegrity);
  }
  EXPECT_FALSE(wrapped_master_version(ByteView(wrapped.data(), 10)).ok());
}

TEST_F(Wrap, RewrapMovesToNewMasterAndOldIsNoLongerNeeded) {
  const Bytes wrapped = wrap(m1_, data_key_, ad_, rnd_).value();
  const Bytes sealed =
      seal(data_key_, as_bytes("alice@example.com"), value_ad("sub_1", "email", 1), rnd_);
  auto rewrapped = rewrap(m1_, m2_, wrapped, ad_, rnd_);
  ASSERT_TRUE(rewrapped.ok());
  EXPECT_EQ(wrapped_master_version(*rewrapped).value(), 2u);
  // Destroy the old master: the rewrapped key still opens the data.
  { MasterKey gone = std::move(m1_); }
  auto key = unwrap(m2_, *rewrapped, ad_);
  ASSERT_TRUE(key.ok());
  auto opened = open(*key, sealed, value_ad("sub_1", "email", 1));
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(as_chars(*opened), "alice@example.com");
  // Rewrap keeps the AD binding.
  EXPECT_FALSE(unwrap(m2_, *rewrapped, wrap_ad("sub_2", "contact", 1)).ok());
  EXPECT_EQ(unwrap(m1_, wrapped, ad_).error().code, Errc::kInvalidArgument);  // empty master
}

TEST(KeyRing, RotationKeepsReadsWorking) {
  SeededRandom rnd(12);
  KeyRing ring;
  EXPECT_EQ(ring.current(), nullptr);
  auto none = ring.wrap(DataKey::generate(rnd), wrap_ad("s", "c", 1), rnd);
  EXPECT_EQ(none.error().code, Errc::kFailedPrecondition);
  ASSERT_TRUE(ring.add(master(1, 0)).ok());

  std::vector<DataKey> keys;
  std::vector<Bytes> wrapped;
  for (int i = 0; i < 20; ++i) {
    keys.push_back(DataKey::generate(rnd));
    wrapped.push_back(
        ring.wrap(keys.back(), wrap_ad("sub_" + std::to_string(i), "contact", 1), rnd).value());
  }
  // Rotation starts: version 2 becomes current; keys under 1 still open.
  ASSERT_TRUE(ring.add(master(2, 100)).ok());
  EXPECT_EQ(ring.current()->version(), 2u);
  EXPECT_EQ(ring.versions(), (std::vector<std::uint32_t>{1, 2}));
  for (int i = 0; i < 20; ++i) {
    const Bytes ad = wrap_ad("sub_" + std::to_string(i), "contact", 1);
    EXPECT_TRUE(ring.needs_rewrap(wrapped[i]));
    if (i % 2 == 0) {  // half rewrapped so far
      wrapped[i] = ring.rewrap_to_current(wrapped[i], ad, rnd).value();
      EXPECT_FALSE(ring.needs_rewrap(wrapped[i]));
    }
    EXPECT_TRUE(ring.unwrap(wrapped[i], ad).value().equals(keys[i]));
  }
  for (int i = 1; i < 20; i += 2) {
    wrapped[i] =
        ring.rewrap_to_current(wrapped[i], wrap_ad("sub_" + std::to_string(i), "contact", 1), rnd)
            .value();
  }
  // All rewrapped: the old master is destroyed; everything still opens.
  ASSERT_TRUE(ring.remove(1).ok());
  EXPECT_EQ(ring.remove(1).error().code, Errc::kNotFound);
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(ring.unwrap(wrapped[i], wrap_ad("sub_" + std::to_string(i), "contact", 1))
                    .value()
                    .equals(keys[i]));
  }
}

TEST(KeyRing, UnknownVersionAndDuplicates) {
  SeededRandom rnd(13);
  KeyRing ring;
  ASSERT_TRUE(ring.add(master(1, 0)).ok());
  auto old_key = DataKey::generate(rnd);
  const Bytes ad = wrap_ad("sub_1", "contact", 1);
  const Bytes wrapped = ring.wrap(old_key, ad, rnd).value();
  EXPECT_EQ(ring.add(master(1, 7)).error().code, Errc::kAlreadyExists);
  EXPECT_EQ(ring.add(master(5, 0)).error().code, Errc::kAlreadyExists);  // same key, new version
  ASSERT_TRUE(ring.add(master(2, 100)).ok());
  ASSERT_TRUE(ring.remove(1).ok());
  // An erased epoch: the master is gone, the wrapped key can no longer be opened.
  auto r = ring.unwrap(wrapped, ad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::kNotFound);
  EXPECT_FALSE(ring.needs_rewrap(Bytes(3)));
}

// The erasure-by-epochs step of docs/CRYPTO.md at the crypto level: a wrapped key of an erased
// subject left behind (dead tuple, WAL) opens with no key that remains once its epoch is gone,
// not even when each remaining key is tried under the old epoch's version.
TEST(KeyRing, DestroyedEpochLeavesLeftoversUnopenable) {
  SeededRandom rnd(14);
  KeyRing ring;
  ASSERT_TRUE(ring.add(MasterKey::generate(1, rnd).value()).ok());
  auto erased_key = DataKey::generate(rnd);
  auto live_key = DataKey::generate(rnd);
  const Bytes erased_ad = wrap_ad("sub_erased", "contact", 1);
  const Bytes live_ad = wrap_ad("sub_live", "contact", 1);
  const Bytes leftover = ring.wrap(erased_key, erased_ad, rnd).value();
  const Bytes leftover_value =
      seal(erased_key, as_bytes("erased@example.com"), value_ad("sub_erased", "email", 1), rnd);
  Bytes live = ring.wrap(live_key, live_ad, rnd).value();

  // Erasure deletes the erased subject's row; the epoch step rewraps every live key and then
  // destroys epoch 1.
  ASSERT_TRUE(ring.add(MasterKey::generate(2, rnd).value()).ok());
  live = ring.rewrap_to_current(live, live_ad, rnd).value();
  ASSERT_TRUE(ring.remove(1).ok());

  EXPECT_TRUE(ring.unwrap(live, live_ad).value().equals(live_key));
  EXPECT_EQ(ring.unwrap(leftover, erased_ad).error().code, Errc::kNotFound);
  for (std::uint32_t v : ring.versions()) {
    auto as_old = MasterKey::from_bytes(1, ring.find(v)->key_bytes()).value();
    EXPECT_EQ(unwrap(as_old, leftover, erased_ad).error().code, Errc::kIntegrity);
  }
  // And the remaining data keys do not open the leftover value.
  EXPECT_FALSE(open(live_key, leftover_value, value_ad("sub_erased", "email", 1)).ok());
}

}  // namespace
}  // namespace charter::crypto
