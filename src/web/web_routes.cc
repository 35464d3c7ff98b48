#include "web/web_routes.h"

#include "web/routes.h"

namespace charter::web {

Status add_web_routes(http::Router& router, const http::ApiContext& context) {
  CHARTER_TRY(auto site, Site::create(context.policy));
  auto web = std::make_shared<WebContext>();
  web->site = std::shared_ptr<const Site>(std::move(site));
  web->api = context;
  web->api.extra_routes = nullptr;
  web->random = std::make_unique<SystemRandom>();
  if (context.staff && context.services && context.sessions) {
    web->authenticator = std::make_unique<http::CharterAuthenticator>(
        *context.staff, *context.services, *context.sessions);
  }
  std::shared_ptr<const WebContext> shared = web;
  CHARTER_TRY_STATUS(add_asset_routes(router, *shared));
  CHARTER_TRY_STATUS(add_public_routes(router, shared));
  if (context.rights && context.clock && context.vault && context.ledger && context.objections &&
      context.restrictions) {
    CHARTER_TRY_STATUS(add_subject_pages(router, shared));
  }
  if (web->authenticator && context.clock) {
    CHARTER_TRY_STATUS(add_console_routes(router, shared));
    CHARTER_TRY_STATUS(add_console_pages(router, shared));
    if (context.rights) CHARTER_TRY_STATUS(add_rights_pages(router, shared));
    if (context.disclosures) CHARTER_TRY_STATUS(add_disclosure_pages(router, shared));
  }
  return ok_status();
}

}  // namespace charter::web
