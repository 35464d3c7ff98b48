// Data-subject requests (GDPR art. 12-22, loi Informatique et Libertés art. 85; docs/RIGHTS.md):
// the right asked, the state of the request and the legal state machine between states.
//
// States: received -> awaiting_verification -> in_progress -> (extended ->) fulfilled |
// partially_fulfilled | refused. A request recorded by the DPO with the identity already
// established may go from received to in_progress; any open request may be refused (art. 12(5)
// or identity not established). fulfilled, partially_fulfilled and refused are final.
// Pure; thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"

namespace charter::rights {

enum class RightType {
  kUnclassified,     // an e-mail to the DPO not yet classified (maildir intake)
  kAccess,           // art. 15
  kRectification,    // art. 16
  kErasure,          // art. 17
  kRestriction,      // art. 18
  kPortability,      // art. 20
  kWithdrawConsent,  // art. 7(3)
  kObjection,        // art. 21
  kPostMortem,       // loi Informatique et Libertés art. 85
};
// Policy right ids: "access", "rectification", "erasure", "restriction", "portability",
// "withdraw_consent", "objection", "post_mortem"; "unclassified".
const char* to_string(RightType t);
std::optional<RightType> parse_right(std::string_view s);
const char* article_of(RightType t);  // "GDPR art. 15", ...

enum class State {
  kReceived,
  kAwaitingVerification,
  kInProgress,
  kExtended,
  kFulfilled,
  kPartiallyFulfilled,
  kRefused,
};
// "received", "awaiting_verification", "in_progress", "extended", "fulfilled",
// "partially_fulfilled", "refused".
const char* to_string(State s);
std::optional<State> parse_state(std::string_view s);
bool is_final(State s);
bool transition_allowed(State from, State to);

// Who asks: the subject, an heir (post-mortem, art. 85 LIL) or an agent (mandate); heirs and
// agents bring a proof the DPO accepts or refuses.
enum class Requester { kSubject, kHeir, kAgent };
const char* to_string(Requester r);
std::optional<Requester> parse_requester(std::string_view s);

enum class ProofState { kNone, kPending, kAccepted, kRefused };
const char* to_string(ProofState p);

// Who performed a transition (audit actor): the subject (by its verified address), a staff member
// ("stf_..."), or the system ("rights", "maildir").
struct Actor {
  enum class Kind { kSubject, kStaff, kSystem } kind = Kind::kSystem;
  std::string id;  // staff id, or system component name; empty for the subject
};

// One request as stored (personal data opened: `email`, `text`, `params_json`).
struct Request {
  std::string id;  // "dsr_..."
  RightType type = RightType::kUnclassified;
  State state = State::kReceived;
  Requester requester = Requester::kSubject;
  ProofState proof = ProofState::kNone;
  std::string channel;      // policy channel id
  std::string language;     // "fr" or "en"
  std::string email;        // normalised; the address answers go to
  std::string text;         // the free text of the request (may be empty)
  std::string params_json;  // right-specific parameters ({} when none), see docs/RIGHTS.md
  std::string subject_id;   // set once the identity is verified and the address is known
  Date received;
  Date due;
  std::optional<Date> extended_due;  // set when extended
  Timestamp created_at, updated_at;
  std::optional<Timestamp> verified_at;
  std::string answer;  // the answer sent (final states), in `language`
};

// One audited transition.
struct Transition {
  std::string request_id;
  std::string subject_id;  // "" while unknown
  RightType type = RightType::kUnclassified;
  std::optional<State> from;  // unset: creation
  State to = State::kReceived;
  Actor actor;
  std::string reason;  // reason code, [a-z0-9_]: "intake", "code_verified", "extended", ...
  Timestamp at;
};

}  // namespace charter::rights
