#include "http/authenticator.h"

#include "http/cookies.h"

namespace charter::http {

namespace {

// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
bool is_b64token(std::string_view t) {
  std::size_t i = 0;
  while (i < t.size()) {
    char c = t[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
    if (!ok) break;
    ++i;
  }
  if (i == 0) return false;
  while (i < t.size() && t[i] == '=') ++i;
  return i == t.size();
}

}  // namespace

Result<std::optional<Credentials>> extract_credentials(const Headers& headers) {
  auto auth = headers.get_all("Authorization");
  if (auth.size() > 1) {
    return make_error(Errc::kUnauthenticated, "several Authorization headers");
  }
  if (auth.size() == 1) {
    std::string_view v = auth[0];
    constexpr std::string_view kScheme = "bearer ";
    if (v.size() <= kScheme.size() || !iequals(v.substr(0, kScheme.size()), kScheme)) {
      return make_error(Errc::kUnauthenticated,
                        "the Authorization header must use the Bearer scheme");
    }
    v.remove_prefix(kScheme.size());
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    if (!is_b64token(v)) {
      return make_error(Errc::kUnauthenticated, "the bearer token is malformed");
    }
    return std::optional<Credentials>(Credentials{Credentials::Kind::kBearer, std::string(v)});
  }
  for (std::string_view cookie_header : headers.get_all("Cookie")) {
    if (auto v = find_cookie(cookie_header, kSessionCookieName)) {
      return std::optional<Credentials>(
          Credentials{Credentials::Kind::kSessionCookie, std::string(*v)});
    }
  }
  return std::optional<Credentials>();
}

}  // namespace charter::http
