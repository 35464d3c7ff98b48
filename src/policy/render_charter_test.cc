#include "policy/render_charter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// Every commitment of the seed charter (DESIGN.md C1-C18) must be stated by the render. The
// checklist has the seed's literal facts, the words that carry each promise, and every label
// and text of the policy that the charter must show.
void expect_contains_all(const std::string& text, const std::vector<std::string>& needles,
                         const std::string& what) {
  for (const auto& n : needles) {
    EXPECT_NE(text.find(n), std::string::npos) << what << " lacks: " << n;
  }
}

std::vector<std::string> policy_texts(const Policy& p, const std::string& lang) {
  std::vector<std::string> out;
  for (const auto& c : p.categories) {
    out.push_back(c.label.in(lang));
    out.push_back(c.description.in(lang));
  }
  for (const auto& f : p.fields) {
    out.push_back(f.label.in(lang));
    out.push_back(f.if_missing.in(lang));
  }
  for (const auto& b : p.legal_bases) {
    out.push_back(b.label.in(lang));
    out.push_back(b.description.in(lang));
  }
  for (const auto& u : p.purposes) {
    out.push_back(u.label.in(lang));
    out.push_back(u.description.in(lang));
    for (const auto& r : u.retention) out.push_back(r.note.in(lang));
    if (u.consent) out.push_back(u.consent->notice.in(lang));
  }
  for (const auto& r : p.recipients) out.push_back(r.label.in(lang));
  for (const auto& r : p.rights.list) {
    out.push_back(r.label.in(lang));
    out.push_back(r.description.in(lang));
  }
  for (const auto& c : p.channels) out.push_back(c.label.in(lang));
  for (const auto& m : p.security_measures) {
    out.push_back(m.label.in(lang));
    out.push_back(m.description.in(lang));
  }
  for (const auto& h : p.hosting) out.push_back(h.label.in(lang));
  out.push_back(p.scope.in(lang));
  out.push_back(p.authority.name.in(lang));
  out.push_back(p.version);
  return out;
}

// Facts and promises of the seed, stated in the French render.
const std::vector<std::string> kSeedFrench = {
    // C1, C18: controller, DPO, contact
    "Oxemis SARL", "SARL", "132 allée Hélène Boucher", "59118 Wambrechies", "RCS Lille Métropole",
    "478795958", "[dpo@oxemis.com](mailto:dpo@oxemis.com)", "responsable de traitement",
    // C2, C3: scope, what processing means
    "tous les sites et services", "« traitement »", "recueillir, les enregistrer",
    "les transmettre",
    // C4, C5: mandatory/optional and consequences; provided/observed
    "obligatoire ou facultative", "ce qui se passera si vous ne la donnez pas", "Obligatoire pour",
    "Facultative", "Fournie par vous", "Observée lors de l'utilisation de nos services",
    // C7: bases, consent withdrawable at any time, easily
    "RGPD, art. 6.1.a", "RGPD, art. 6.1.b", "RGPD, art. 6.1.c", "RGPD, art. 6.1.f",
    "retirer à tout moment, aussi facilement que vous l'avez donné",
    // C9: processed only by the company; never ceded, sold or rented
    "par personne d'autre", "ne cédons, ne vendons et ne louons jamais vos données à des tiers",
    // C10: EU hosting, nothing exported
    "hébergés exclusivement dans l'Union européenne", "France",
    "Aucune donnée n'est transférée hors de l'Union européenne",
    // C11: staff aware, trained, bound to confidentiality
    "sensibilisés", "spécifiquement formés", "formellement engagé à respecter la confidentialité",
    // C12: state-of-the-art measures; security, integrity, confidentiality
    "état de l'art", "la sécurité, l'intégrité et la confidentialité",
    // C13: disclosure only when the law requires it or at the subject's explicit request
    "lorsque la loi l'exige", "autorité judiciaire ou administrative",
    "vous nous le demandez explicitement",
    // C14: retention; legal durations; CNIL; 10 years; 3 years; end of contract; withdrawal
    "durées fixées par la loi", "CNIL", "10 ans après la date de la transaction", "3 ans",
    "la fin du contrat", "cesse dès le retrait de votre consentement", "13 mois", "supprimées",
    "anonymisées",
    // C15: rights with their articles, heirs
    "RGPD art. 15", "RGPD art. 16", "RGPD art. 17", "RGPD art. 18", "RGPD art. 20",
    "RGPD art. 7(3)", "RGPD art. 21", "Loi Informatique et Libertés art. 85", "héritiers",
    // C16: how to exercise them; one month, extendable by two
    "Par e-mail au DPO : dpo@oxemis.com", "délai de 1 mois", "prolongé de 2 mois au plus",
    // C17: complaint to the CNIL
    "réclamation", "[https://www.cnil.fr/fr/plaintes/](https://www.cnil.fr/fr/plaintes/)",
    // version and languages
    "Version de la politique", "disponible en français et anglais"};

