#include "vault/normalize.h"

#include <gtest/gtest.h>

#include "store/test_macros.h"

namespace charter::vault {
namespace {

std::string email(std::string_view s) { return normalize_email(s).value(); }
std::string phone(std::string_view s) { return normalize_phone(s).value(); }

TEST(NormalizeEmail, TrimsAndLowerCases) {
  EXPECT_EQ(email(" John.Doe@Example.COM "), "john.doe@example.com");
  EXPECT_EQ(email("\tA+tag@Sub.Example.fr\n"), "a+tag@sub.example.fr");
  EXPECT_EQ(email("o'neil@xn--bcher-kva.example"), "o'neil@xn--bcher-kva.example");
}

TEST(NormalizeEmail, RefusesWithoutEchoingTheValue) {
  for (std::string_view bad :
       {"", "   ", "secret-no-at.example.com", "two@@example.com", "a@b@example.com",
        "@example.com", "secret@", "secret@localhost", "secret@example.c", "secret@-example.com",
        "secret@exa_mple.com", ".secret@example.com", "sec..ret@example.com", "secret.@example.com",
        "se cret@example.com", "sécret@example.com", "secret@example..com", "secret@example.123"}) {
    auto r = normalize_email(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
    if (bad.size() > 3) {
      EXPECT_EQ(r.error().message.find("secret"), std::string::npos) << bad;
    }
  }
  EXPECT_FALSE(normalize_email(std::string(65, 'a') + "@example.com").ok());
  EXPECT_TRUE(normalize_email(std::string(64, 'a') + "@example.com").ok());
}

TEST(NormalizePhone, FrenchNotationsAgree) {
  for (std::string_view s :
       {"06 12 34 56 78", "0612345678", "06.12.34.56.78", "06-12-34-56-78", "+33612345678",
        "+33 6 12 34 56 78", "0033 6 12 34 56 78", "+33 (0)6 12 34 56 78", "(+33) 6 12 34 56 78",
        "+33 06 12 34 56 78", " 06 12 34 56 78 "}) {
    EXPECT_EQ(phone(s), "+33612345678") << s;
  }
  EXPECT_EQ(phone("01 23 45 67 89"), "+33123456789");
  EXPECT_EQ(phone("09 70 12 34 56"), "+33970123456");
}

TEST(NormalizePhone, OverseasDepartments) {
  EXPECT_EQ(phone("0692 12 34 56"), "+262692123456");  // La Réunion mobile
  EXPECT_EQ(phone("0262 12 34 56"), "+262262123456");
  EXPECT_EQ(phone("0639 12 34 56"), "+262639123456");  // Mayotte
  EXPECT_EQ(phone("0590 12 34 56"), "+590590123456");  // Guadeloupe
  EXPECT_EQ(phone("0694 12 34 56"), "+594694123456");  // Guyane
  EXPECT_EQ(phone("0696 12 34 56"), "+596696123456");  // Martinique
  EXPECT_EQ(phone("+262 692 12 34 56"), "+262692123456");
}

TEST(NormalizePhone, OtherCountries) {
  EXPECT_EQ(phone("+44 20 7946 0958"), "+442079460958");
  EXPECT_EQ(phone("0049 30 123456"), "+4930123456");
  EXPECT_EQ(phone("+1 (415) 555-2671"), "+14155552671");
}

TEST(NormalizePhone, Refusals) {
  for (std::string_view bad : {"", "612345678", "06 12 34 56", "06 12 34 56 789", "00 12 34 56 78",
                               "+0612345678", "+33 12345", "+33 12 34 56 78 90 1", "06 12 34 56 7a",
                               "06+12345678", "+1234", "+1234567890123456", "tel:0612345678"}) {
    auto r = normalize_phone(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  }
  EXPECT_FALSE(normalize_phone("0612345678", "BE").ok());
}

TEST(NormalizeValue, Types) {
  using policy::FieldType;
  EXPECT_EQ(normalize_value(FieldType::kDate, " 2024-02-29 ").value(), "2024-02-29");
  EXPECT_FALSE(normalize_value(FieldType::kDate, "2023-02-29").ok());
  EXPECT_FALSE(normalize_value(FieldType::kDate, "29/02/2024").ok());
  EXPECT_EQ(normalize_value(FieldType::kIpAddress, "192.0.2.1").value(), "192.0.2.1");
  EXPECT_EQ(normalize_value(FieldType::kIpAddress, " 2001:DB8:0:0::1 ").value(), "2001:db8::1");
  EXPECT_FALSE(normalize_value(FieldType::kIpAddress, "192.0.2.256").ok());
  EXPECT_FALSE(normalize_value(FieldType::kIpAddress, "example.com").ok());
  EXPECT_EQ(normalize_value(FieldType::kText, "  Jean  ").value(), "Jean");
  EXPECT_FALSE(normalize_value(FieldType::kText, "   ").ok());
  EXPECT_FALSE(normalize_value(FieldType::kText, "a\nb").ok());
  EXPECT_FALSE(normalize_value(FieldType::kText, std::string("a\0b", 3)).ok());
  EXPECT_FALSE(normalize_value(FieldType::kText, "\xc3\x28").ok());  // invalid UTF-8
  EXPECT_FALSE(normalize_value(FieldType::kText, std::string(4097, 'x')).ok());
  EXPECT_TRUE(normalize_value(FieldType::kText, "Gérant, Ærø, 東京").ok());
  EXPECT_EQ(normalize_value(FieldType::kPostalAddress, "1 rue X\n75002 Paris\n").value(),
            "1 rue X\n75002 Paris");
  EXPECT_FALSE(normalize_value(FieldType::kIdentifier, "dev 1").ok());
  EXPECT_EQ(normalize_value(FieldType::kIdentifier, " dev-1 ").value(), "dev-1");
  EXPECT_TRUE(normalize_value(FieldType::kRecord, std::string(65536, 'x')).ok());
  EXPECT_FALSE(normalize_value(FieldType::kRecord, std::string(65537, 'x')).ok());
  EXPECT_TRUE(normalize_value(FieldType::kRecord, "{\"a\": 1,\n\t\"b\": 2}").ok());
}

TEST(Utf8, Validation) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));   // emoji
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xe2\x82"));          // truncated
}

}  // namespace
}  // namespace charter::vault
