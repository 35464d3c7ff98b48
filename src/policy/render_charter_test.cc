#include "policy/render_charter.h"

#include <gtest/gtest.h>

#include "policy/golden_test_util.h"

namespace charter::policy {
namespace {

using testing::default_policy;
using testing::expect_golden;

std::string render(const Policy& p, const std::string& lang, CharterFormat format) {
  auto out = render_charter(p, lang, format);
  if (!out.ok()) {
    ADD_FAILURE() << out.error().message;
    return {};
  }
  return *out;
}

TEST(RenderCharter, GoldenFrenchMarkdown) {
  expect_golden("charter.fr.md", render(default_policy(), "fr", CharterFormat::kMarkdown));
}
TEST(RenderCharter, GoldenEnglishMarkdown) {
  expect_golden("charter.en.md", render(default_policy(), "en", CharterFormat::kMarkdown));
}
TEST(RenderCharter, GoldenFrenchHtml) {
  expect_golden("charter.fr.html", render(default_policy(), "fr", CharterFormat::kHtml));
}
TEST(RenderCharter, GoldenEnglishHtml) {
  expect_golden("charter.en.html", render(default_policy(), "en", CharterFormat::kHtml));
}

}  // namespace
}  // namespace charter::policy
