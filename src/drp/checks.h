// The checks of DRP section 3.07 ("API Authentication"), in the order the spec gives
// (docs/DRP.md "Checks"):
//   1. the body decodes from base64 into a binary buffer             400 not_base64 | not_signed
//   2. the signature at its start verifies with the key of the agent  401 no_token
//      named by the bearer token (pair-wise setup: by the path)       403 unknown_token |
//                                                                         unknown_agent |
//                                                                         bad_signature
//      (the signed document must then be a JSON object               400 bad_json)
//   3. the `agent-id` claim is that agent                             400 missing_claim
//                                                                     403 agent_mismatch
//   4. the `business-id` claim is this Covered Business               400 missing_claim
//                                                                     403 business_mismatch
//   5. now is at or after `issued-at`                                 400 bad_time
//                                                                     403 issued_in_future
//   6. now is before `expires-at`                                     400 bad_time
//                                                                     403 expired (fatal)
// then, outside 3.07, `drp.version` is "0.9.4" or "1.0"              400 unsupported_version.
// The first failing check decides the answer; later checks are not run. A revoke body (DRP
// 2.04) carries only `reason`: checks 3 to 6 apply to the claims it does carry.
//
// Contract: pure apart from the registry reads; thread safe.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "drp/agents.h"
#include "drp/signed_body.h"

namespace charter::drp {

inline constexpr std::string_view kVersion094 = "0.9.4";
inline constexpr std::string_view kVersion10 = "1.0";

// A refused request: the HTTP status (the error body's "code" is its decimal text), the check
// that failed (reason code for the audit log and tests), the message and the DRP `fatal` flag.
struct Refusal {
  int status = 403;
  std::string check;
  std::string message;
  bool fatal = false;
};

struct Authenticated {
  Agent agent;
  SignedBody body;
  nlohmann::json claims;
  std::string version;  // drp.version ("" for a revoke body without it)
};

struct Checked {
  std::optional<Refusal> refusal;  // set: refused, `ok` is empty
  Authenticated ok;
};

// What the message must carry.
enum class Kind {
  kExercise,  // POST /v1/data-rights-request: bearer token; every claim required
  kSetup,     // POST /v1/agent/{id}: agent from the path; every claim required
  kRevoke,    // DELETE /v1/data-rights-request/{id}: bearer token; claims checked if present
};

class Checker {
 public:
  Checker(AgentRegistry& agents, const Clock& clock) : agents_(agents), clock_(clock) {}

  // `bearer`: the token of "Authorization: Bearer <token>" (nullopt: no such header);
  // `path_agent`: the {agent-id} of the setup path. `business_id`: this Covered Business.
  Checked check(Kind kind, std::optional<std::string_view> bearer, std::string_view path_agent,
                std::string_view business_id, std::string_view text);

 private:
  AgentRegistry& agents_;
  const Clock& clock_;
};

// The token of an Authorization field value ("Bearer <token>", scheme case-insensitive).
std::optional<std::string_view> bearer_token(std::optional<std::string_view> authorization);

}  // namespace charter::drp
