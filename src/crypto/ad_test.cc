#include "crypto/ad.h"

#include <gtest/gtest.h>

namespace charter::crypto {
namespace {

TEST(CanonicalAd, LengthPrefixesMakeItUnambiguous) {
  EXPECT_NE(canonical_ad({"ab", "c"}), canonical_ad({"a", "bc"}));
  EXPECT_NE(canonical_ad({"abc"}), canonical_ad({"ab", "c"}));
  EXPECT_NE(canonical_ad({"a"}), canonical_ad({"a", ""}));
  EXPECT_NE(canonical_ad({}), canonical_ad({""}));
  EXPECT_EQ(canonical_ad({"ab", "c"}), canonical_ad({"ab", "c"}));
}

TEST(CanonicalAd, ExactEncoding) {
  EXPECT_EQ(canonical_ad({"ab", ""}), (Bytes{0, 0, 0, 2, 'a', 'b', 0, 0, 0, 0}));
  AdBuilder b;
  b.add("x").add_number(42);
  EXPECT_EQ(b.bytes(), (Bytes{0, 0, 0, 1, 'x', 0, 0, 0, 2, '4', '2'}));
}

TEST(CanonicalAd, HelpersBindEveryPart) {
  const Bytes base = value_ad("sub_1", "email", 1, "");
  EXPECT_EQ(base, value_ad("sub_1", "email", 1));
  EXPECT_NE(base, value_ad("sub_2", "email", 1));
  EXPECT_NE(base, value_ad("sub_1", "phone", 1));
  EXPECT_NE(base, value_ad("sub_1", "email", 2));
  EXPECT_NE(base, value_ad("sub_1", "email", 1, "evt_1"));
  EXPECT_NE(value_ad("sub_1", "email", 1, "evt_1"), value_ad("sub_1", "email", 1, "evt_2"));
  // Shifting characters between parts changes the AD.
  EXPECT_NE(value_ad("sub_1e", "mail", 1), value_ad("sub_1", "email", 1));

  EXPECT_NE(wrap_ad("sub_1", "contact", 1), wrap_ad("sub_1", "accounting", 1));
  EXPECT_NE(wrap_ad("sub_1", "contact", 1), wrap_ad("sub_1", "contact", 2));
  EXPECT_NE(wrap_ad("sub_1", "contact", 1), wrap_ad("sub_2", "contact", 1));
  // Domain labels keep the kinds apart even with look-alike parts.
  EXPECT_NE(wrap_ad("sub_1", "contact", 1), value_ad("sub_1", "contact", 1));
  EXPECT_NE(system_key_ad("system-root", 1), system_key_ad("system-root", 2));
}

}  // namespace
}  // namespace charter::crypto
