// The web pages of `charter serve` (docs/WEB.md): the privacy center (/, /notice), the assets
// (/assets/...), and the staff console (/console...). Called by http::build_api() through
// ApiContext::extra_routes, so the pages are in the same route table (and OpenAPI document,
// tag "web") as the API.
//
// Public pages need only the policy; the console needs the staff registry, the service
// registry, the session store and the clock (else its routes are not added); each console page
// is added when what it reads is in the context (search: vault + access; retention: retention;
// audit: audit log + public key; chart: consent ledger).
// Errors: Site::create's (a template that does not parse), Router::add's (a bug).
#pragma once

#include "core/result.h"
#include "http/api.h"
#include "http/router.h"

namespace charter::web {

Status add_web_routes(http::Router& router, const http::ApiContext& context);

}  // namespace charter::web
