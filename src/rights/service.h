// RightsService: data-subject requests end to end (docs/RIGHTS.md): intake with the one-time
// code, verification and the subject session, the DPO's work on the queue (record with the real
// receipt date, classify, identity and proof decisions, extension, fulfilment, refusal) and the
// answers through the outbox.
//
// Intake never reveals whether an address is known: submit() does the same work (rate limits,
// a request row, a code e-mailed) for every address and never looks at the vault; the subject
// is looked up only once the code is verified, and only the verified owner learns, in the
// answer, that no data is held.
//
// Fulfilment (fulfil()): rectification through the vault and art. 19 notices; erasure through
// the vault, keeping what a legal exception holds (art. 17(3)(b) legal obligation, (e) legal
// hold) with its ground and its end in the answer; restriction, objection and withdrawal of
// consent through the consent ledger (the access decisions change at once); access and
// portability through the ArchiveMaker (a link in the answer); post-mortem directives are
// carried out by the DPO, whose note is the answer. Every answer and extension notice goes to
// the requester by the Outbox in their language, naming the DPO and the CNIL.
//
// Dependencies are borrowed and must outlive the service. `outbox` and `archive` may be null:
// operations that need them then fail with kUnavailable ("outbox not configured") before
// changing anything. `retention` may be null (no legal holds known; no reindex).
// Errors: as the queue, the verifier, the vault and the ledger; kFailedPrecondition for an
// operation the request's state, type or proof does not allow (the message says why).
// Thread safety: thread safe.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive_maker.h"
#include "consent/ledger.h"
#include "consent/objection.h"
#include "consent/restriction.h"
#include "notify/outbox.h"
#include "retention/engine.h"
#include "rights/deadline.h"
#include "rights/queue.h"
#include "rights/subject_session.h"
#include "rights/verification.h"
#include "vault/vault.h"

namespace charter::rights {

struct RightsDeps {
  RequestQueue* queue = nullptr;
  Verifier* verifier = nullptr;
  SubjectSessions* sessions = nullptr;
  vault::Vault* vault = nullptr;
  consent::ConsentLedger* ledger = nullptr;
  consent::Objections* objections = nullptr;
  consent::Restrictions* restrictions = nullptr;
  retention::Retention* retention = nullptr;  // optional
  notify::Outbox* outbox = nullptr;           // optional: kUnavailable where needed
  archive::ArchiveMaker* archive = nullptr;   // optional: kUnavailable for access/portability
};

// The deadline of a request as the API shows it.
struct DeadlineView {
  Date due;                              // the extended due date once extended
  std::optional<DeadlineStatus> status;  // unset once the request is answered
};
DeadlineView deadline_view(const Request& r, Date today);

struct Verified {
  Request request;
  SubjectSession session;
};

// What the DPO may add when fulfilling (unset: the request's own parameters).
struct FulfilOptions {
  std::optional<std::string> params_json;  // replaces the request's parameters
  std::string note;                        // post-mortem: what was done (required); others: added
};

// Who a subject session speaks for (session_subject()): the verified address and, when the
// vault knows it, the subject id; never taken from a URL.
struct SessionSubject {
  std::string email;       // normalised, verified by the code
  std::string subject_id;  // "" when the vault holds nothing for the address
  std::string language;    // of the sign-in or of the latest request ("fr" or "en")
};

struct Outcome {
  Request request;
  std::string answer;        // the text sent
  std::string archive_link;  // access, portability
};

class RightsService {
 public:
  explicit RightsService(RightsDeps deps);

  // A subject's request (privacy center, API): received, then awaiting verification with a code
  // sent to `request.email`. `client`: who sent it (IP address or principal id), for the rate
  // limit. Same work and answer whether the address is known or not.
  Result<Request> submit(const NewRequest& request, std::string_view client);
  // Another code for a request awaiting verification (rate-limited like an intake).
  Status resend_code(std::string_view request_id, std::string_view client);
  // Checks the code; opens a subject session for the address. A subject's request moves to
  // in_progress with its subject (if the address is known); an heir's or agent's stays awaiting
  // verification until the DPO accepts the proof.
  Result<Verified> verify(std::string_view request_id, std::string_view code);
  // Requests made from the session's address.
  Result<std::vector<Request>> own_requests(const crypto::BlindIndex& email_index);

