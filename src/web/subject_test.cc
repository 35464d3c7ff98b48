// The subject pages' templates and words without storage (the routes run end to end in
// tests/e2e/subject_self_test.cc and tests/browser/subject.mjs): both languages have the same
// words and every {{s.key}} exists; each signed-in form posts the session's CSRF token; stored
// values are escaped; the sign-in forms carry no token (no session, no cookie yet).
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "web/files.h"
#include "web/site.h"
#include "web/test_util.h"

namespace charter::web {
namespace {

using nlohmann::json;

json subject_words(const std::string& lang) {
  return json::parse(*page_file("subject_strings.json"))[lang];
}

TEST(SubjectPages, WordsExistInBothLanguagesAndEveryKeyUsedExists) {
  auto all = json::parse(*page_file("subject_strings.json"));
  std::set<std::string> fr, en;
  for (auto& [k, v] : all["fr"].items()) fr.insert(k);
  for (auto& [k, v] : all["en"].items()) en.insert(k);
  EXPECT_EQ(fr, en);
  std::regex use("\\{\\{s\\.([a-z_]+)\\}\\}");
  int used = 0;
  for (auto name : page_names()) {
    std::string text(*page_file(name));
    for (auto it = std::sregex_iterator(text.begin(), text.end(), use);
         it != std::sregex_iterator(); ++it, ++used) {
      EXPECT_TRUE(fr.count((*it)[1])) << name << ": s." << (*it)[1];
    }
  }
  EXPECT_GT(used, 50);
}

json signed_in_view(const std::string& lang) {
  const std::string hostile = "<script>alert(1)</script>";
  return {
      {"s", subject_words(lang)},
      {"csrf_token", "tok-123"},
      {"known", true},
      {"me_nav", {{{"href", "/me"}, {"label", "Data"}, {"current", true}}}},
      {"values",
       {{{"label", "E-mail"},
         {"category_label", "Contact"},
         {"value", hostile},
         {"collected_at", "2026-01-01T00:00:00Z"}}}},
      {"consents",
       {{{"purpose", "prospecting"},
         {"label", "Offers"},
         {"notice", "n"},
         {"status", "given"},
         {"status_label", "Given"},
         {"given", true}}}},
      {"objections",
       {{{"purpose", "statistics"}, {"label", "Stats"}, {"absolute", false}, {"objected", false}}}},
      {"restricted", false},
      {"grounds", {{{"id", "accuracy_contested"}, {"label", "g"}}}},
      {"rights", {{{"id", "access"}, {"label", "Access"}}}},
      {"requests",
       {{{"request_id", "dsr_1"},
         {"type_label", "Access"},
         {"state", "fulfilled"},
         {"state_label", "fulfilled"},
         {"received", "2026-01-01"},
         {"due", "2026-02-02"},
         {"deadline_label", false},
         {"answer", hostile},
         {"archive_link", "/archives/tok"}}}},
      {"current",
       {{"actions", {{{"label", "Erase"}, {"recipient", false}}}},
        {"executor", false},
        {"note", hostile},
        {"recorded_at", "x"}}},
      {"records",
       {{{"time", "t"},
         {"actor_kind", "service"},
         {"actor", "privacy_center"},
         {"purpose_label", "Rights"},
         {"action", "access.decide"},
         {"decision", "allow"},
         {"reason", "allowed"}}}},
      {"has_records", true}};
}

TEST(SubjectPages, SignedInFormsPostTheSessionTokenAndValuesAreEscaped) {
  auto site = Site::create(testing::oxemis());
  ASSERT_TRUE(site);
  PageChrome chrome;
  chrome.title = "T";
  chrome.path = "/me";
  for (const std::string lang : {"fr", "en"}) {
    for (const char* page : {"subject_data", "subject_consents", "subject_objections",
                             "subject_requests", "subject_directives", "subject_history"}) {
      auto html = (*site)->render(page, lang, signed_in_view(lang), chrome);
      ASSERT_TRUE(html) << page << ": " << html.error().to_string();
      // Every POST form of the page carries the token (the sign-out form included).
      std::regex form("<form[^>]*method=\"post\"[^>]*>([\\s\\S]*?)</form>");
      int forms = 0;
      for (auto it = std::sregex_iterator(html->begin(), html->end(), form);
           it != std::sregex_iterator(); ++it, ++forms) {
        EXPECT_NE((*it)[1].str().find("name=\"csrf_token\" value=\"tok-123\""), std::string::npos)
            << page << " form " << forms;
      }
      EXPECT_GE(forms, 1) << page;
      EXPECT_EQ(html->find("<script>alert"), std::string::npos) << page;
      EXPECT_NE(html->find("<html lang=\"" + lang + "\">"), std::string::npos);
    }
    auto req = (*site)->render("subject_requests", lang, signed_in_view(lang), chrome);
    EXPECT_NE(req->find("href=\"/archives/tok\" download"), std::string::npos);
    EXPECT_NE(req->find("&lt;script&gt;"), std::string::npos);
    auto consents = (*site)->render("subject_consents", lang, signed_in_view(lang), chrome);
    // One button per consent purpose: given -> withdraw.
    EXPECT_NE(consents->find("value=\"withdraw\""), std::string::npos);
    EXPECT_EQ(consents->find("value=\"give\""), std::string::npos);
  }
  // The sign-in forms: no session, so no token and nothing but the address or the code.
  for (const char* page : {"subject_signin", "subject_code"}) {
    auto html =
        (*site)->render(page, "en", {{"s", subject_words("en")}, {"sign_in", "sgn_x"}}, chrome);
    ASSERT_TRUE(html);
    EXPECT_EQ(html->find("csrf_token"), std::string::npos) << page;
    EXPECT_NE(html->find("<label for="), std::string::npos) << page;
  }
}

}  // namespace
}  // namespace charter::web