const std::vector<std::string> kSeedEnglish = {
    "Oxemis SARL",
    "SARL",
    "132 allée Hélène Boucher",
    "59118 Wambrechies",
    "RCS Lille Métropole",
    "478795958",
    "[dpo@oxemis.com](mailto:dpo@oxemis.com)",
    "The controller",
    "every Oxemis website and service",
    "\"processing\"",
    "collecting, recording",
    "transmitting",
    "mandatory or optional",
    "what will happen if you do not give it",
    "Mandatory for",
    "Optional",
    "Provided by you",
    "Observed as you use our services",
    "GDPR art. 6(1)(a)",
    "GDPR art. 6(1)(b)",
    "GDPR art. 6(1)(c)",
    "GDPR art. 6(1)(f)",
    "withdraw it at any time, as easily as you gave it",
    "by no one else",
    "never transfer, sell or rent your data to third parties",
    "hosted exclusively in the European Union",
    "France",
    "No data is transferred outside the European Union",
    "made aware",
    "specifically trained",
    "formally committed to keeping the data they access confidential",
    "state-of-the-art",
    "the security, integrity and confidentiality",
    "where the law requires it",
    "judicial or administrative authority",
    "where you explicitly ask us to",
    "periods set by law",
    "CNIL",
    "10 years after the date of the transaction",
    "3 years",
    "the end of the contract",
    "stops at once upon the withdrawal of your consent",
    "13 months",
    "deleted",
    "anonymised",
    "GDPR art. 15",
    "GDPR art. 16",
    "GDPR art. 17",
    "GDPR art. 18",
    "GDPR art. 20",
    "GDPR art. 7(3)",
    "GDPR art. 21",
    "Loi Informatique et Libertés art. 85",
    "heirs",
    "By e-mail to the DPO: dpo@oxemis.com",
    "within 1 month",
    "extended by at most 2 months",
    "complaint",
    "[https://www.cnil.fr/fr/plaintes/](https://www.cnil.fr/fr/plaintes/)",
    "Policy version",
    "available in French and English"};

TEST(RenderCharter, FrenchRenderStatesEverySeedCommitment) {
  const Policy& p = default_policy();
  std::string md = render(p, "fr", CharterFormat::kMarkdown);
  expect_contains_all(md, kSeedFrench, "French charter");
  expect_contains_all(md, policy_texts(p, "fr"), "French charter");
  EXPECT_EQ(p.purposes.size(), 7u);
  EXPECT_EQ(p.rights.list.size(), 8u);
  for (std::size_t i = 1; i <= p.purposes.size(); ++i) {
    EXPECT_NE(md.find("### " + std::to_string(i) + ". "), std::string::npos) << i;
  }
}

TEST(RenderCharter, EnglishRenderStatesEverySeedCommitment) {
  const Policy& p = default_policy();
  std::string md = render(p, "en", CharterFormat::kMarkdown);
  expect_contains_all(md, kSeedEnglish, "English charter");
  expect_contains_all(md, policy_texts(p, "en"), "English charter");
}

TEST(RenderCharter, HtmlIsACompletePage) {
  std::string html = render(default_policy(), "fr", CharterFormat::kHtml);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"fr\">", 0), 0u);
  EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(html.find("<title>Charte de protection des données personnelles — Oxemis SARL</title>"),
            std::string::npos);
  EXPECT_NE(html.find("<table>"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"https://www.cnil.fr/fr/plaintes/\">"), std::string::npos);
  EXPECT_NE(html.find("<a href=\"mailto:dpo@oxemis.com\">"), std::string::npos);
  EXPECT_EQ(html.find("raw HTML omitted"), std::string::npos);
  EXPECT_EQ(html.substr(html.size() - 8), "</html>\n");
  std::string en = render(default_policy(), "en", CharterFormat::kHtml);
  EXPECT_EQ(en.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
}

