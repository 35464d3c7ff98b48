// Legal holds (disputes, GDPR art. 17(3)(e)): the DPO freezes a subject's data with a reason and
// releases it with a reason. While a hold is in force the `legal_hold` state keeps open every
// rule that lists it (`open_while: [legal_hold]`, the disputes purpose of the default policy), so
// neither sweeps nor erasure delete what those rules cover (vault/holds.h).
//
// Reasons are the DPO's words about a dispute: plain text up to 500 characters, stored in clear
// for the audit trail; they must not contain personal data (the CLI and docs say so). Actors are
// staff ids ("stf_..."). Every change is committed with `on_change` (the audit hook) inside its
// transaction: if the hook fails nothing is stored (fail closed).
// Errors: kInvalidArgument (subject id, actor id or reason malformed: named field), kNotFound
// (unknown subject or hold), kFailedPrecondition (hold released already).
// Thread safety: thread safe (the store serialises writers).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "store/store.h"

namespace charter::retention {

struct LegalHold {
  std::string hold_id;  // "hld_..."
  std::string subject_id;
  Timestamp placed_at;
  std::string placed_by;
  std::string reason;
  std::optional<Timestamp> released_at;
  std::string released_by;
  std::string release_reason;
  bool active() const { return !released_at; }
};

struct HoldChange {
  bool placed = true;  // false: released
  std::string hold_id, subject_id, actor;
};
using HoldHook = std::function<Status(store::Transaction&, const HoldChange&)>;

class LegalHolds {
 public:
  // `store` must have the retention migrations applied (Retention::open does it).
  LegalHolds(store::Store& store, const Clock& clock, Random& random, HoldHook on_change = {})
      : store_(store), clock_(clock), random_(random), on_change_(std::move(on_change)) {}

  Result<LegalHold> place(std::string_view subject_id, std::string_view actor,
                          std::string_view reason);
  Result<LegalHold> release(std::string_view hold_id, std::string_view actor,
                            std::string_view reason);
  // Holds of one subject (empty: every subject); `active_only` leaves out released ones.
  Result<std::vector<LegalHold>> list(std::string_view subject_id = {}, bool active_only = false);
  Result<bool> held(std::string_view subject_id);
  Result<bool> held(store::Transaction& tx, std::string_view subject_id);

 private:
  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  HoldHook on_change_;
};

}  // namespace charter::retention
