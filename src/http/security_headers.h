// Security headers added to every response (docs/HTTP.md):
//   X-Content-Type-Options: nosniff; Referrer-Policy: no-referrer; X-Frame-Options: DENY;
//   Content-Security-Policy: "default-src 'none'; frame-ancestors 'none'" for everything but
//   HTML; for HTML pages a policy allowing only the page's own inline styles and same-origin
//   images and form posts; Cache-Control from the route (no-store by default);
//   Strict-Transport-Security on TLS connections.
// Contract: a header the handler already set is kept (a page may tighten its own CSP). Pure.
#pragma once

#include <string_view>

#include "http/response.h"

namespace charter::http {

void add_security_headers(Response& response, std::string_view cache_control, bool tls);

}  // namespace charter::http
