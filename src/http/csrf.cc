#include "http/csrf.h"

#include <openssl/crypto.h>

#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "http/cookies.h"
#include "http/form.h"

namespace charter::http {

namespace {

bool same_token(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Error denied(const char* why) { return make_error(Errc::kPermissionDenied, why); }

Status check_origin(const Request& req) {
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
  return ok_status();
}

std::string form_token(const Request& req) {
  auto ct = req.headers.get("Content-Type");
  if (!ct || !iequals(ct->substr(0, 33), "application/x-www-form-urlencoded")) return {};
  for (auto& [k, v] : parse_form(req.body)) {
    if (k == kCsrfField) return std::move(v);
  }
  return {};
}

}  // namespace

Status check_csrf(const Request& req, const Principal& p) {
  if (!p.by_session_cookie || !is_unsafe(req.method)) return ok_status();
  CHARTER_TRY_STATUS(check_origin(req));
  if (p.csrf_token.empty()) return denied("the session has no CSRF token");
  std::string_view sent;
  std::string from_form;
  if (auto h = req.headers.get(kCsrfHeader)) {
    sent = *h;
  } else {
    from_form = form_token(req);
    sent = from_form;
  }
  if (sent.empty()) return denied("the CSRF token is missing");
  if (!same_token(sent, p.csrf_token)) return denied("the CSRF token does not match the session");
  return ok_status();
}

Status check_same_origin(const Request& req) { return check_origin(req); }

std::string presession_csrf_token(std::string_view secret) {
  std::string input = "charter-login-csrf-v1:";
  input += secret;
  return crypto::to_base64url(crypto::sha256(crypto::as_bytes(input)));
}

Status check_presession_csrf(const Request& req) {
  CHARTER_TRY_STATUS(check_origin(req));
  std::optional<std::string_view> cookie;
  if (auto h = req.headers.get("Cookie")) cookie = find_cookie(*h, kPresessionCookie);
  if (!cookie || cookie->empty()) {
    return denied("the login form's pre-session cookie is missing (CSRF)");
  }
  std::string sent = form_token(req);
  if (sent.empty()) return denied("the CSRF token is missing");
  if (!same_token(sent, presession_csrf_token(*cookie))) {
    return denied("the CSRF token does not match the login form");
  }
  return ok_status();
}

}  // namespace charter::http
