#include "http/roles.h"

#include <algorithm>

namespace charter::http {

std::string describe(const Rule& rule) {
  std::string roles;
  for (auto r : rule.roles) roles += std::string(roles.empty() ? "" : ", ") + std::string(r);
  std::string out = "Callers: staff with the role " + roles;
  if (rule.services) out += "; service tokens (bound to the purpose acted for)";
  return out + ".";
}

Status allow(const Principal& principal, const Rule& rule) {
  if (principal.kind == Principal::Kind::kService) {
    if (rule.services) return ok_status();
    return make_error(Errc::kPermissionDenied, "service tokens may not call this route");
  }
  for (const auto& role : principal.roles) {
    if (std::find(rule.roles.begin(), rule.roles.end(), role) != rule.roles.end()) {
      return ok_status();
    }
  }
  std::string roles;
  for (auto r : rule.roles) roles += std::string(roles.empty() ? "" : ", ") + std::string(r);
  return make_error(Errc::kPermissionDenied, "this route needs one of the staff roles " + roles);
}

Status service_purpose(const Principal& principal, std::string_view purpose) {
  if (principal.kind != Principal::Kind::kService) return ok_status();
  if (std::find(principal.purposes.begin(), principal.purposes.end(), purpose) !=
      principal.purposes.end()) {
    return ok_status();
  }
  return make_error(Errc::kPermissionDenied,
                    "the service token is not bound to the purpose " + std::string(purpose));
}

}  // namespace charter::http
