// DrpService: the Data Rights Protocol endpoints of a Covered Business (DRP 2.01-2.06;
// docs/DRP.md), on top of the rights queue (src/rights):
//   pair()        POST   /v1/agent/{agent-id}            pair-wise key setup: a bearer token
//   agent_info()  GET    /v1/agent/{agent-id}            {} while the token is valid
//   exercise()    POST   /v1/data-rights-request         a new rights request, its status
//   status()      GET    /v1/data-rights-request/{id}    the status object (DRP 3.03)
//   revoke()      DELETE /v1/data-rights-request/{id}    the request refused as "revoked"
//
// Signed bodies go through the checks of DRP 3.07 in order (checks.h). Exercises map onto rights
// requests (channel `authorized_agent`): `access` -> access (GDPR art. 15), `deletion` ->
// erasure (art. 17), `sale:opt-out` / `sale:opt_out` -> objection (art. 21) to every purpose
// open to objection, i.e. to any transfer. Identity (DRP 3.04): the `email` claim is required;
// with `email_verified: true` the trusted agent's attestation is the proof of identity (the
// request goes to in_progress, the signed body kept sealed as the accepted proof); otherwise a
// one-time code is e-mailed to the address (awaiting_verification, shown as
// need_user_verification). Either way the answer is the same for a known and an unknown address.
// A signed body already used (same signature) answers the status of the request it created.
//
// Every reply is DRP-shaped: 200 application/json, or an error {"code": "403", "message": ...,
// "fatal": true?}; a failed pair-wise setup is 403 with no body (DRP 2.05.1). Refusals are audited
// (action "drp.refused", the failed check as reason; actor {system, "drp:<agent-id>"} once the
// agent is known); a request made or revoked as "drp.exercise" / "drp.revoke" with the rights
// request id, whose transitions the queue's hook audits (actor {system, "drp"}); issued tokens as
// "drp.token_issued".
//
// Dependencies are borrowed and must outlive the service; `outbox` and `retention` may be null
// (unverified addresses are then refused with 503). Thread safety: thread safe.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/entry.h"
#include "drp/agents.h"
#include "drp/checks.h"
#include "drp/status.h"
#include "notify/outbox.h"
#include "retention/engine.h"
#include "rights/queue.h"
#include "rights/verification.h"
#include "vault/vault.h"

namespace charter::drp {

struct DrpReply {
  int status = 200;
  nlohmann::json body = nlohmann::json::object();
  bool no_body = false;  // 403 of a failed pair-wise setup
  std::string check;     // the failed check or error reason code ("" on success)
};

// One HTTP call as the routes see it.
struct Call {
  std::optional<std::string_view> authorization;  // the Authorization field, if any
  std::string_view body;                          // the raw body (text/plain)
  std::string_view http_request_id;               // for the audit log ("" when none)
};

struct DrpDeps {
  AgentRegistry* agents = nullptr;                              // required
  rights::RequestQueue* queue = nullptr;                        // required
  rights::Verifier* verifier = nullptr;                         // required
  vault::Vault* vault = nullptr;                                // required
  notify::Outbox* outbox = nullptr;                             // optional
  retention::Retention* retention = nullptr;                    // optional
  std::function<Status(std::vector<audit::AuditEvent>)> audit;  // null: not audited (tests)
};

struct DrpOptions {
  std::string default_business_id = "CHARTER";  // when `charter drp business-id` set none
  std::string language = "en";                  // of the e-mails to users ("fr" or "en")
};

// The rights request a DRP exercise maps to; nullopt for actions not supported.
std::optional<rights::RightType> right_of(std::string_view exercise);

class DrpService {
 public:
  DrpService(DrpDeps deps, DrpOptions options, const Clock& clock);

  DrpReply pair(std::string_view path_agent, const Call& call);
  DrpReply agent_info(std::string_view path_agent, const Call& call);
  DrpReply exercise(const Call& call);
  DrpReply status(std::string_view request_id, const Call& call);
  DrpReply revoke(std::string_view request_id, const Call& call);

  // The business-id in force (set by the operator, else the default).
  Result<std::string> business_id();
  // The DRP side of a request (nullopt: not a DRP request).
  Result<std::optional<DrpLink>> link(std::string_view request_id);

 private:
  DrpReply refused(const Refusal& r, const std::string& actor_id, const Call& call);
  DrpReply failed(const Error& e, const std::string& actor_id, const Call& call);
  DrpReply status_reply(const DrpLink& link);
  // The agent of the call's bearer token, or the refusal.
  std::variant<Agent, Refusal> token_agent(const Call& call);
  // `request_id`: the rights request concerned ("": the HTTP request id of the call).
  void audit(const std::string& actor_id, std::string action, audit::Decision decision,
             std::string reason, const Call& call, std::string_view request_id = {});

  DrpDeps d_;
  DrpOptions options_;
  const Clock& clock_;
  Checker checker_;
  std::string channel_;
};

}  // namespace charter::drp
