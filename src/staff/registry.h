// StaffRegistry: the staff members who may touch personal data (C11, DESIGN.md section 6).
//
// A member has an opaque id ("stf_..."), a display name and an e-mail (sealed at rest; the
// e-mail is found through a blind index for console login), roles (each a staff role of the
// policy, i.e. an internal recipient), the date of their last training (valid until training +
// policy staff.training_validity, exclusive: a P1Y training of 2025-01-10 is valid through
// 2026-01-09), the date they signed the confidentiality commitment, a suspension, and a console
// password (Argon2id, crypto/password.h). Every change leaves a staff_events row with dates and
// role ids only.
//
// Errors (messages never contain names, e-mail addresses or passwords): kInvalidArgument (bad
// id, empty or over-long name, malformed e-mail, no role, a role that is not a policy staff role,
// a date in the future, an empty or over-long password); kAlreadyExists (e-mail already
// registered); kNotFound (no such member); kUnauthenticated (login: unknown e-mail or wrong
// password, one message for both); kPermissionDenied (login of a suspended member); storage
// errors. Ownership: borrows Store, Clock, Random (must outlive it); shares the policy.
// Thread safety: thread safe (the Random is used under a mutex).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/argon2.h"
#include "crypto/key_ring.h"
#include "policy/model.h"
#include "staff/audit_hook.h"
#include "staff/keys.h"
#include "staff/types.h"
#include "store/store.h"

namespace charter::staff {

struct NewMember {
  std::string display_name;
  std::string email;
  std::vector<std::string> roles;
};

struct RegistryOptions {
  // Argon2id limits for console passwords: interactive() in production, minimum() in tests.
  crypto::Argon2Limits password_limits = crypto::Argon2Limits::interactive();
  // Audits every change in its transaction (audit_hook.h; fail closed). Not owned.
  AuditHook* audit = nullptr;
};

class StaffRegistry {
 public:
  // Applies the staff migrations and loads (or creates) the staff key under `ring`.
  static Result<std::unique_ptr<StaffRegistry>> open(store::Store& store,
                                                     std::shared_ptr<const policy::Policy> policy,
                                                     const Clock& clock, Random& random,
                                                     const crypto::KeyRing& ring,
                                                     RegistryOptions options = {});

  Result<Member> add(const NewMember& member);
  Result<Member> set_roles(std::string_view staff_id, const std::vector<std::string>& roles);
  Result<Member> record_training(std::string_view staff_id, Date trained_on);
  Result<Member> record_confidentiality(std::string_view staff_id, Date signed_on);
  Result<Member> suspend(std::string_view staff_id);
  Result<Member> reinstate(std::string_view staff_id);
  Status set_password(std::string_view staff_id, std::string_view password);

  Result<Member> get(std::string_view staff_id);
  Result<MemberDetails> details(std::string_view staff_id);
  Result<std::vector<Member>> list();
  // The actor for access decisions (suspended members are returned with suspended = true).
  Result<Identity> identity(std::string_view staff_id);
  // Console login by e-mail and password.
  Result<Identity> login(std::string_view email, std::string_view password);

  // Whether a member's training is valid at `now`, and until when (exclusive).
  std::optional<Timestamp> training_valid_until(const Member& member) const;
  bool training_valid(const Member& member, Timestamp now) const;

 private:
  StaffRegistry(store::Store& store, std::shared_ptr<const policy::Policy> policy,
                const Clock& clock, Random& random, StaffKeys keys, RegistryOptions options)
      : store_(store),
        policy_(std::move(policy)),
        clock_(clock),
        random_(random),
        keys_(std::move(keys)),
        options_(options) {}
  Status check_roles(const std::vector<std::string>& roles) const;
  Result<Member> update(std::string_view staff_id, std::string_view set_sql,
                        std::vector<store::Value> values, std::string_view event_kind,
                        std::string detail);
  Status append_event(store::Transaction& tx, const std::string& staff_id, std::string_view kind,
                      const std::string& detail);
  std::string new_id(std::string_view prefix);

  store::Store& store_;
  std::shared_ptr<const policy::Policy> policy_;
  const Clock& clock_;
  Random& random_;
  std::mutex random_mu_;
  StaffKeys keys_;
  RegistryOptions options_;
  std::atomic<std::int64_t> last_seq_{0};
};

// "  Jane.Doe@Example.COM " -> "jane.doe@example.com"; kInvalidArgument unless it looks like
// one address (one '@', non-empty local part and domain with a dot, no spaces, <= 254 bytes).
Result<std::string> normalize_email(std::string_view email);

}  // namespace charter::staff
