#include "http/csrf.h"

#include <openssl/crypto.h>

#include "http/form.h"

namespace charter::http {

namespace {

bool same_token(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

Status check_csrf(const Request& req, const Principal& p) {
  if (!p.by_session_cookie || !is_unsafe(req.method)) return ok_status();
  auto denied = [](const char* why) { return make_error(Errc::kPermissionDenied, why); };
  if (auto site = req.headers.get("Sec-Fetch-Site")) {
    if (*site != "same-origin" && *site != "none") {
      return denied("cross-site request refused (CSRF): Sec-Fetch-Site is not same-origin");
    }
  }
  if (auto origin = req.headers.get("Origin")) {
    std::string own = std::string(req.secure ? "https://" : "http://") +
                      std::string(req.headers.get("Host").value_or(""));
    if (!iequals(*origin, own)) {
      return denied("cross-origin request refused (CSRF): Origin is not this server");
    }
  }
  if (p.csrf_token.empty()) return denied("the session has no CSRF token");
  std::string_view sent;
  std::string form_token;
  if (auto h = req.headers.get(kCsrfHeader)) {
    sent = *h;
  } else if (auto ct = req.headers.get("Content-Type");
             ct && iequals(ct->substr(0, 33), "application/x-www-form-urlencoded")) {
    for (auto& [k, v] : parse_form(req.body)) {
      if (k == kCsrfField) {
        form_token = std::move(v);
        sent = form_token;
        break;
      }
    }
  }
  if (sent.empty()) return denied("the CSRF token is missing");
  if (!same_token(sent, p.csrf_token)) return denied("the CSRF token does not match the session");
  return ok_status();
}

}  // namespace charter::http
