// The privacy center's public pages: GET / and GET /notice. Rendered once per language (and per
// purpose for /notice) at start, from the policy alone; they set no cookie and read none.
#include <map>

#include "web/console_gate.h"
#include "web/policy_views.h"
#include "web/routes.h"

namespace charter::web {

using nlohmann::json;

namespace {

http::Param lang_param(const policy::Policy& p) {
  return {"lang",
          http::ParamIn::kQuery,
          "Language of the page (else Accept-Language, else French)",
          {{"type", "string"}, {"enum", p.languages}},
          false};
}

}  // namespace

Status add_public_routes(http::Router& router, std::shared_ptr<const WebContext> web) {
  const policy::Policy& p = web->policy();
  const Site& site = *web->site;

  // Pages by (language, explicit language chosen): the links of a page chosen with ?lang= keep
  // it; the language switch always names it.
  auto home = std::make_shared<std::map<std::string, std::string>>();
  for (const auto& lang : p.languages) {
    CHARTER_TRY(json view, home_view(p, lang));
    PageChrome c;
    c.title = site.word(lang, "home_title");
    c.path = "/";
    CHARTER_TRY((*home)[lang], site.render("home", lang, view, c));
  }
  http::Route r = web_route(http::Method::kGet, "/", "privacyCenter",
                            "Privacy center: what is collected, why, on which legal basis, how "
                            "long, for whom (HTML)");
  r.description =
      "Rendered from the policy. French and English: ?lang=, else Accept-Language. Sets no "
      "cookie.";
  r.params = {lang_param(p)};
  r.exec = http::Exec::kInline;
  r.cache_control = "public, max-age=300";
  r.handler = [web, home](http::Request& req) -> Result<http::Response> {
    std::string lang = web->site->choose_language(req);
    return html_response(200, home->at(lang), lang);
  };
  CHARTER_TRY_STATUS(router.add(std::move(r)));

  // /notice: one page per (language, purpose); "" is the default purpose.
  auto notices = std::make_shared<std::map<std::pair<std::string, std::string>, std::string>>();
  for (const auto& lang : p.languages) {
    std::vector<std::optional<std::string>> ids = {std::nullopt};
    for (const auto& u : p.purposes) ids.push_back(u.id);
    for (const auto& id : ids) {
      CHARTER_TRY(json view, notice_view(p, lang, id));
      PageChrome c;
      c.title = site.word(lang, "notice_title");
      c.path = "/notice";
      if (id) c.extra_query = "purpose=" + *id;
      CHARTER_TRY((*notices)[std::pair(lang, id.value_or(""))],
                  site.render("notice", lang, view, c));
    }
  }
  http::Route n = web_route(http::Method::kGet, "/notice", "collectionNotice",
                            "Collection notice of a purpose: each field, mandatory or optional, "
                            "and what happens if it is not given (HTML)");
  n.params = {lang_param(p),
              {"purpose",
               http::ParamIn::kQuery,
               "Purpose id (default: the first purpose that asks the subject for data)",
               {{"type", "string"}},
               false}};
  n.exec = http::Exec::kInline;
  n.cache_control = "public, max-age=300";
  n.handler = [web, notices](http::Request& req) -> Result<http::Response> {
    std::string lang = web->site->choose_language(req);
    std::string purpose(req.query_param("purpose").value_or(""));
    auto it = notices->find({lang, purpose});
    if (it == notices->end()) {
      return error_page(*web, lang, 404, web->site->word(lang, "not_found"),
                        with_lang("/notice", lang), false);
    }
    return html_response(200, it->second, lang);
  };
  CHARTER_TRY_STATUS(router.add(std::move(n)));
  return ok_status();
}

}  // namespace charter::web
