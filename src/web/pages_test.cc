// The web pages without storage: public pages through the router, rendering of every template,
// escaping of policy texts, language choice, security headers, assets.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "http/api.h"
#include "http/openapi.h"
#include "web/chart.h"
#include "web/files.h"
#include "web/policy_views.h"
#include "web/site.h"
#include "web/test_util.h"
#include "web/web_routes.h"

namespace charter::web {
namespace {

using nlohmann::json;
using testing::Call;
using testing::oxemis;
using testing::run;

std::unique_ptr<http::Router> public_router(std::shared_ptr<const policy::Policy> p = oxemis()) {
  auto router = std::make_unique<http::Router>();
  http::ApiContext ctx;
  ctx.policy = std::move(p);
  auto ok = add_web_routes(*router, ctx);
  EXPECT_TRUE(ok) << ok.error().to_string();
  return router;
}

// Pages must not need 'unsafe-inline': no <style>, no style="", no inline <script>, no on*=.
void expect_no_inline(const std::string& html, const std::string& what) {
  EXPECT_EQ(html.find("<style"), std::string::npos) << what;
  EXPECT_FALSE(std::regex_search(html, std::regex("<[^>]*\\sstyle\\s*=", std::regex::icase)))
      << what;
  EXPECT_FALSE(std::regex_search(html, std::regex("<script(?![^>]*\\ssrc=)[^>]*>"))) << what;
  EXPECT_FALSE(std::regex_search(html, std::regex("<[^>]*\\son[a-z]+\\s*=", std::regex::icase)))
      << what;
  EXPECT_EQ(html.find("javascript:"), std::string::npos) << what;
}

TEST(WebPages, HomeInFrenchByDefaultAndEnglishOnRequest) {
  auto router = public_router();
  auto fr = run(*router, {});
  ASSERT_EQ(fr.status, 200);
  EXPECT_NE(fr.body.find("<html lang=\"fr\">"), std::string::npos);
  EXPECT_EQ(fr.headers.get("Content-Language"), "fr");
  EXPECT_NE(fr.body.find("Centre de confidentialité"), std::string::npos);
  auto en = run(*router, {.query = {{"lang", "en"}}});
  EXPECT_NE(en.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(en.body.find("Privacy center"), std::string::npos);
  // Accept-Language when there is no ?lang=; ?lang= wins over it; an unknown ?lang= is ignored.
  auto header = run(*router, {.headers = {{"Accept-Language", "en-GB,en;q=0.9,fr;q=0.5"}}});
  EXPECT_EQ(header.headers.get("Content-Language"), "en");
  auto both = run(*router, {.query = {{"lang", "fr"}}, .headers = {{"Accept-Language", "en-GB"}}});
  EXPECT_EQ(both.headers.get("Content-Language"), "fr");
  auto unknown = run(*router, {.query = {{"lang", "de"}}});
  EXPECT_EQ(unknown.headers.get("Content-Language"), "fr");
  EXPECT_EQ(en.headers.get("Vary"), "Accept-Language");
  // The language switch links to the other language.
  EXPECT_NE(en.body.find("href=\"/?lang=fr\""), std::string::npos);
}

TEST(WebPages, HomeSaysForEachPurposeWhatWhyBasisHowLongAndWho) {
  auto router = public_router();
  auto en = run(*router, {.query = {{"lang", "en"}}});
  const policy::Policy& p = *oxemis();
  for (const auto& u : p.purposes) {
    EXPECT_NE(en.body.find(escape_html(u.label.in("en"))), std::string::npos) << u.id;
  }
  // Legal basis articles, a retention sentence, fields, the charter and register links, footer.
  EXPECT_NE(en.body.find("GDPR art. 6(1)(b)"), std::string::npos);
  EXPECT_NE(en.body.find("href=\"/charter?lang=en\""), std::string::npos);
  EXPECT_NE(en.body.find("/v1/policy/register"), std::string::npos);
  EXPECT_NE(en.body.find(p.controller.dpo_email), std::string::npos);
  EXPECT_NE(en.body.find(p.authority.complaint_url), std::string::npos);
  EXPECT_NE(en.body.find("class=\"skip\" href=\"#main\""), std::string::npos);
  EXPECT_NE(en.body.find("name=\"viewport\""), std::string::npos);
}

TEST(WebPages, SecurityHeadersAndNoCookieOnPublicPages) {
  auto router = public_router();
  for (const char* path : {"/", "/notice"}) {
    auto r = run(*router, {.path = path});
    ASSERT_EQ(r.status, 200) << path;
    auto csp = std::string(r.headers.get("Content-Security-Policy").value_or(""));
    EXPECT_EQ(csp, kPageCsp) << path;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
    EXPECT_NE(csp.find("form-action 'self'"), std::string::npos);
    EXPECT_FALSE(r.headers.has("Set-Cookie")) << path;
    EXPECT_EQ(r.content_type(), "text/html; charset=utf-8");
  }
}

TEST(WebPages, NoticeListsMandatoryAndOptionalFieldsWithConsequences) {
  const policy::Policy& p = *oxemis();
  auto view = notice_view(p, "en", std::string("commercial_relationship"));
  ASSERT_TRUE(view) << view.error().to_string();
  int mandatory = 0, optional = 0;
  for (const auto& f : (*view)["fields"]) {
    const policy::Field* field = p.find_field(f["id"]);
    ASSERT_NE(field, nullptr);
    bool req = std::find(field->required_for.begin(), field->required_for.end(),
                         "commercial_relationship") != field->required_for.end();
    EXPECT_EQ(f["mandatory"].get<bool>(), req) << field->id;
    EXPECT_EQ(f["if_missing"], field->if_missing.in("en"));
    (req ? mandatory : optional)++;
  }
  EXPECT_GT(mandatory, 0);
  auto router = public_router();
  auto page = run(*router, {.path = "/notice",
                            .query = {{"purpose", "commercial_relationship"}, {"lang", "en"}}});
  ASSERT_EQ(page.status, 200);
  // Every input has its label, and mandatory ones are marked required.
  std::regex input("<input id=\"(f-[a-z_]+)\"");
  for (auto it = std::sregex_iterator(page.body.begin(), page.body.end(), input);
       it != std::sregex_iterator(); ++it) {
    EXPECT_NE(page.body.find("<label for=\"" + (*it)[1].str() + "\""), std::string::npos)
        << (*it)[1];
  }
  EXPECT_NE(page.body.find("required aria-required=\"true\""), std::string::npos);
  EXPECT_NE(page.body.find("(mandatory)"), std::string::npos);
  // An unknown purpose: 404 page, the value not echoed.
  auto unknown = run(*router, {.path = "/notice", .query = {{"purpose", "<b>x</b>"}}});
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body.find("<b>x</b>"), std::string::npos);
}

TEST(WebPages, PolicyTextsAreEscaped) {
  auto p = std::make_shared<policy::Policy>(*oxemis());
  p->purposes[0].label.by_lang["en"] = "<script>alert('x')</script>";
  p->purposes[0].description.by_lang["en"] = "a \"quoted\" & <b>bold</b> text";
  p->fields[0].if_missing.by_lang["en"] = "<img src=x onerror=alert(1)>";
  auto router = public_router(p);
  auto home = run(*router, {.query = {{"lang", "en"}}});
  ASSERT_EQ(home.status, 200);
  EXPECT_EQ(home.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(home.body.find("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(home.body.find("a &quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt; text"),
            std::string::npos);
  expect_no_inline(home.body, "home with hostile texts");
  for (const auto& u : p->purposes) {
    auto notice = run(*router, {.path = "/notice", .query = {{"purpose", u.id}, {"lang", "en"}}});
    EXPECT_EQ(notice.body.find("<img src=x"), std::string::npos);
    expect_no_inline(notice.body, "notice " + u.id);
  }
}

TEST(WebPages, NoInlineScriptOrStyleInAnyTemplate) {
  auto site = Site::create(oxemis());
  ASSERT_TRUE(site);
  PageChrome chrome;
  chrome.title = "T";
  chrome.path = "/x";
  PageChrome console = chrome;
  console.console = true;
  console.member = {{"staff_id", "stf_1"}, {"roles", {"dpo"}}, {"csrf_token", "tok"}};
  int pages = 0;
  for (auto name : page_names()) {
    if (!name.ends_with(".mustache") || name == "layout.mustache") continue;
    std::string page(name.substr(0, name.size() - 9));
    for (const auto* c : {&chrome, &console}) {
      for (const std::string lang : {"fr", "en"}) {
        auto html = (*site)->render(page, lang, json::object(), *c);
        ASSERT_TRUE(html) << page << ": " << html.error().to_string();
        expect_no_inline(*html, page);
        EXPECT_NE(html->find("<html lang=\"" + lang + "\">"), std::string::npos);
      }
    }
    ++pages;
  }
  EXPECT_GE(pages, 10);
  // The stylesheet and script are the only resources, from this server.
  auto html = (*site)->render("home", "fr", json::object(), chrome);
  EXPECT_NE(html->find("href=\"" + asset_url("style.css") + "\""), std::string::npos);
  EXPECT_NE(html->find("src=\"" + asset_url("app.js") + "\""), std::string::npos);
  // Links to other sites (the authority's complaint page) are fine; loaded resources are not.
  EXPECT_FALSE(std::regex_search(*html, std::regex("src=\"(https?:)?//")));
  EXPECT_FALSE(std::regex_search(*html, std::regex("<link[^>]*href=\"(https?:)?//")));
}

TEST(WebPages, WordsExistInEveryLanguage) {
  // strings.json and every strings_<area>.json.
  std::set<std::string> fr, en;
  for (auto file : page_names()) {
    if (!file.starts_with("strings") || !file.ends_with(".json")) continue;
    auto strings = json::parse(*page_file(file));
    std::set<std::string> file_fr, file_en;
    for (auto& [k, v] : strings["fr"].items()) file_fr.insert(k), fr.insert(k);
    for (auto& [k, v] : strings["en"].items()) file_en.insert(k), en.insert(k);
    EXPECT_EQ(file_fr, file_en) << file;
  }
  EXPECT_EQ(fr, en);
  // Every {{t.key}} used by a template exists.
  std::regex use("\\{\\{t\\.([a-z_]+)\\}\\}");
  for (auto name : page_names()) {
    std::string text(*page_file(name));
    for (auto it = std::sregex_iterator(text.begin(), text.end(), use);
         it != std::sregex_iterator(); ++it) {
      EXPECT_TRUE(fr.count((*it)[1])) << name << ": t." << (*it)[1];
    }
  }
}

TEST(WebPages, AssetsAreImmutableAndVersionedByContent) {
  auto router = public_router();
  std::string url = asset_url("style.css");
  EXPECT_TRUE(std::regex_match(url, std::regex("/assets/style\\.[0-9a-f]{10}\\.css")));
  auto css = run(*router, {.path = url});
  ASSERT_EQ(css.status, 200);
  EXPECT_EQ(css.body, *asset_file("style.css"));
  EXPECT_EQ(css.content_type(), "text/css; charset=utf-8");
  for (const auto* r : router->routes()) {
    if (r->path.starts_with("/assets/")) {
      EXPECT_EQ(r->cache_control, "public, max-age=31536000, immutable");
    }
  }
  auto js = run(*router, {.path = asset_url("app.js")});
  EXPECT_EQ(js.content_type(), "text/javascript; charset=utf-8");
  EXPECT_EQ(run(*router, {.path = "/assets/style.css"}).status, 404);
}

TEST(WebPages, RoutesAreDescribedWithTagWeb) {
  auto router = public_router();
  auto doc = http::openapi_document(*router, {});
  ASSERT_TRUE(doc["paths"].contains("/"));
  EXPECT_EQ(doc["paths"]["/"]["get"]["tags"][0], "web");
  EXPECT_TRUE(doc["paths"].contains("/notice"));
}

TEST(WebPages, ChartIsSvgFromNumbersWithEscapedLabels) {
  std::string svg = bar_chart({{"2026-10", 4, 1}, {"2026-11", 2, 0}}, "Consents <given>");
  EXPECT_TRUE(svg.starts_with("<svg"));
  EXPECT_NE(svg.find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg.find("Consents &lt;given&gt;"), std::string::npos);
  // The tallest bar fills the plot; zero is an empty bar.
  EXPECT_NE(svg.find("height=\"180\""), std::string::npos);
  EXPECT_NE(svg.find("height=\"0\""), std::string::npos);
  EXPECT_EQ(svg.find("style="), std::string::npos);
}

}  // namespace
}  // namespace charter::web
