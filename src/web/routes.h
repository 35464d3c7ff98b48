// The groups of web routes (internal to src/web; add_web_routes() calls them):
//   asset_routes.cc    GET /assets/<name>.<hash>.<ext> (stylesheet, script; immutable)
//   public_routes.cc   GET / (privacy center), GET /notice (collection notices)
//   console_routes.cc  /console/login, /console/logout, /console/password, /console (home)
//   console_pages.cc   /console/search, /console/register, /console/retention,
//                      /console/staff, /console/audit (+ /verify)
//   rights_pages.cc    /console/requests (the DPO's queue), /console/requests/{id} (+ actions)
//   disclosure_pages.cc  /console/disclosures (register, record), /console/disclosures/{id}
//   subject_pages.cc   /me/... the privacy center of a signed-in data subject
#pragma once

#include <memory>

#include "core/result.h"
#include "http/route.h"
#include "http/router.h"
#include "web/web_context.h"

namespace charter::web {

Status add_asset_routes(http::Router& router, const WebContext& web);
Status add_public_routes(http::Router& router, std::shared_ptr<const WebContext> web);
Status add_console_routes(http::Router& router, std::shared_ptr<const WebContext> web);
Status add_console_pages(http::Router& router, std::shared_ptr<const WebContext> web);
Status add_rights_pages(http::Router& router, std::shared_ptr<const WebContext> web);
Status add_disclosure_pages(http::Router& router, std::shared_ptr<const WebContext> web);
// subject_pages.cc: the signed-in subject's pages under /me (sign-in by e-mail code).
Status add_subject_pages(http::Router& router, std::shared_ptr<const WebContext> web);

// A route of the web pages: tag "web", an HTML reply described, `lang` query parameter.
http::Route web_route(http::Method method, std::string path, std::string operation_id,
                      std::string summary);

}  // namespace charter::web
