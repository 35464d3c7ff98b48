#include "policy/phrases.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "policy/embedded.h"
#include "policy/golden_test_util.h"

namespace charter::policy {
namespace {

Phrases phrases(const std::string& lang) { return Phrases::for_language(lang).value(); }

Duration d(int y, int m, int days) { return Duration{y, m, days}; }

TEST(Phrases, DurationsInWords) {
  Phrases fr = phrases("fr"), en = phrases("en");
  EXPECT_EQ(fr.duration(d(3, 0, 0)), "3 ans");
  EXPECT_EQ(fr.duration(d(1, 0, 0)), "1 an");
  EXPECT_EQ(fr.duration(d(10, 0, 0)), "10 ans");
  EXPECT_EQ(fr.duration(d(0, 13, 0)), "13 mois");
  EXPECT_EQ(fr.duration(d(0, 1, 0)), "1 mois");
  EXPECT_EQ(fr.duration(d(1, 6, 0)), "1 an et 6 mois");
  EXPECT_EQ(fr.duration(d(0, 0, 1)), "1 jour");
  EXPECT_EQ(en.duration(d(10, 0, 0)), "10 years");
  EXPECT_EQ(en.duration(d(1, 0, 0)), "1 year");
  EXPECT_EQ(en.duration(d(0, 13, 0)), "13 months");
  EXPECT_EQ(en.duration(d(1, 2, 3)), "1 year, 2 months and 3 days");
  EXPECT_EQ(en.duration(d(0, 0, 0)), "no time");
}

TEST(Phrases, ListsCountriesArticlesLanguages) {
  Phrases fr = phrases("fr"), en = phrases("en");
  EXPECT_EQ(fr.join_and({"a", "b", "c"}), "a, b et c");
  EXPECT_EQ(en.join_or({"a", "b"}), "a or b");
  EXPECT_EQ(en.join_list({"a", "b", "c"}), "a, b, c");
  EXPECT_EQ(fr.join_and({}), "");
  EXPECT_EQ(fr.join_and({"seul"}), "seul");
  EXPECT_EQ(fr.country("FR"), "France");
  EXPECT_EQ(en.country("DE"), "Germany");
  EXPECT_EQ(en.country("XX"), "XX");
  EXPECT_EQ(fr.article("GDPR art. 15"), "RGPD art. 15");
  EXPECT_EQ(en.article("GDPR art. 15"), "GDPR art. 15");
  EXPECT_EQ(fr.article("Loi Informatique et Libertés art. 85"),
            "Loi Informatique et Libertés art. 85");
  EXPECT_EQ(fr.language_name("en"), "anglais");
  EXPECT_EQ(en.language_name("fr"), "French");
  EXPECT_EQ(en.language_name("de"), "de");
}

TEST(Phrases, FillReplacesKnownPlaceholdersOnly) {
  EXPECT_EQ(fill("{a} and {b}, {c}", {{"a", "1"}, {"b", "{a}"}}), "1 and {a}, {c}");
  EXPECT_EQ(fill("no placeholder {", {}), "no placeholder {");
}

TEST(Phrases, UnknownLanguageAndPathsAreReported) {
  auto de = Phrases::for_language("de");
  ASSERT_FALSE(de.ok());
  EXPECT_EQ(de.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(Phrases::languages(), (std::vector<std::string>{"en", "fr"}));
  EXPECT_THROW(phrases("fr").get("no/such/path"), std::logic_error);
}

// Every language of the phrasebook has exactly the same keys (and list lengths), so no
// rendering can hit a path that one language lacks.
void expect_same_shape(const nlohmann::json& a, const nlohmann::json& b, const std::string& at) {
  ASSERT_EQ(a.type(), b.type()) << at;
  if (a.is_object()) {
    for (const auto& [key, value] : a.items()) {
      ASSERT_TRUE(b.contains(key)) << at << "/" << key;
      expect_same_shape(value, b[key], at + "/" + key);
    }
    EXPECT_EQ(a.size(), b.size()) << at;
  } else if (a.is_array()) {
    EXPECT_EQ(a.size(), b.size()) << at;
  }
}

TEST(Phrases, EveryLanguageHasTheSameKeys) {
  auto book = nlohmann::json::parse(*embedded_template("phrases.json"));
  expect_same_shape(book["fr"], book["en"], "fr~en");
}

TEST(Embedded, TemplatesAreEmbeddedAsTheyAreOnDisk) {
  auto names = embedded_template_names();
  for (const char* name :
       {"charter.en.md.mustache", "charter.fr.md.mustache", "page.html.mustache", "phrases.json"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
    auto bytes = embedded_template(name);
    ASSERT_TRUE(bytes.has_value()) << name;
    EXPECT_EQ(*bytes, testing::read_file(testing::source_path(std::string("templates/") + name)))
        << name;
  }
  EXPECT_FALSE(embedded_template("missing").has_value());
}

}  // namespace
}  // namespace charter::policy
