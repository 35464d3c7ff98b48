// GET /assets/<name>.<hash>.<ext>: the stylesheet and the script, from the binary.
#include <cctype>

#include "web/files.h"
#include "web/routes.h"

namespace charter::web {

namespace {

std::string content_type_of(std::string_view name) {
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

http::Route web_route(http::Method method, std::string path, std::string operation_id,
                      std::string summary) {
  http::Route r;
  r.method = method;
  r.path = std::move(path);
  r.operation_id = std::move(operation_id);
  r.summary = std::move(summary);
  r.tag = "web";
  r.auth = http::Auth::kNone;
  r.replies = {{200, "An HTML page", "text/html", {{"type", "string"}}}};
  return r;
}

Status add_asset_routes(http::Router& router, const WebContext&) {
  for (auto name : asset_names()) {
    std::string url = asset_url(name);
    std::string stem(name.substr(0, name.rfind('.')));
    std::string op = "getAsset";  // operationIds are letters and digits: "getAssetStyle"
    bool upper = true;
    for (char c : stem) {
      if (!std::isalnum(static_cast<unsigned char>(c))) {
        upper = true;
        continue;
      }
      op += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    }
    http::Route r = web_route(http::Method::kGet, url, op,
                              "Static file of the web pages: " + std::string(name));
    r.description =
        "Served from the binary; the URL carries a hash of the content, so it is cached as "
        "immutable.";
    std::string type = content_type_of(name);
    r.replies = {{200, "The file", type.substr(0, type.find(';')), {{"type", "string"}}}};
    r.exec = http::Exec::kInline;
    r.rate_limited = false;  // in memory, and every page loads them
    r.cache_control = "public, max-age=31536000, immutable";
    std::string body(*asset_file(name));
    r.handler = [body, type](http::Request&) -> Result<http::Response> {
      return http::text_response(200, body, type);
    };
    CHARTER_TRY_STATUS(router.add(std::move(r)));
  }
  return ok_status();
}

}  // namespace charter::web
