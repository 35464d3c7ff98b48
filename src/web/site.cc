#include "web/site.h"

#include <kainjow/mustache.hpp>

#include <algorithm>

#include "http/language.h"
#include "policy/phrases.h"
#include "web/files.h"
#include "web/mustache_view.h"

namespace charter::web {

using nlohmann::json;

namespace {

// Parsed for each use: a kainjow template object is not safe to render from several threads.
Result<std::unique_ptr<kainjow::mustache::mustache>> load_template(std::string_view name) {
  auto text = page_file(std::string(name) + ".mustache");
  if (!text) {
    return make_error(Errc::kInternal,
                      "src/web/pages/" + std::string(name) + ".mustache is not embedded");
  }
  auto tmpl = std::make_unique<kainjow::mustache::mustache>(std::string(*text));
  if (!tmpl->is_valid()) {
    return make_error(Errc::kInternal,
                      "src/web/pages/" + std::string(name) + ".mustache: " + tmpl->error_message());
  }
  return tmpl;
}

bool is_language(const policy::Policy& p, std::string_view lang) {
  return std::find(p.languages.begin(), p.languages.end(), lang) != p.languages.end();
}

}  // namespace

Result<std::unique_ptr<Site>> Site::create(std::shared_ptr<const policy::Policy> policy) {
  if (!policy || policy->languages.empty()) {
    return make_error(Errc::kInvalidArgument, "web: a policy with languages is needed");
  }
  std::unique_ptr<Site> site(new Site(policy));
  site->fallback_ = is_language(*policy, "fr") ? "fr" : policy->languages.front();
  auto strings = page_file("strings.json");
  if (!strings) return make_error(Errc::kInternal, "src/web/pages/strings.json is not embedded");
  json all = json::parse(*strings, nullptr, false);
  if (!all.is_object()) return make_error(Errc::kInternal, "src/web/pages/strings.json: not JSON");
  for (const auto& lang : policy->languages) {
    if (!all.contains(lang) || !all[lang].is_object()) {
      return make_error(Errc::kInternal,
                        "src/web/pages/strings.json has no words for the language '" + lang + "'");
    }
    site->words_[lang] = all[lang];
  }
  // More words in pages/strings_<area>.json (one file per area of pages, same shape), merged in;
  // a key defined twice is a bug.
  for (auto name : page_names()) {
    if (!name.starts_with("strings_") || !name.ends_with(".json")) continue;
    json more = json::parse(*page_file(name), nullptr, false);
    for (const auto& lang : policy->languages) {
      if (!more.is_object() || !more.contains(lang) || !more[lang].is_object()) {
        return make_error(Errc::kInternal, "src/web/pages/" + std::string(name) +
                                               ": no words for the language '" + lang + "'");
      }
      for (auto& [k, v] : more[lang].items()) {
        if (site->words_[lang].contains(k)) {
          return make_error(Errc::kInternal,
                            "src/web/pages/" + std::string(name) + ": word defined twice: " + k);
        }
        site->words_[lang][k] = v;
      }
    }
  }
  for (auto name : page_names()) {
    if (!name.ends_with(".mustache")) continue;
    CHARTER_TRY(auto parsed, load_template(name.substr(0, name.size() - 9)));
    (void)parsed;
  }
  return site;
}

std::string Site::choose_language(const http::Request& req,
                                  std::optional<std::string_view> form_lang) const {
  if (form_lang && is_language(*policy_, *form_lang)) return std::string(*form_lang);
  if (auto q = req.query_param("lang"); q && is_language(*policy_, *q)) return std::string(*q);
  return http::negotiate_language(req.headers.get("Accept-Language"), policy_->languages,
                                  fallback_);
}

const json& Site::words(const std::string& lang) const {
  auto it = words_.find(lang);
  return it != words_.end() ? it->second : words_.at(fallback_);
}

std::string Site::word(const std::string& lang, const std::string& key) const {
  const json& w = words(lang);
  auto it = w.find(key);
  return it != w.end() && it->is_string() ? it->get<std::string>() : key;
}

Result<std::string> Site::render(std::string_view page, const std::string& lang, const json& view,
                                 const PageChrome& chrome) const {
  const policy::Policy& p = *policy_;
  json site = {{"controller", p.controller.name},
               {"dpo_email", p.controller.dpo_email},
               {"authority", p.authority.name.in(lang)},
               {"complaint_url", p.authority.complaint_url}};
  json others = json::array();
  std::string query = chrome.extra_query.empty() ? "" : chrome.extra_query + "&";
  for (const auto& l : p.languages) {
    if (l == lang) continue;
    auto phrases = policy::Phrases::for_language(l);
    others.push_back({{"code", l},
                      {"name", phrases ? phrases->language_name(l) : l},
                      {"href", chrome.path + "?" + query + "lang=" + l}});
  }
  static const json assets = {{"style", asset_url("style.css")}, {"script", asset_url("app.js")}};
  json common = {{"t", words(lang)},
                 {"assets", assets},
                 {"lang", lang},
                 {"site", site},
                 {"other_langs", others},
                 {"title", chrome.title},
                 {"console", chrome.console},
                 {"member", chrome.member},
                 {"logged_in", !chrome.member.is_null()}};
  if (!chrome.member.is_null()) {
    common["csrf_token"] = chrome.member.value("csrf_token", "");
    common["is_dpo"] = false;
    for (const auto& r : chrome.member.value("roles", json::array())) {
      if (r == "dpo") common["is_dpo"] = true;
    }
  }
  json page_view = view.is_object() ? view : json::object();
  for (auto& [k, v] : common.items()) {
    if (!page_view.contains(k)) page_view[k] = v;
  }
  CHARTER_TRY(auto tmpl, load_template(page));
  std::string content = tmpl->render(to_mustache(page_view));
  if (!tmpl->error_message().empty()) {
    return make_error(Errc::kInternal, std::string(page) + ": " + tmpl->error_message());
  }
  json layout_view = common;
  layout_view["content"] = std::move(content);
  CHARTER_TRY(auto layout, load_template("layout"));
  std::string out = layout->render(to_mustache(layout_view));
  if (!layout->error_message().empty()) {
    return make_error(Errc::kInternal, "layout: " + layout->error_message());
  }
  return out;
}

http::Response html_response(int status, std::string body, const std::string& lang) {
  http::Response r = http::text_response(status, std::move(body), "text/html; charset=utf-8");
  r.headers.set("Content-Security-Policy", std::string(kPageCsp));
  r.headers.set("Content-Language", lang);
  r.headers.set("Vary", "Accept-Language");
  return r;
}

http::Response see_other(std::string location) {
  http::Response r;
  r.status = 303;
  r.headers.set("Location", std::move(location));
  r.headers.set("Content-Type", "text/plain; charset=utf-8");
  return r;
}

std::string with_lang(std::string path, const std::optional<std::string>& explicit_lang) {
  if (!explicit_lang) return path;
  path += path.find('?') == std::string::npos ? "?lang=" : "&lang=";
  path += *explicit_lang;
  return path;
}

}  // namespace charter::web
