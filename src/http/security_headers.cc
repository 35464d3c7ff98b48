#include "http/security_headers.h"

#include <string>

namespace charter::http {

namespace {
void set_default(Response& r, std::string_view name, std::string_view value) {
  if (!r.headers.has(name)) r.headers.set(name, std::string(value));
}
}  // namespace

void add_security_headers(Response& r, std::string_view cache_control, bool tls) {
  bool html = r.content_type().starts_with("text/html");
  set_default(r, "Content-Security-Policy",
              html ? "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                     "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
                   : "default-src 'none'; frame-ancestors 'none'");
  set_default(r, "X-Content-Type-Options", "nosniff");
  set_default(r, "Referrer-Policy", "no-referrer");
  set_default(r, "X-Frame-Options", "DENY");
  set_default(r, "Cache-Control", cache_control.empty() ? "no-store" : cache_control);
  if (tls) set_default(r, "Strict-Transport-Security", "max-age=31536000");
}

}  // namespace charter::http
