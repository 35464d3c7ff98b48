// ServiceRegistry: identities of the company's own applications (emailing platform, billing,
// support desk) and their API tokens (DESIGN.md sections 4 and 6).
//
// A service ("svc_...") has a name (lower-case letters, digits, '-', '_': not personal data) and
// the policy purposes it may invoke. An API token is "chsvc_" + 52 base32 characters (256
// random bits), shown once by issue_token(); only its SHA-256 is stored (a 256-bit random token
// needs no salt or slow hash: it cannot be guessed), with an expiry and an optional revocation.
// authenticate(token) hashes the token and finds it by that hash.
// Errors: kInvalidArgument (bad name or id, unknown purpose, no purpose, validity zero or over
// P2Y); kAlreadyExists (name taken); kNotFound (no such service or token); kUnauthenticated
// "invalid token" / "token expired" / "token revoked" (authenticate; the token is never echoed);
// kPermissionDenied "service suspended" (authenticate); storage errors.
// Thread safety: thread safe (Random under a mutex). Borrows Store, Clock, Random.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "policy/model.h"
#include "staff/audit_hook.h"
#include "staff/types.h"
#include "store/store.h"

namespace charter::staff {

class ServiceRegistry {
 public:
  // Applies the staff migrations.
  static Result<std::unique_ptr<ServiceRegistry>> open(store::Store& store,
                                                       std::shared_ptr<const policy::Policy> policy,
                                                       const Clock& clock, Random& random,
                                                       AuditHook* audit = nullptr);

  Result<Service> add(std::string_view name, const std::vector<std::string>& purposes);
  Result<Service> set_purposes(std::string_view service_id,
                               const std::vector<std::string>& purposes);
  Result<Service> suspend(std::string_view service_id);
  Result<Service> reinstate(std::string_view service_id);
  Result<Service> get(std::string_view service_id);
  Result<Service> find_by_name(std::string_view name);
  Result<std::vector<Service>> list();

  Result<IssuedToken> issue_token(std::string_view service_id, const policy::Duration& validity);
  Status revoke_token(std::string_view token_id);
  Result<std::vector<TokenInfo>> tokens(std::string_view service_id);

  Result<Identity> authenticate(std::string_view token);

 private:
  ServiceRegistry(store::Store& store, std::shared_ptr<const policy::Policy> policy,
                  const Clock& clock, Random& random, AuditHook* audit)
      : store_(store), policy_(std::move(policy)), clock_(clock), random_(random), audit_(audit) {}
  Status audit(store::Transaction& tx, std::string action, std::string_view target);
  Status check_purposes(const std::vector<std::string>& purposes) const;
  Result<Service> set_suspended(std::string_view service_id, bool suspended);

  store::Store& store_;
  std::shared_ptr<const policy::Policy> policy_;
  const Clock& clock_;
  Random& random_;
  AuditHook* audit_ = nullptr;
  std::mutex random_mu_;
};

}  // namespace charter::staff
