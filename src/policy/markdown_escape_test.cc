#include "policy/markdown_escape.h"

#include <gtest/gtest.h>

#include "policy/render_html.h"

namespace charter::policy {
namespace {

TEST(MarkdownEscape, PlainTextIsUnchanged) {
  EXPECT_EQ(escape_markdown("Oxemis SARL, 132 allée Hélène Boucher (59118) : l'été ; 10 ans."),
            "Oxemis SARL, 132 allée Hélène Boucher (59118) : l'été ; 10 ans.");
  EXPECT_EQ(escape_markdown("https://www.cnil.fr/fr/plaintes/"),
            "https://www.cnil.fr/fr/plaintes/");
}

TEST(MarkdownEscape, SyntaxCharactersAreEscaped) {
  EXPECT_EQ(escape_markdown("[x](javascript:alert(1))"), "\\[x\\](javascript:alert(1))");
  EXPECT_EQ(escape_markdown("<script>"), "\\<script\\>");
  EXPECT_EQ(escape_markdown("*a* _b_ `c` ~d~ a|b &amp; !"),
            "\\*a\\* \\_b\\_ \\`c\\` \\~d\\~ a\\|b \\&amp; \\!");
  EXPECT_EQ(escape_markdown("a\\b"), "a\\\\b");
  EXPECT_EQ(escape_markdown("# title"), "\\# title");
}

TEST(MarkdownEscape, LineStartsAndWhiteSpace) {
  EXPECT_EQ(escape_markdown("  one\n\n  two\tthree  "), "one two three");
  EXPECT_EQ(escape_markdown("- item"), "\\- item");
  EXPECT_EQ(escape_markdown("+ item"), "\\+ item");
  EXPECT_EQ(escape_markdown("==="), "\\===");
  EXPECT_EQ(escape_markdown("12. item"), "12\\. item");
  EXPECT_EQ(escape_markdown("3) item"), "3\\) item");
  EXPECT_EQ(escape_markdown("e-mail 3. x"), "e-mail 3. x");
  EXPECT_EQ(escape_markdown("    code?"), "code?");
}

TEST(MarkdownEscape, LinksOnlyForSafeUrls) {
  EXPECT_EQ(markdown_link("dpo@oxemis.com", "mailto:dpo@oxemis.com"),
            "[dpo@oxemis.com](mailto:dpo@oxemis.com)");
  EXPECT_EQ(markdown_link("CNIL", "https://www.cnil.fr/fr/plaintes/"),
            "[CNIL](https://www.cnil.fr/fr/plaintes/)");
  EXPECT_EQ(markdown_link("x", "javascript:alert(1)"), "x");
  EXPECT_EQ(markdown_link("x", "https://a.example/)(javascript:alert(1)"), "x");
  EXPECT_EQ(markdown_link("x", "https://a.example/ b"), "x");
  EXPECT_EQ(markdown_link("x", "https://a.example/<b>"), "x");
  EXPECT_EQ(markdown_link("[t]", ""), "\\[t\\]");
}

// Whatever a text holds, once escaped and rendered it is text again: no element, no link.
TEST(MarkdownEscape, EscapedTextRendersAsTheSameText) {
  for (const char* hostile :
       {"<script>alert(1)</script>", "[x](javascript:alert(1))", "![i](javascript:x)",
        "<https://evil.example>", "**b** _i_ `c`", "&lt;b&gt; &#60;", "[a]: https://x.example",
        "1. one", "# h", "| a | b |", "\\<b>"}) {
    std::string html = markdown_to_html(escape_markdown(hostile));
    EXPECT_EQ(html.find("<a"), std::string::npos) << hostile << " -> " << html;
    EXPECT_EQ(html.find("<img"), std::string::npos) << hostile;
    EXPECT_EQ(html.find("<script"), std::string::npos) << hostile;
    EXPECT_EQ(html.find("<strong"), std::string::npos) << hostile;
    EXPECT_EQ(html.find("<code"), std::string::npos) << hostile;
    EXPECT_EQ(html.find("<h1"), std::string::npos) << hostile;
    EXPECT_EQ(html.find("<ol"), std::string::npos) << hostile;
    EXPECT_EQ(html.rfind("<p>", 0), 0u) << hostile << " -> " << html;
  }
}

TEST(RenderHtml, RawHtmlAndDangerousUrlsAreSuppressed) {
  std::string html = markdown_to_html(
      "<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b>b</b>\n\n| a | b |\n|---|---|\n| 1 "
      "| 2 |\n");
  EXPECT_EQ(html.find("<script"), std::string::npos) << html;
  EXPECT_EQ(html.find("<b>"), std::string::npos) << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << html;
  EXPECT_NE(html.find("<table>"), std::string::npos) << html;
}

TEST(RenderHtml, PageEscapesTheTitle) {
  auto page = html_page("<p>body</p>\n", "fr", "A <b> & \"c\"");
  ASSERT_TRUE(page.ok());
  EXPECT_NE(page->find("<title>A &lt;b&gt; &amp; &quot;c&quot;</title>"), std::string::npos)
      << *page;
  EXPECT_NE(page->find("<main>\n<p>body</p>\n</main>"), std::string::npos) << *page;
  EXPECT_NE(page->find("<html lang=\"fr\">"), std::string::npos);
}

}  // namespace
}  // namespace charter::policy
