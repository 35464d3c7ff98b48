#include "http/policy_routes.h"

#include <algorithm>
#include <map>
#include <memory>

#include "http/language.h"
#include "http/openapi.h"
#include "policy/render_charter.h"
#include "policy/ropa.h"
#include "policy/version.h"

namespace charter::http {

namespace {

using nlohmann::json;

// The charter page embeds its own styles; nothing else may load or run.
constexpr const char* kCharterCsp =
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

json text_json(const policy::Text& t) {
  json j = json::object();
  for (const auto& [lang, s] : t.by_lang) j[lang] = s;
  return j;
}

json policy_summary(const policy::Policy& p) {
  const auto& c = p.controller;
  json purposes = json::array();
  for (const auto& pu : p.purposes) {
    const policy::LegalBasis* basis = p.find_basis(pu.basis);
    purposes.push_back({{"id", pu.id},
                        {"label", text_json(pu.label)},
                        {"legal_basis", basis ? to_string(basis->kind) : ""}});
  }
  return {{"version", p.version},
          {"short_version", policy::short_version(p.version)},
          {"languages", p.languages},
          {"controller",
           {{"name", c.name},
            {"legal_form", c.legal_form},
            {"address",
             {{"street", c.address.street},
              {"postcode", c.address.postcode},
              {"city", c.address.city},
              {"country", c.address.country}}},
            {"register", {{"name", c.register_name}, {"number", c.register_number}}},
            {"contact_email", c.contact_email},
            {"dpo_email", c.dpo_email},
            {"website", c.website}}},
          {"supervisory_authority",
           {{"name", text_json(p.authority.name)},
            {"country", p.authority.country},
            {"complaint_url", p.authority.complaint_url}}},
          {"links", {{"charter", "/charter"}, {"register", "/v1/policy/register"}}},
          {"purposes", std::move(purposes)}};
}

Route anonymous_get(std::string path, std::string op, std::string summary) {
  Route r;
  r.method = Method::kGet;
  r.path = std::move(path);
  r.operation_id = std::move(op);
  r.summary = std::move(summary);
  r.tag = "policy";
  r.exec = Exec::kInline;
  return r;
}

// The one query parameter `name`, if given, must be one of `allowed`.
Result<std::optional<std::string>> choice(const Request& req, std::string_view name,
                                          const std::vector<std::string>& allowed) {
  std::size_t n = req.query_count(name);
  if (n == 0) return std::optional<std::string>();
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  if (n > 1)
    return make_error(Errc::kInvalidArgument,
                      "the " + std::string(name) + " parameter is repeated");
  std::string v(*req.query_param(name));
  for (const auto& a : allowed) {
    if (a == v) return std::optional<std::string>(v);
  }
  return make_error(Errc::kInvalidArgument,
                    "the " + std::string(name) + " parameter must be one of: " + list);
}

}  // namespace

Status add_policy_routes(Router& router, const ApiContext& ctx) {
  const policy::Policy& p = *ctx.policy;
  const std::vector<std::string>& langs = p.languages;
  std::string fallback =
      std::find(langs.begin(), langs.end(), "fr") != langs.end() ? "fr" : langs.front();
  json lang_schema = {{"type", "string"}, {"enum", langs}};

  // /v1/policy
  Route pol = anonymous_get("/v1/policy", "getPolicy",
                            "The policy in force: version, controller, authority, languages, "
                            "purposes");
  pol.replies = {
      {200, "The policy in force", "application/json",
       object_schema({{"version", {{"type", "string"}}},
                      {"short_version", {{"type", "string"}}},
                      {"languages", {{"type", "array"}, {"items", {{"type", "string"}}}}},
                      {"controller", {{"type", "object"}}},
                      {"supervisory_authority", {{"type", "object"}}},
                      {"purposes", {{"type", "array"}}}},
                     {"version", "languages", "controller"})}};
  std::string policy_body = policy_summary(p).dump(-1, ' ', false, json::error_handler_t::replace);
  pol.handler = [policy_body](Request&) -> Result<Response> {
    return text_response(200, policy_body, std::string(kJsonType));
  };
  CHARTER_TRY_STATUS(router.add(std::move(pol)));

  // /charter
  auto pages = std::make_shared<std::map<std::pair<std::string, std::string>, std::string>>();
  for (const auto& lang : langs) {
    for (auto [name, format] : {std::pair{"html", policy::CharterFormat::kHtml},
                                std::pair{"md", policy::CharterFormat::kMarkdown}}) {
      CHARTER_TRY(std::string text, policy::render_charter(p, lang, format));
      (*pages)[{lang, name}] = std::move(text);
    }
  }
  Route charter = anonymous_get("/charter", "getCharter",
                                "The data-protection charter, rendered from the policy");
  charter.description =
      "Language from ?lang=, else the Accept-Language header, else French. HTML by default; "
      "?format=md gives the Markdown source.";
  charter.params = {{"lang", ParamIn::kQuery, "Language of the charter", lang_schema, false},
                    {"format",
                     ParamIn::kQuery,
                     "html (default) or md",
                     {{"type", "string"}, {"enum", {"html", "md"}}},
                     false}};
  charter.replies = {{200,
                      "The charter (text/html; text/markdown with ?format=md)",
                      "text/html",
                      {{"type", "string"}}}};
  charter.cache_control = "public, max-age=300";
  charter.handler = [pages, langs, fallback](Request& req) -> Result<Response> {
    CHARTER_TRY(auto lang, choice(req, "lang", langs));
    CHARTER_TRY(auto format, choice(req, "format", {"html", "md"}));
    std::string chosen =
        lang ? *lang : negotiate_language(req.headers.get("Accept-Language"), langs, fallback);
    std::string f = format.value_or("html");
    Response r =
        text_response(200, pages->at({chosen, f}),
                      f == "html" ? "text/html; charset=utf-8" : "text/markdown; charset=utf-8");
    r.headers.set("Content-Language", chosen);
    r.headers.set("Vary", "Accept-Language");
    if (f == "html") r.headers.set("Content-Security-Policy", kCharterCsp);
    return r;
  };
  CHARTER_TRY_STATUS(router.add(std::move(charter)));

  // /v1/policy/register
  auto registers = std::make_shared<std::map<std::string, std::string>>();
  for (const auto& lang : langs) {
    CHARTER_TRY(std::string csv, policy::render_ropa(p, policy::RopaFormat::kCsv, lang));
    (*registers)["csv:" + lang] = std::move(csv);
  }
  CHARTER_TRY(std::string ropa_json, policy::render_ropa(p, policy::RopaFormat::kJson, fallback));
  CHARTER_TRY(std::string ropa_ld, policy::render_ropa(p, policy::RopaFormat::kJsonLd, fallback));
  (*registers)["json"] = std::move(ropa_json);
  (*registers)["jsonld"] = std::move(ropa_ld);
  Route reg = anonymous_get("/v1/policy/register", "getProcessingRegister",
                            "The record of processing activities (GDPR art. 30)");
  reg.description =
      "CSV (CNIL register columns, in ?lang=), the charter-ropa/1 JSON document, or W3C DPV "
      "JSON-LD; JSON formats carry every language of the policy.";
  reg.params = {
      {"format",
       ParamIn::kQuery,
       "json (default), csv or jsonld",
       {{"type", "string"}, {"enum", {"json", "csv", "jsonld"}}},
       false},
      {"lang", ParamIn::kQuery, "Language of the CSV columns and texts", lang_schema, false}};
  reg.replies = {{200,
                  "The register (application/json, text/csv or application/ld+json)",
                  "application/json",
                  {{"type", "object"}}}};
  reg.cache_control = "public, max-age=300";
  reg.handler = [registers, langs, fallback](Request& req) -> Result<Response> {
    CHARTER_TRY(auto format, choice(req, "format", {"json", "csv", "jsonld"}));
    CHARTER_TRY(auto lang, choice(req, "lang", langs));
    std::string f = format.value_or("json");
    if (f == "csv") {
      Response r = text_response(200, registers->at("csv:" + lang.value_or(fallback)),
                                 "text/csv; charset=utf-8; header=present");
      r.headers.set("Content-Disposition", "attachment; filename=\"register.csv\"");
      return r;
    }
    return text_response(200, registers->at(f),
                         f == "json" ? "application/json" : "application/ld+json");
  };
  CHARTER_TRY_STATUS(router.add(std::move(reg)));

  // /.well-known/gpc.json
  Route gpc = anonymous_get("/.well-known/gpc.json", "getGpcSupport",
                            "Global Privacy Control support resource");
  gpc.description =
      "Sec-GPC: 1 is honoured as an objection to direct marketing (reference/gpc/NOTES.md).";
  gpc.cache_control = "public, max-age=3600";
  gpc.replies = {{200, "GPC support", "application/json",
                  object_schema({{"gpc", {{"type", "boolean"}}},
                                 {"lastUpdate", {{"type", "string"}, {"format", "date"}}}},
                                {"gpc", "lastUpdate"})}};
  std::string gpc_body = json{{"gpc", true}, {"lastUpdate", ctx.gpc_last_update}}.dump();
  gpc.handler = [gpc_body](Request&) -> Result<Response> {
    return text_response(200, gpc_body, std::string(kJsonType));
  };
  CHARTER_TRY_STATUS(router.add(std::move(gpc)));
  return ok_status();
}

}  // namespace charter::http
