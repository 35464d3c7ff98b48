#include "http/charter_authenticator.h"

namespace charter::http {

Result<Principal> CharterAuthenticator::authenticate(const Credentials& credentials) {
  const std::string& secret = credentials.secret;
  const bool cookie = credentials.kind == Credentials::Kind::kSessionCookie;
  if (!cookie && secret.rfind("chsvc_", 0) == 0) {
    CHARTER_TRY(staff::Identity id, services_.authenticate(secret));
    if (id.suspended) return make_error(Errc::kPermissionDenied, "service suspended");
    Principal p;
    p.kind = Principal::Kind::kService;
    p.id = std::move(id.id);
    p.purposes = std::move(id.purposes);
    return p;
  }
  if (!cookie && secret.rfind("chses_", 0) != 0) {
    return make_error(Errc::kUnauthenticated, "invalid token");
  }
  CHARTER_TRY(SessionInfo session, sessions_.resolve(secret));
  auto member = staff_.identity(session.staff_id);
  if (!member) {
    if (member.error().code == Errc::kNotFound) {
      return make_error(Errc::kUnauthenticated, "invalid session");
    }
    return std::move(member).error();
  }
  if (member->suspended) return make_error(Errc::kPermissionDenied, "staff member suspended");
  Principal p;
  p.kind = Principal::Kind::kStaff;
  p.id = std::move(member->id);
  p.roles = std::move(member->roles);
  p.by_session_cookie = cookie;
  p.csrf_token = std::move(session.csrf_token);
  p.must_change_password = session.must_change_password;
  return p;
}

}  // namespace charter::http
