// Restriction of processing (GDPR art. 18), per subject, in the consent ledger's tables.
//
// place(): the data stays stored but is used only as art. 18(2) allows (the access layer turns
// a restricted subject into SubjectStatus::kRestricted); the ground is one of art. 18(1)(a)-(d);
// an optional free-text note is sealed under the ledger key. lift(): ends it (art. 18(3): the
// subject is told before, by the caller). Events are appended, never changed.
// Refusals: kInvalidArgument (bad subject or staff id, unknown channel, note over 4000 bytes);
// kAlreadyExists (place while restricted); kFailedPrecondition (lift while not restricted).
// `actor` is the staff id of who recorded it, or empty when the subject did it themself.
// Thread safety: thread safe; borrows the ledger.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "consent/ledger.h"
#include "consent/types.h"

namespace charter::consent {

class Restrictions {
 public:
  explicit Restrictions(ConsentLedger& ledger) : core_(ledger.core()) {}

  Result<RestrictionEvent> place(std::string_view subject_id, RestrictionGround ground,
                                 std::string_view channel, std::string_view actor = {},
                                 std::string_view note = {});
  Result<RestrictionEvent> lift(std::string_view subject_id, std::string_view channel,
                                std::string_view actor = {}, std::string_view note = {});

  Result<RestrictionState> state(std::string_view subject_id);
  Result<std::vector<RestrictionEvent>> history(std::string_view subject_id);
  Result<std::optional<std::string>> open_note(const RestrictionEvent& event) const;
  // Streams the state of every subject with restriction events, ordered by subject: for
  // building an in-memory index at start.
  Status scan_states(const std::function<void(const std::string& subject_id,
                                              const RestrictionState& state)>& visit);

 private:
  Result<RestrictionEvent> append(std::string_view subject_id, RestrictionKind kind,
                                  std::optional<RestrictionGround> ground, std::string_view channel,
                                  std::string_view actor, std::string_view note);
  LedgerCore& core_;
};

// The state from the subject's events in order (pure).
RestrictionState fold_restriction(const std::vector<RestrictionEvent>& events_in_order);

}  // namespace charter::consent
