// RequestQueue: the stored queue of data-subject requests (docs/RIGHTS.md "Queue"). Personal data
// of a request (the e-mail, the free text, the right's parameters, a proof, the answer, the notes
// of transitions) is sealed under the module key (keys.h) with AD ("rights", request id, field);
// the e-mail is also kept as a blind index (a subject's own requests, rate limits).
//
// Every change of a request is a transition (request.h: transition_allowed, or the same state
// for a change of type, proof or parameters) written with its actor and reason code in
// rights_transitions and passed to the AuditHook inside the write transaction before it commits:
// if the hook fails, nothing is stored (fail closed).
//
// Errors: kInvalidArgument (malformed id, language, e-mail, channel, reason: named field),
// kNotFound (unknown request), kFailedPrecondition (transition not allowed from the current
// state: "request is <state>: cannot become <state>"), the store's and the hook's.
// Thread safety: thread safe (the store serialises writers; each transition re-reads its row
// under a lock).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/key_ring.h"
#include "policy/model.h"
#include "rights/keys.h"
#include "rights/request.h"
#include "store/store.h"

namespace charter::rights {

using AuditHook = std::function<Status(store::Transaction&, const Transition&)>;

struct NewRequest {
  RightType type = RightType::kUnclassified;
  Requester requester = Requester::kSubject;
  std::string channel = "privacy_center";  // a policy channel id
  std::string language = "fr";             // "fr" or "en"
  std::string email;                       // normalised here (vault/normalize.h)
  std::string text;                        // free text, up to 10,000 bytes
  std::string params_json = "{}";          // right-specific parameters (a JSON object)
  std::optional<Date> received;            // unset: today (the clock's date)
  // Maildir intake: the message's key, recorded in rights_mail in the same transaction (a
  // message already recorded is kAlreadyExists and nothing is stored).
  std::string mail_key;
};

// What a transition changes besides the state (unset: unchanged).
struct Changes {
  std::optional<RightType> type;
  std::optional<std::string> subject_id;
  std::optional<Date> extended_due;
  std::optional<std::string> answer;
  std::optional<ProofState> proof;
  std::optional<std::string> proof_document;  // sealed
  std::optional<std::string> params_json;
  bool verified = false;  // sets verified_at to now
};

struct TransitionRecord {
  std::int64_t seq = 0;
  Timestamp at;
  std::optional<State> from;
  State to = State::kReceived;
  Actor actor;
  std::string reason;
  std::string note;  // opened
};

class RequestQueue {
 public:
  // Applies the rights migrations and loads (or creates) the module keys under `ring`.
  // Everything borrowed must outlive the queue.
  static Result<std::unique_ptr<RequestQueue>> open(store::Store& store,
                                                    const policy::Policy& policy,
                                                    const crypto::KeyRing& ring, const Clock& clock,
                                                    Random& random, AuditHook audit = {});

  // Records a new request in state `received` (deadlines from the policy's rights).
  Result<Request> create(const NewRequest& request, const Actor& actor, std::string_view reason);
  // Moves a request to `to` (or changes it in place when to == its state), audited. `note` is
  // sealed with the transition (may be empty).
  Result<Request> transition(std::string_view request_id, State to, const Actor& actor,
                             std::string_view reason, std::string_view note = {},
                             const Changes& changes = {});

  Result<Request> get(std::string_view request_id);
  // Requests, oldest first; `state` filters; `open_only` leaves out final states.
  Result<std::vector<Request>> list(std::optional<State> state = std::nullopt,
                                    bool open_only = false, std::size_t limit = 1000);
  // Requests made from one address (normalised first), newest first.
  Result<std::vector<Request>> list_by_email(std::string_view email);
  Result<std::vector<Request>> list_by_email_index(const crypto::BlindIndex& index);
  Result<std::vector<TransitionRecord>> history(std::string_view request_id);
  // The sealed proof document of a request ("" when none).
  Result<std::string> proof_document(std::string_view request_id);
  // True when the subject has a request that is not final (retention: open requests).
  Result<bool> open_for_subject(std::string_view subject_id);

  // The blind index of a normalised e-mail.
  crypto::BlindIndex email_index(std::string_view normalized_email) const;
  const RightsKeys& keys() const { return keys_; }
  const policy::Policy& policy() const { return policy_; }
  store::Store& store() { return store_; }
  const Clock& clock() const { return clock_; }
  Random& random() { return random_; }

 private:
  RequestQueue(store::Store& store, const policy::Policy& policy, RightsKeys keys,
               const Clock& clock, Random& random, AuditHook audit)
      : store_(store),
        policy_(policy),
        keys_(std::move(keys)),
        clock_(clock),
        random_(random),
        audit_(std::move(audit)) {}

  Result<std::vector<Request>> select(store::Transaction& tx, std::string_view where,
                                      std::initializer_list<store::Param> params);
  Result<Request> read_one(store::Transaction& tx, std::string_view request_id);
  std::vector<std::uint8_t> seal(std::string_view request_id, std::string_view field,
                                 std::string_view plain);
  Result<std::string> open_sealed(std::string_view request_id, std::string_view field,
                                  crypto::ByteView sealed) const;
  Status record(store::Transaction& tx, const Transition& t, std::string_view note);

  store::Store& store_;
  const policy::Policy& policy_;
  RightsKeys keys_;
  const Clock& clock_;
  Random& random_;
  AuditHook audit_;
};

}  // namespace charter::rights
