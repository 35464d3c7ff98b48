#include "web/web_context.h"

#include <algorithm>

#include "http/form.h"
#include "http/headers.h"

namespace charter::web {

http::Params form_fields(const http::Request& req) {
  auto ct = req.headers.get("Content-Type");
  if (!ct || !http::iequals(ct->substr(0, 33), "application/x-www-form-urlencoded")) return {};
  return http::parse_form(req.body);
}

std::optional<std::string> field(const http::Params& fields, std::string_view name) {
  for (const auto& [k, v] : fields) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::optional<std::string> explicit_lang(const WebContext& web, const http::Request& req,
                                         const http::Params& fields) {
  const auto& langs = web.policy().languages;
  auto valid = [&](std::string_view l) {
    return std::find(langs.begin(), langs.end(), l) != langs.end();
  };
  if (auto f = field(fields, "lang"); f && valid(*f)) return f;
  if (auto q = req.query_param("lang"); q && valid(*q)) return std::string(*q);
  return std::nullopt;
}

}  // namespace charter::web
