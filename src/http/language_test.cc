#include "http/language.h"

#include <gtest/gtest.h>

namespace charter::http {
namespace {

const std::vector<std::string> kLangs = {"fr", "en"};

TEST(Language, AcceptLanguage) {
  EXPECT_EQ(negotiate_language(std::nullopt, kLangs, "fr"), "fr");
  EXPECT_EQ(negotiate_language("en-GB,en;q=0.9", kLangs, "fr"), "en");
  EXPECT_EQ(negotiate_language("de-DE, en;q=0.5, fr;q=0.8", kLangs, "fr"), "fr");
  EXPECT_EQ(negotiate_language("de, en;q=0.5, fr;q=0.4", kLangs, "fr"), "en");
  EXPECT_EQ(negotiate_language("de", kLangs, "fr"), "fr");
  EXPECT_EQ(negotiate_language("EN", kLangs, "fr"), "en");
  EXPECT_EQ(negotiate_language("en;q=0, fr;q=0.1", kLangs, "fr"), "fr");
  EXPECT_EQ(negotiate_language("en;q=0", kLangs, "fr"), "fr");
  EXPECT_EQ(negotiate_language("*", kLangs, "fr"), "fr");
  EXPECT_EQ(negotiate_language("en;q=bogus, fr", kLangs, "en"), "fr");
  EXPECT_EQ(negotiate_language(";;;,,,", kLangs, "fr"), "fr");
  EXPECT_EQ(negotiate_language("en;q=1.000", kLangs, "fr"), "en");
}

}  // namespace
}  // namespace charter::http
