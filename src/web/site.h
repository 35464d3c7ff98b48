// Site: renders the HTML pages of the privacy center and the console from the mustache
// templates of src/web/pages/ (files.h), in the policy's languages.
//
// A page is pages/<name>.mustache rendered with a view (nlohmann::json, converted to mustache
// data: objects, arrays, strings, booleans; numbers as text; null as false), then placed in
// pages/layout.mustache. Both templates also see:
//   t       the words of the pages in the chosen language (pages/strings.json),
//   lang    the language code, other_langs[] {code, name, href} for the language switch,
//   site    controller name, DPO e-mail, supervisory authority name and complaint link.
// Every {{value}} is HTML-escaped (kainjow's escaping of & < > " '): a policy text or a
// stored value cannot inject markup. Templates use triple mustaches only for `content` (the
// rendered page inside the layout) and `chart_svg` (built by chart.h from numbers alone).
//
// Contract: create() checks that the layout, the strings of every policy language and the
// templates parse (kInternal naming the file otherwise). render() fails with kInternal for an
// unknown or invalid template (a bug). choose_language(): `lang` from the form body or the query
// (when it is a policy language), else Accept-Language, else French (or the policy's first
// language). Immutable once created: thread safe.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/request.h"
#include "http/response.h"
#include "policy/model.h"

namespace charter::web {

// The Content-Security-Policy of every page: no inline script or style, nothing from elsewhere.
inline constexpr std::string_view kPageCsp =
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

struct PageChrome {
  std::string title;        // the page's own title (the layout adds the controller's name)
  std::string path;         // the page's path, for the language switch ("/notice")
  std::string extra_query;  // kept in the language switch links ("purpose=prospecting")
  bool console = false;     // console navigation instead of the privacy center's
  nlohmann::json member;    // console: {"staff_id", "roles", "csrf_token"} when logged in
};

class Site {
 public:
  static Result<std::unique_ptr<Site>> create(std::shared_ptr<const policy::Policy> policy);

  const policy::Policy& policy() const { return *policy_; }
  std::string choose_language(const http::Request& request,
                              std::optional<std::string_view> form_lang = {}) const;
  // The words of the pages in `lang` (a policy language).
  const nlohmann::json& words(const std::string& lang) const;
  std::string word(const std::string& lang, const std::string& key) const;

  // The full HTML document of `page` (pages/<page>.mustache) in `lang`.
  Result<std::string> render(std::string_view page, const std::string& lang,
                             const nlohmann::json& view, const PageChrome& chrome) const;

 private:
  explicit Site(std::shared_ptr<const policy::Policy> policy) : policy_(std::move(policy)) {}

  std::shared_ptr<const policy::Policy> policy_;
  std::string fallback_;
  std::map<std::string, nlohmann::json> words_;
};

// text/html; charset=utf-8 with kPageCsp, Content-Language and Vary: Accept-Language.
http::Response html_response(int status, std::string body, const std::string& lang);
// 303 See Other to a path of this server.
http::Response see_other(std::string location);
// `path` with "?lang=xx" (or "&lang=xx" when it has a query already) when `explicit_lang`.
std::string with_lang(std::string path, const std::optional<std::string>& explicit_lang);

}  // namespace charter::web
