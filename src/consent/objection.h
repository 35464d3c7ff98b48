// Objections (GDPR art. 21), per subject and purpose, in the consent ledger's tables and writer.
//
// - object(): the subject objects, through a policy channel. It takes effect at once. For a
//   purpose whose policy `objection` is `absolute` (direct marketing, art. 21(2)-(3)) nothing can
//   override it; for `overridable` ones (legitimate interest, art. 21(1)) the DPO may record
//   compelling legitimate grounds. Objecting again while an objection is in force writes nothing
//   and returns the objection in force (a repeated objection does not undo the DPO's grounds).
// - record_grounds(): the DPO (a staff id; the caller has checked the role) records the grounds,
//   sealed under the ledger key; the state becomes `overridden` (access decisions allow again).
// - lift(): the subject withdraws the objection.
// Events are appended, never changed. State: the fold of the purpose's events in order; an
// `overridden` on a purpose the current policy makes absolute does not count.
// Refusals: kInvalidArgument (bad subject or staff id, unknown purpose or channel, a purpose whose
// objection is `none`: "purpose X cannot be objected to: its basis is Y", empty or over-long
// grounds); kFailedPrecondition (grounds for an absolute purpose, grounds or lift without an
// objection in force, grounds twice). Thread safety: thread safe; borrows the ledger.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "consent/ledger.h"
#include "consent/types.h"

namespace charter::consent {

class Objections {
 public:
  explicit Objections(ConsentLedger& ledger) : core_(ledger.core()) {}

  Result<ObjectionEvent> object(std::string_view subject_id, std::string_view purpose,
                                std::string_view channel);
  Result<ObjectionEvent> record_grounds(std::string_view subject_id, std::string_view purpose,
                                        std::string_view dpo_staff_id, std::string_view grounds);
  Result<ObjectionEvent> lift(std::string_view subject_id, std::string_view purpose,
                              std::string_view channel);

  Result<ObjectionState> state(std::string_view subject_id, std::string_view purpose);
  // Every purpose with at least one objection event.
  Result<std::map<std::string, ObjectionState>> states(std::string_view subject_id);
  Result<std::vector<ObjectionEvent>> history(std::string_view subject_id);
  // The DPO's grounds of a kOverridden event.
  Result<std::string> open_grounds(const ObjectionEvent& event) const;
  // Streams the state of every (subject, purpose) with objection events, ordered by subject:
  // for building an in-memory index at start.
  Status scan_states(
      const std::function<void(const std::string& subject_id, const std::string& purpose,
                               const ObjectionState& state)>& visit);

 private:
  LedgerCore& core_;
};

// The state from a purpose's events in order (pure).
ObjectionState fold_objection(const policy::Purpose* purpose,
                              const std::vector<ObjectionEvent>& events_in_order);

// Internal, shared with gpc.cc: the events of one subject (optionally one purpose) in order,
// read inside `tx`.
Result<std::vector<ObjectionEvent>> read_objections(store::Transaction& tx,
                                                    std::string_view subject_id,
                                                    std::string_view purpose);
// Inserts one objection event inside `tx`.
Status insert_objection(store::Transaction& tx, const ObjectionEvent& e);

}  // namespace charter::consent