  // The DPO records a request (e-mail, post): `received` may be the real receipt date. Stays
  // received until identity is settled (confirm_identity or send_code).
  Result<Request> record(const NewRequest& request, std::string_view staff_id);
  Result<Request> classify(std::string_view request_id, RightType type, std::string_view staff_id);
  // The DPO has established the identity otherwise (note says how): in_progress.
  Result<Request> confirm_identity(std::string_view request_id, std::string_view staff_id,
                                   std::string_view note);
  // The DPO asks the requester to verify the address by code: awaiting_verification.
  Result<Request> send_code(std::string_view request_id, std::string_view staff_id);
  // Heirs and agents: the proof document (sealed), then the DPO's decision. Accepting names the
  // subject concerned (a stored subject id) and moves the request to in_progress; refusing
  // refuses the request with the note as reason.
  Result<Request> upload_proof(std::string_view request_id, std::string_view document,
                               const Actor& actor);
  Result<Request> decide_proof(std::string_view request_id, bool accept,
                               std::string_view subject_id, std::string_view staff_id,
                               std::string_view note);

  // Extends by the policy's extension, within the first month only, with the reason sent to the
  // requester.
  Result<Request> extend(std::string_view request_id, std::string_view staff_id,
                         std::string_view reason);
  Result<Outcome> fulfil(std::string_view request_id, std::string_view staff_id,
                         const FulfilOptions& options = {});
  // Refusal: ground "manifestly_unfounded", "excessive" (art. 12(5)) or
  // "identity_not_established"; `reasons` are sent to the requester.
  Result<Outcome> refuse(std::string_view request_id, std::string_view staff_id,
                         std::string_view ground, std::string_view reasons);

  // Privacy-center sign-in (sign_in.cc; docs/RIGHTS.md "Sign-in"): a one-time code sent to the
  // address without any request. start_sign_in() does the same work for every address (rate
  // limits, a row, a code e-mailed; the vault is not consulted) and returns the sign-in id
  // ("sgn_..."); verify_sign_in() checks the code (Verifier rules: 30 minutes, 5 attempts),
  // finds the subject by the address and opens a subject session.
  Result<std::string> start_sign_in(std::string_view email, std::string_view language,
                                    std::string_view client);
  Result<SubjectSession> verify_sign_in(std::string_view sign_in_id, std::string_view code);
  // The address and subject of a live session's address index: from its verified sign-in, else
  // from its verified requests. kUnauthenticated when neither is found.
  Result<SessionSubject> session_subject(const crypto::BlindIndex& email_index);
  // A request made from a signed-in session: the address is already verified, so it is created
  // in progress (bound to the session's subject) and no code is sent. Subject requests only.
  Result<Request> submit_in_session(const crypto::BlindIndex& email_index, NewRequest request);

  RequestQueue& queue() { return *d_.queue; }
  SubjectSessions& sessions() { return *d_.sessions; }
  bool has_outbox() const { return d_.outbox != nullptr; }
  bool has_archive() const { return d_.archive != nullptr; }

 private:
  Status need_outbox() const;
  Result<Outcome> close(const Request& r, State outcome, std::string_view staff_id,
                        std::string_view reason, std::string body, std::string link = {});
  Result<std::string> fulfil_rectification(const Request& r, const std::string& params,
                                           bool& partial);
  Result<std::string> fulfil_erasure(const Request& r, bool& partial);
  Result<std::string> fulfil_restriction(const Request& r, const std::string& params);
  Result<std::string> fulfil_objection(const Request& r, const std::string& params);
  Result<std::string> fulfil_withdrawal(const Request& r, const std::string& params);
  void reindex(std::string_view subject_id);

  RightsDeps d_;
};

// Erasure (art. 17) of the subjects' privacy-center traces: their sign-in rows (sealed address,
// address index) and every subject session of those addresses, which are signed out at once.
// `charter serve` calls it after each committed erasure (cli/serve_state.cc), as it does for the
// subjects' access archives. One transaction; the store must hold the rights schema.
Status forget_sign_ins(store::Store& store, std::span<const std::string> subject_ids);

}  // namespace charter::rights