TEST(RenderCharter, RenderIsDeterministic) {
  EXPECT_EQ(render(default_policy(), "fr", CharterFormat::kHtml),
            render(default_policy(), "fr", CharterFormat::kHtml));
}

// Every href of the page, in order.
std::vector<std::string> hrefs(const std::string& html) {
  std::vector<std::string> out;
  for (std::size_t at = html.find("href=\""); at != std::string::npos;
       at = html.find("href=\"", at + 1)) {
    std::size_t start = at + 6;
    out.push_back(html.substr(start, html.find('"', start) - start));
  }
  return out;
}

TEST(RenderCharter, HostilePolicyTextsCannotInjectMarkupOrLinks) {
  Policy p = default_policy();
  const std::string script = "<script>alert(1)</script>";
  const std::string link = "[x](javascript:alert(1))";
  for (const auto& lang : p.languages) {
    p.categories[0].label.by_lang[lang] = "Contact " + script + " " + link;
    p.categories[0].description.by_lang[lang] = "# Heading\n\n- item <img src=x onerror=alert(2)>";
    p.fields[0].if_missing.by_lang[lang] = "| cell | ![i](javascript:alert(3)) `code` *em*";
    p.purposes[0].label.by_lang[lang] = "1. <a href=\"javascript:alert(4)\">click</a>";
    p.scope.by_lang[lang] = "<iframe src=\"https://evil.example\"></iframe> &#60;script&#62;";
    p.rights.list[0].description.by_lang[lang] = "[x]: javascript:alert(5)\n\n[x]";
  }
  p.controller.name = "Evil <b>Corp</b> " + link;
  p.authority.complaint_url = "javascript:alert(6)";
  p.controller.dpo_email = "a@b.c)(javascript:alert(7)";

  for (const auto& lang : p.languages) {
    std::string md = render(p, lang, CharterFormat::kMarkdown);
    EXPECT_EQ(md.find(link), std::string::npos) << "unescaped link in Markdown";
    for (std::size_t at = md.find('<'); at != std::string::npos; at = md.find('<', at + 1)) {
      EXPECT_TRUE(at > 0 && md[at - 1] == '\\') << "unescaped < at " << at;
    }
    EXPECT_NE(md.find("\\[x\\](javascript:alert(1))"), std::string::npos);

    std::string html = render(p, lang, CharterFormat::kHtml);
    for (const char* bad : {"<script", "<img", "<iframe", "<a href=\"javascript", "<b>",
                            "<em>em</em>", "<code>", "<h1>Heading", "onerror=alert(2)>"}) {
      EXPECT_EQ(html.find(bad), std::string::npos) << lang << ": " << bad;
    }
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    for (const auto& href : hrefs(html)) {
      EXPECT_TRUE(href.rfind("https://", 0) == 0 || href.rfind("mailto:", 0) == 0) << href;
      EXPECT_EQ(href.find("javascript"), std::string::npos) << href;
    }
    // The hostile complaint URL is shown as text, never as a link.
    EXPECT_NE(html.find("javascript:alert(6)"), std::string::npos);
  }
}

TEST(RenderCharter, UnknownLanguageIsAnInvalidArgument) {
  auto out = render_charter(default_policy(), "de", CharterFormat::kMarkdown);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code, Errc::kInvalidArgument);
  EXPECT_NE(out.error().message.find("allowed: fr, en"), std::string::npos) << out.error().message;

  // A language of the policy for which Charter has no template or phrasebook.
  Policy p = default_policy();
  p.languages.push_back("de");
  auto missing = render_charter(p, "de", CharterFormat::kHtml);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Errc::kInvalidArgument);
  EXPECT_NE(missing.error().message.find("available: en, fr"), std::string::npos)
      << missing.error().message;
}

TEST(RenderCharter, FormatNames) {
  EXPECT_EQ(parse_charter_format("md"), CharterFormat::kMarkdown);
  EXPECT_EQ(parse_charter_format("html"), CharterFormat::kHtml);
  EXPECT_FALSE(parse_charter_format("pdf").has_value());
  EXPECT_STREQ(to_string(CharterFormat::kHtml), "html");
}

}  // namespace
}  // namespace charter::policy
