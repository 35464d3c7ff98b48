// CSRF protection for console sessions: a request authenticated by the session cookie with an
// unsafe method (POST, PUT, PATCH, DELETE) must prove it comes from Charter's own pages.
//
// Contract: check_csrf() passes when the principal did not authenticate by cookie, or the
// method is safe; otherwise it requires, in order:
//   1. Sec-Fetch-Site, when the browser sends it, is "same-origin" (or "none": typed by the
//      user);
//   2. Origin, when sent, is this server's origin (scheme + Host of the request);
//   3. the session's CSRF token (Principal::csrf_token, non-empty) in the X-CSRF-Token header or
//      in the `csrf_token` field of an application/x-www-form-urlencoded body (forms work
//      without JavaScript), compared in constant time (synchronizer token bound to the session).
// Errors: kPermissionDenied saying which check failed (never the token). Pure.
//
// Before a session exists (the console's login form, without JavaScript): a pre-session cookie
// (kPresessionCookie, a random secret, HttpOnly Secure SameSite=Strict, Path=/console) is set
// with the form, whose hidden `csrf_token` field is presession_csrf_token(secret) (base64url of
// SHA-256 of "charter-login-csrf-v1:" + secret). check_presession_csrf() runs checks 1 and 2
// above, then requires the cookie and the form field to match (constant time): a page of
// another site can neither read the token nor set the cookie (login CSRF).
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "http/principal.h"
#include "http/request.h"

namespace charter::http {

inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";
inline constexpr std::string_view kCsrfField = "csrf_token";

inline constexpr std::string_view kPresessionCookie = "charter_presession";

Status check_csrf(const Request& request, const Principal& principal);
// Checks 1 and 2 alone (Sec-Fetch-Site, Origin), for routes without a token (JSON bodies).
Status check_same_origin(const Request& request);

std::string presession_csrf_token(std::string_view presession_secret);
Status check_presession_csrf(const Request& request);

}  // namespace charter::http
